"""What this app adds to django-otp's devices: the count of wrong codes and the log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SecondFactorLock(models.Model):
    """Wrong codes of one person in a row, and the lock they led to. A right code deletes the
    row; a right password does not touch it (so signing in again gives no fresh tries).
    `strikes` counts the locks in a row; each lasts twice as long as the one before (capped)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    failures = models.PositiveIntegerField(_("onjuiste codes op rij"), default=0)
    strikes = models.PositiveIntegerField(_("aantal blokkades"), default=0)
    locked_until = models.DateTimeField(_("geblokkeerd tot"), null=True, blank=True)

    class Meta:
        verbose_name = _("blokkade tweestapsverificatie")
        verbose_name_plural = _("blokkades tweestapsverificatie")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.failures} ({self.locked_until})"


class EventKind(models.TextChoices):
    SET_UP = "set_up", _("ingesteld")
    RECOVERY_CODE_USED = "recovery_code_used", _("herstelcode gebruikt")
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("nieuwe herstelcodes")
    DISABLED = "disabled", _("uitgeschakeld")
    RESET = "reset", _("hersteld door beheerder")
    LOCKED = "locked", _("geblokkeerd na onjuiste codes")
    REQUIREMENT_CHANGED = "requirement_changed", _("verplichting van de school gewijzigd")


class SecondFactorEvent(models.Model):
    """Append-only: what happened to whose second factor, who did it and when. Nothing edits or
    deletes a row (a person's rows go with the person)."""

    kind = models.CharField(_("soort"), max_length=30, choices=EventKind.choices)
    # Whose second factor; empty for a school's requirement.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persoon"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    detail = models.CharField(_("toelichting"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("tijdstip"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "created_at"], name="two_factor_event_school_idx")
        ]
        verbose_name = _("gebeurtenis tweestapsverificatie")
        verbose_name_plural = _("gebeurtenissen tweestapsverificatie")

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
