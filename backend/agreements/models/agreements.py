from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import Role
from backend.core.errors import Conflict
from backend.core.models import TimeStampedModel


class AgreementKind(models.TextChoices):
    ENGAGEMENT = "engagement", _("korte afspraak bij een aanbod")
    UMBRELLA = "umbrella", _("raamafspraak met een bedrijvencollectief")
    ROTATION = "rotation", _("afspraak onder een raamafspraak")
    CONSORTIUM = "consortium", _("consortiumovereenkomst")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("concept")
    PROPOSED = "proposed", _("voorgesteld")
    ACCEPTED = "accepted", _("geaccepteerd")
    ACTIVE = "active", _("lopend")
    FULFILLED = "fulfilled", _("nagekomen")
    CANCELLED = "cancelled", _("geannuleerd")
    EXPIRED = "expired", _("verlopen")
    BROKEN = "broken", _("verbroken")


OPEN_STATUSES = (
    AgreementStatus.DRAFT,
    AgreementStatus.PROPOSED,
    AgreementStatus.ACCEPTED,
    AgreementStatus.ACTIVE,
)
# Every party accepted: the agreement binds them (a change sends it back to proposed).
RUNNING_STATUSES = (AgreementStatus.ACCEPTED, AgreementStatus.ACTIVE)
ENDED_WITH_REASON = (AgreementStatus.CANCELLED, AgreementStatus.EXPIRED, AgreementStatus.BROKEN)


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def open(self) -> "AgreementQuerySet":
        return self.filter(status__in=OPEN_STATUSES)


class Agreement(TimeStampedModel):
    """An agreement between parties (a school and a company, a school and a collective, or the
    members of a consortium). Its text lives in versions; its history in the log."""

    kind = models.CharField(_("soort"), max_length=20, choices=AgreementKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    template = models.ForeignKey(
        "agreements.AgreementTemplate", on_delete=models.PROTECT, related_name="agreements"
    )
    offer = models.ForeignKey(
        "offers.Offer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("raamafspraak"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    consortium = models.ForeignKey(
        "organisations.Consortium",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    status_reason = models.TextField(_("reden"), blank=True)
    status_changed_at = models.DateTimeField(_("status gewijzigd op"), null=True, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("einde"), null=True, blank=True)
    mentoring_hours = models.PositiveSmallIntegerField(_("begeleidingsuren"), default=0)
    place = models.CharField(_("plaats"), max_length=200, blank=True)
    provides = models.TextField(_("wat het bedrijf biedt"), blank=True)
    deliverables = models.TextField(_("op te leveren"), blank=True)
    # Students who work under this agreement (they may read it, never accept it).
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="agreements_as_participant"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        indexes = [models.Index(fields=["status", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["cancelled", "expired", "broken"]) | ~Q(status_reason=""),
                name="agreement_ending_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def current_version(self) -> "AgreementVersion":
        """The newest version. Every agreement has one from the moment it is created."""
        version = self.versions.order_by("-number").first()
        if version is None:
            raise AgreementVersion.DoesNotExist(f"Agreement {self.pk} has no version")
        return version

    @property
    def is_open(self) -> bool:
        """Draft, proposed, accepted or active: it can still change."""
        return self.status in OPEN_STATUSES

    @property
    def is_running(self) -> bool:
        """Accepted or active: every party agreed and the work is on."""
        return self.status in RUNNING_STATUSES


class PartyRole(models.TextChoices):
    SCHOOL = "school", _("school")
    COMPANY = "company", _("bedrijf")
    COLLECTIVE = "collective", _("bedrijvencollectief")
    MEMBER = "member", _("consortiumpartner")


class AgreementParty(TimeStampedModel):
    """An organisation that is party to an agreement, with its contact person."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="agreement_parties"
    )
    role = models.CharField(_("rol"), max_length=20, choices=PartyRole.choices)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contactpersoon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_contacts",
    )
    # Set by a takeover: the organisation this party was before it moved to the successor.
    previous_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    needs_reconfirmation = models.BooleanField(_("opnieuw bevestigen"), default=False)
    reconfirmation_reason = models.TextField(_("reden herbevestiging"), blank=True)

    class Meta:
        ordering = ["agreement", "pk"]
        verbose_name = _("partij")
        verbose_name_plural = _("partijen")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="agreement_party_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"

    @property
    def accepts_as_school(self) -> bool:
        return self.role in (PartyRole.SCHOOL,) or self.organisation.is_school


class VersionLocked(Conflict):
    """An accepted version is never edited: a change makes a new version."""


class AgreementVersion(models.Model):
    """The text of an agreement at one moment: the filled-in terms and the rendered clauses in
    Dutch and English. Once any party accepted it, it is frozen (save() and delete() refuse)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("versie"))
    terms = models.JSONField(_("voorwaarden"), default=dict)
    clauses = models.JSONField(_("clausules"), default=list)
    content_hash = models.CharField(max_length=64)
    change_note = models.TextField(_("wijziging"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("versie")
        verbose_name_plural = _("versies")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Last line of defence; services and the API check first with a clearer message.
        if not self._state.adding:
            self._refuse_if_accepted()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_if_accepted()
        return super().delete(*args, **kwargs)

    def clauses_in(self, language: str) -> list[dict[str, str]]:
        """The clauses for a reader: {key, category, title, text} in nl or en (nl otherwise)."""
        language = language if language in ("nl", "en") else "nl"
        return [
            {
                "key": clause["key"],
                "category": clause["category"],
                "title": clause[f"title_{language}"],
                "text": clause[f"text_{language}"],
            }
            for clause in self.clauses
        ]

    def is_accepted(self) -> bool:
        return self.pk is not None and Acceptance.objects.filter(version_id=self.pk).exists()

    def _refuse_if_accepted(self) -> None:
        if self.is_accepted():
            raise VersionLocked(
                gettext(
                    "Versie %(number)s is al geaccepteerd en kan niet meer worden gewijzigd; "
                    "een wijziging maakt een nieuwe versie."
                )
                % {"number": self.number}
            )


class Acceptance(models.Model):
    """A party accepted a version: who, in which role, when and from where."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="acceptances"
    )
    party = models.ForeignKey(AgreementParty, on_delete=models.PROTECT, related_name="acceptances")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agreement_acceptances"
    )
    role = models.CharField(_("rol"), max_length=20)
    accepted_at = models.DateTimeField(_("geaccepteerd op"))
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["accepted_at", "pk"]
        verbose_name = _("acceptatie")
        verbose_name_plural = _("acceptaties")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation", "person"], name="acceptance_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} voor {self.organisation} ({self.version})"

    @property
    def role_label(self) -> str:
        """The role in words, in the active language ("contactpersoon bedrijf"); `role` holds
        a membership role, or "staff" for Koppel staff who accepted without one."""
        if self.role in Role.values:
            return str(Role(self.role).label)
        if self.role == "staff":
            return gettext("medewerker Koppel")
        return self.role
