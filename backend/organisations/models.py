from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import CertificateKind
from backend.accounts.roles import CARE_NOTES_READER_ROLES
from backend.core.models import TimeStampedModel

kvk_validator = RegexValidator(r"^\d{8}$", _("Een KvK-nummer bestaat uit precies 8 cijfers."))
brin_validator = RegexValidator(
    r"^\d{2}[A-Z]{2}$", _("Een BRIN-code bestaat uit 2 cijfers en 2 hoofdletters, bv. 25LX.")
)
postcode_validator = RegexValidator(
    r"^[1-9]\d{3} ?[A-Z]{2}$", _("Een postcode ziet eruit als 1234 AB.")
)


class OrganisationKind(models.TextChoices):
    SCHOOL = "school", _("mbo-school (ROC)")
    HOGESCHOOL = "hogeschool", _("hogeschool")
    COMPANY = "company", _("bedrijf")
    INTERMEDIARY = "intermediary", _("intermediair")
    COLLECTIVE = "collective", _("bedrijvencollectief")
    FUNDER = "funder", _("financier")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def schools(self) -> "OrganisationQuerySet":
        return self.filter(kind__in=[OrganisationKind.SCHOOL, OrganisationKind.HOGESCHOOL])

    def companies(self) -> "OrganisationQuerySet":
        return self.filter(kind=OrganisationKind.COMPANY)

    def active(self) -> "OrganisationQuerySet":
        return self.filter(succeeded_by__isnull=True)


class Organisation(TimeStampedModel):
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=OrganisationKind.choices)
    brin = models.CharField(_("BRIN-code"), max_length=4, blank=True, validators=[brin_validator])
    kvk = models.CharField(_("KvK-nummer"), max_length=8, blank=True, validators=[kvk_validator])
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    employee_count = models.PositiveIntegerField(_("aantal medewerkers"), null=True, blank=True)
    # A takeover keeps the old organisation (and its history) and points it at the new owner.
    succeeded_by = models.ForeignKey(
        "self",
        verbose_name=_("opgevolgd door"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    succeeded_on = models.DateField(_("overgenomen op"), null=True, blank=True)
    # School policy. Importing students creates logins, so by default only the institution admin
    # does it; a school may extend it to its coordinators.
    coordinators_may_import_students = models.BooleanField(
        _("coördinatoren mogen studenten importeren"), default=False
    )
    # Roles (besides the student's own coach, who always may) that may read care notes; a list of
    # `accounts.Role` values, e.g. ["coordinator"]. Empty: only the own coach.
    care_notes_roles = models.JSONField(
        _("rollen die zorgnotities mogen lezen"), default=list, blank=True
    )
    # Password logins of the school's coordinators, programme leads and institution admins need a
    # second factor (backend.two_factor). On by default; the institution admin may turn it off.
    require_two_factor = models.BooleanField(_("tweestapsverificatie verplicht"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        constraints = [
            models.UniqueConstraint(
                fields=["kvk"], condition=~Q(kvk=""), name="organisation_kvk_unique"
            ),
            models.UniqueConstraint(
                fields=["brin"], condition=~Q(brin=""), name="organisation_brin_unique"
            ),
            models.CheckConstraint(
                condition=Q(succeeded_by__isnull=True) | ~Q(succeeded_by=models.F("pk")),
                name="organisation_not_succeeded_by_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        unknown = set(self.care_notes_roles or []) - set(CARE_NOTES_READER_ROLES)
        if not isinstance(self.care_notes_roles, list) or unknown:
            raise ValidationError(
                {
                    "care_notes_roles": _("Kies uit: %(roles)s.")
                    % {"roles": ", ".join(CARE_NOTES_READER_ROLES)}
                }
            )

    @property
    def is_school(self) -> bool:
        return self.kind in (OrganisationKind.SCHOOL, OrganisationKind.HOGESCHOOL)

    @property
    def is_company(self) -> bool:
        return self.kind == OrganisationKind.COMPANY

    def current(self) -> "Organisation":
        """The organisation that carries on this one's agreements today (after takeovers)."""
        organisation, seen = self, {self.pk}
        while organisation.succeeded_by_id not in seen and (successor := organisation.succeeded_by):
            organisation = successor
            seen.add(organisation.pk)
        return organisation


class Location(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("naam"), max_length=200)
    street = models.CharField(_("adres"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[postcode_validator])
    city = models.CharField(_("plaats"), max_length=100)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("locatie")
        verbose_name_plural = _("locaties")

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class Consortium(TimeStampedModel):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    description = models.TextField(_("omschrijving"), blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("einde"), null=True, blank=True)
    members = models.ManyToManyField(
        Organisation, through="ConsortiumMembership", related_name="consortia"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="consortium_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ConsortiumRole(models.TextChoices):
    LEAD = "lead", _("penvoerder")
    PARTNER = "partner", _("partner")
    ASSOCIATE = "associate", _("geassocieerd partner")
    FUNDER = "funder", _("financier")


class ConsortiumMembership(TimeStampedModel):
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consortium_memberships"
    )
    role = models.CharField(_("rol"), max_length=20, choices=ConsortiumRole.choices)
    joined_on = models.DateField(_("lid sinds"), null=True, blank=True)
    left_on = models.DateField(_("lid tot"), null=True, blank=True)

    class Meta:
        verbose_name = _("consortiumlid")
        verbose_name_plural = _("consortiumleden")
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "organisation"], name="consortium_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.consortium} ({self.get_role_display()})"


class PolicySubject(models.TextChoices):
    GUEST_TEACHER = "guest_teacher", _("gastdocent / expert")
    COMPANY_MENTOR = "company_mentor", _("praktijkbegeleider")


class CertificatePolicy(TimeStampedModel):
    """An institution's rule: people in this role need this certificate to work with our students.

    Digiwise: Vista requires a VOG from guest teachers, Gilde does not."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="certificate_policies"
    )
    certificate = models.CharField(_("certificaat"), max_length=10, choices=CertificateKind.choices)
    applies_to = models.CharField(_("geldt voor"), max_length=20, choices=PolicySubject.choices)
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("certificaatbeleid")
        verbose_name_plural = _("certificaatbeleid")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "certificate", "applies_to"], name="certificate_policy_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.certificate} voor {self.get_applies_to_display()}"
