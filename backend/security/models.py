"""Attempts recorded in the database, so every gunicorn process and worker sees the same counts.

Rows are keyed by the e-mail address as typed (normalised), not by user, so an unknown address is
counted and locked exactly like a known one (no account enumeration). Old rows are pruned by
`security_records_prune` (a beat task)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SigninFailure(models.Model):
    """One refused password at the token endpoint or the web login."""

    email = models.CharField(_("e-mailadres"), max_length=254)
    address = models.CharField(_("adres"), max_length=45, blank=True)
    created_at = models.DateTimeField(_("tijdstip"))

    class Meta:
        indexes = [
            models.Index(fields=["email", "created_at"], name="signin_failure_email_idx"),
            models.Index(fields=["address", "created_at"], name="signin_failure_address_idx"),
        ]
        verbose_name = _("mislukte inlogpoging")
        verbose_name_plural = _("mislukte inlogpogingen")

    def __str__(self) -> str:
        return f"{self.email} @ {self.address} {self.created_at:%Y-%m-%d %H:%M}"


class AccountLock(models.Model):
    """An e-mail address that may not sign in until `locked_until`. `strikes` counts the locks in a
    row; each one lasts twice as long as the one before (capped)."""

    email = models.CharField(_("e-mailadres"), max_length=254, unique=True)
    locked_until = models.DateTimeField(_("geblokkeerd tot"))
    strikes = models.PositiveIntegerField(_("aantal blokkades"), default=1)

    class Meta:
        verbose_name = _("geblokkeerd account")
        verbose_name_plural = _("geblokkeerde accounts")

    def __str__(self) -> str:
        return f"{self.email} tot {self.locked_until:%Y-%m-%d %H:%M}"


class MailKind(models.TextChoices):
    PASSWORD_RESET = "password_reset", _("nieuw wachtwoord")
    SIGN_UP = "sign_up", _("aanmelding")


class MailRequest(models.Model):
    """A request that may send an e-mail (password reset, sign-up). Counted per address and per
    e-mail address to stop inbox flooding; `allowed` says whether a mail was queued for it and
    `handled_at` is set by the task that sent it (so it is sent once)."""

    kind = models.CharField(_("soort"), max_length=20, choices=MailKind.choices)
    email = models.CharField(_("e-mailadres"), max_length=254)
    address = models.CharField(_("adres"), max_length=45, blank=True)
    allowed = models.BooleanField(_("toegestaan"))
    created_at = models.DateTimeField(_("tijdstip"))
    handled_at = models.DateTimeField(_("verwerkt op"), null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "email", "created_at"], name="mail_request_email_idx"),
            models.Index(fields=["kind", "address", "created_at"], name="mail_request_address_idx"),
        ]
        verbose_name = _("e-mailverzoek")
        verbose_name_plural = _("e-mailverzoeken")

    def __str__(self) -> str:
        return f"{self.kind} {self.email} {self.created_at:%Y-%m-%d %H:%M}"
