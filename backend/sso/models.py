"""Signing in with the school account (SURFconext, eduID over OpenID Connect).

- `RegisteredDomain`: a school's home organisation (the `schac_home_organization` claim, e.g.
  "vista.nl") and how its students are matched to the records the school imported.
- `IdentityLink`: the stable subject of one provider (issuer + sub) → one Koppel login.
- `PendingEmployee`: an employee who signed in without a matching invitation; no role until the
  school's institution admin approves (with a role) or refuses.
- `SignInLogEntry`: every link, sign-in, hold, approval and refusal. Append-only: the app refuses
  to change or delete an entry (queryset and model), and on PostgreSQL a trigger (migration 0002)
  refuses it for every client of the database. Entries name the login and the school by id only
  (no foreign key), so deleting a login later leaves the log as it was.
"""

from collections.abc import Iterable
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import Role


class StudentMatching(models.TextChoices):
    STUDENT_NUMBER = "student_number", _("studentnummer (schac_personal_unique_code)")
    EMAIL = "email", _("instellings-e-mailadres")


class RegisteredDomain(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="sso_domains",
    )
    # Stored in lower case; the claim is compared in lower case.
    domain = models.CharField(_("domein"), max_length=190, unique=True)
    student_matching = models.CharField(
        _("studenten herkennen aan"),
        max_length=20,
        choices=StudentMatching.choices,
        default=StudentMatching.STUDENT_NUMBER,
    )
    created_at = models.DateTimeField(_("geregistreerd op"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["domain"]
        verbose_name = _("geregistreerd domein")
        verbose_name_plural = _("geregistreerde domeinen")
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")), name="sso_domain_lower_case"
            )
        ]

    def __str__(self) -> str:
        return self.domain


class IdentityLink(models.Model):
    """One provider's subject is one login, and a login has at most one subject per provider."""

    issuer = models.CharField(_("uitgever"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    # The school whose registered domain the link was made through.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("gekoppeld op"))
    last_used_at = models.DateTimeField(_("laatst gebruikt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("gekoppeld schoolaccount")
        verbose_name_plural = _("gekoppelde schoolaccounts")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_link_subject_once"),
            models.UniqueConstraint(fields=["user", "issuer"], name="sso_link_one_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject} → {self.user_id}"


class PendingStatus(models.TextChoices):
    OPEN = "open", _("wacht op goedkeuring")
    APPROVED = "approved", _("goedgekeurd")
    REFUSED = "refused", _("afgewezen")


class PendingEmployee(models.Model):
    """An employee of a school who signed in with no invitation waiting for them."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="sso_pending_employees",
    )
    issuer = models.CharField(_("uitgever"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    email = models.EmailField(_("e-mailadres"))
    first_name = models.CharField(_("voornaam"), max_length=150, blank=True)
    last_name = models.CharField(_("achternaam"), max_length=150, blank=True)
    affiliation = models.CharField(_("relatie met de school"), max_length=100, blank=True)
    requested_at = models.DateTimeField(_("aangevraagd op"))
    last_seen_at = models.DateTimeField(_("laatste poging op"))
    status = models.CharField(
        _("status"), max_length=10, choices=PendingStatus.choices, default=PendingStatus.OPEN
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, blank=True)
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("medewerker in afwachting")
        verbose_name_plural = _("medewerkers in afwachting")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_pending_subject_once")
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == PendingStatus.OPEN

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email


class Outcome(models.TextChoices):
    LINKED = "linked", _("gekoppeld en ingelogd")
    SIGNED_IN = "signed_in", _("ingelogd")
    INVITATION_ACCEPTED = "invitation_accepted", _("uitnodiging geaccepteerd")
    HELD = "held", _("wacht op goedkeuring")
    APPROVED = "approved", _("goedgekeurd door beheerder")
    REJECTED = "rejected", _("afgewezen door beheerder")
    REFUSED = "refused", _("geweigerd")


class Reason(models.TextChoices):
    """Why a sign-in was refused; the value is the slug of the page that explains it."""

    UNKNOWN_INSTITUTION = "unknown-institution", _("instelling niet aangesloten")
    MISSING_ATTRIBUTE = "missing-attribute", _("gegeven ontbreekt")
    AFFILIATION_NOT_ALLOWED = "affiliation-not-allowed", _("relatie met de school niet toegestaan")
    ACCOUNT_DISABLED = "account-disabled", _("account uitgeschakeld")
    STATE_MISMATCH = "state-mismatch", _("inlogpoging onbekend of verlopen")
    NONCE_MISMATCH = "nonce-mismatch", _("antwoord hoort niet bij deze inlogpoging")
    TOKEN_EXPIRED = "token-expired", _("bewijs verlopen")
    TOKEN_INVALID = "token-invalid", _("bewijs ongeldig")
    NO_STUDENT_RECORD = "no-student-record", _("geen inschrijving gevonden")
    NOT_LINKABLE = "not-linkable", _("account kan niet gekoppeld worden")
    EMPLOYEE_REFUSED = "employee-refused", _("aanvraag afgewezen door de school")
    PROVIDER_ERROR = "provider-error", _("inlogdienst gaf een fout")


class LogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a sign-in log entry through the app."""


class SignInLogQuerySet(models.QuerySet["SignInLogEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise LogIsAppendOnly("Sign-in log entries cannot be updated")

    def delete(self) -> NoReturn:
        raise LogIsAppendOnly("Sign-in log entries cannot be deleted")

    def bulk_update(
        self, objs: Iterable["SignInLogEntry"], fields: Iterable[str], batch_size: int | None = None
    ) -> NoReturn:
        raise LogIsAppendOnly("Sign-in log entries cannot be updated")


class SignInLogEntry(models.Model):
    at = models.DateTimeField(_("tijdstip"), db_index=True)
    issuer = models.CharField(_("uitgever"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    home_organisation = models.CharField(_("thuisorganisatie"), max_length=190, blank=True)
    affiliation = models.CharField(_("relatie met de school"), max_length=100, blank=True)
    email = models.CharField(_("e-mailadres"), max_length=254, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices)
    reason = models.CharField(_("reden"), max_length=30, choices=Reason.choices, blank=True)
    detail = models.CharField(_("toelichting"), max_length=255, blank=True)
    # By id only (see the module docstring): the login concerned and the school it concerns.
    user_id = models.BigIntegerField(_("gebruiker (id)"), null=True, blank=True)
    organisation_id = models.BigIntegerField(_("school (id)"), null=True, blank=True, db_index=True)
    # The institution admin who approved or refused an employee.
    actor_id = models.BigIntegerField(_("door (id)"), null=True, blank=True)

    objects = SignInLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("inlogregel schoolaccount")
        verbose_name_plural = _("inloglogboek schoolaccount")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.outcome} {self.reason}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LogIsAppendOnly("Sign-in log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LogIsAppendOnly("Sign-in log entries cannot be deleted")
