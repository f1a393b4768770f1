from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel

crebo_validator = RegexValidator(r"^\d{5}$", _("Een crebonummer bestaat uit 5 cijfers."))
werkproces_code_validator = RegexValidator(
    r"^[BP]\d+-K\d+-W\d+$", _("Een werkprocescode ziet eruit als B1-K1-W3 of P2-K1-W1.")
)
kerntaak_code_validator = RegexValidator(
    r"^[BP]\d+-K\d+$", _("Een kerntaakcode ziet eruit als B1-K1 of P2-K1.")
)


class Kwalificatiedossier(TimeStampedModel):
    """A national qualification file in one edition (e.g. Dienstverlening, 2016)."""

    # Blank when the source names the qualifications but not the dossier crebo (never invented).
    crebo = models.CharField(
        _("crebo dossier"), max_length=5, blank=True, validators=[crebo_validator]
    )
    title = models.CharField(_("titel"), max_length=200)
    edition = models.CharField(_("editie"), max_length=20)
    valid_from = models.DateField(_("geldig vanaf"), null=True, blank=True)
    valid_until = models.DateField(_("geldig tot"), null=True, blank=True)
    source = models.CharField(_("bron"), max_length=300, blank=True)
    # Provenance and caveats from the source ("kerntaak title not found", "verify with SBB").
    source_note = models.TextField(_("toelichting bij de bron"), blank=True)

    class Meta:
        ordering = ["title", "-edition"]
        verbose_name = _("kwalificatiedossier")
        verbose_name_plural = _("kwalificatiedossiers")
        constraints = [
            models.UniqueConstraint(fields=["crebo", "edition"], name="dossier_edition_once"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="dossier_valid_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.crebo}, {self.edition})"


class Kwalificatie(TimeStampedModel):
    """An opleiding within a dossier: crebo + niveau (e.g. 25604 Software developer, niveau 4)."""

    dossier = models.ForeignKey(
        Kwalificatiedossier, on_delete=models.CASCADE, related_name="kwalificaties"
    )
    crebo = models.CharField(_("crebo"), max_length=5, validators=[crebo_validator])
    title = models.CharField(_("titel"), max_length=200)
    niveau = models.PositiveSmallIntegerField(
        _("niveau"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        ordering = ["title", "niveau"]
        verbose_name = _("kwalificatie")
        verbose_name_plural = _("kwalificaties")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "crebo"], name="kwalificatie_once"),
            models.CheckConstraint(
                condition=Q(niveau__gte=1) & Q(niveau__lte=4), name="kwalificatie_niveau_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.crebo}, niveau {self.niveau})"

    def werkprocessen(self) -> "models.QuerySet[Werkproces]":
        """The basis werkprocessen of the dossier plus the profiel ones of this kwalificatie."""
        return Werkproces.objects.filter(kerntaak__dossier_id=self.dossier_id).filter(
            Q(kerntaak__kind=KerntaakKind.BASIS) | Q(kerntaak__kwalificaties=self)
        )


class KerntaakKind(models.TextChoices):
    BASIS = "basis", _("basisdeel")
    PROFIEL = "profiel", _("profieldeel")


class Kerntaak(TimeStampedModel):
    dossier = models.ForeignKey(
        Kwalificatiedossier, on_delete=models.CASCADE, related_name="kerntaken"
    )
    code = models.CharField(_("code"), max_length=12, validators=[kerntaak_code_validator])
    title = models.CharField(_("titel"), max_length=300)
    kind = models.CharField(_("soort"), max_length=10, choices=KerntaakKind.choices)
    # A profiel kerntaak belongs to the kwalificatie(s) of that profile; basis ones to all.
    kwalificaties = models.ManyToManyField(Kwalificatie, blank=True, related_name="kerntaken")

    class Meta:
        ordering = ["dossier", "code"]
        verbose_name = _("kerntaak")
        verbose_name_plural = _("kerntaken")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "code"], name="kerntaak_code_per_dossier")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Werkproces(TimeStampedModel):
    kerntaak = models.ForeignKey(Kerntaak, on_delete=models.CASCADE, related_name="werkprocessen")
    code = models.CharField(_("code"), max_length=16, validators=[werkproces_code_validator])
    title = models.CharField(_("titel"), max_length=300)
    description = models.TextField(_("omschrijving"), blank=True)

    class Meta:
        ordering = ["kerntaak__dossier", "code"]
        verbose_name = _("werkproces")
        verbose_name_plural = _("werkprocessen")
        constraints = [
            models.UniqueConstraint(
                fields=["kerntaak", "code"], name="werkproces_code_per_kerntaak"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Keuzedeel(TimeStampedModel):
    code = models.CharField(_("code"), max_length=8, unique=True)
    title = models.CharField(_("titel"), max_length=300)
    sbu = models.PositiveSmallIntegerField(_("studiebelastingsuren"), null=True, blank=True)
    niveau = models.PositiveSmallIntegerField(_("niveau"), null=True, blank=True)
    kwalificaties = models.ManyToManyField(Kwalificatie, blank=True, related_name="keuzedelen")

    class Meta:
        ordering = ["code"]
        verbose_name = _("keuzedeel")
        verbose_name_plural = _("keuzedelen")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ProgressLevel(models.TextChoices):
    NEVER = "nooit", _("nooit")
    PRACTISING = "oefenen", _("oefenen")
    SUFFICIENT = "voldoende", _("voldoende")
    GOOD = "goed", _("goed")


DEMONSTRATED_LEVELS = (ProgressLevel.SUFFICIENT, ProgressLevel.GOOD)


class WerkprocesEvidence(TimeStampedModel):
    """What a student showed for one werkproces, from a coach, the company or the student."""

    student = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="werkproces_evidence"
    )
    werkproces = models.ForeignKey(Werkproces, on_delete=models.PROTECT, related_name="evidence")
    level = models.CharField(_("niveau"), max_length=10, choices=ProgressLevel.choices)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="recorded_evidence"
    )
    offer = models.ForeignKey(
        "offers.Offer", null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    note = models.TextField(_("toelichting"), blank=True)
    # Only validated evidence counts as demonstrated (portfolio, open goals of the matcher): a
    # coach or teacher of the student's school accepted it (learning.services.validation).
    validated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_at = models.DateTimeField(_("gevalideerd op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["student", "werkproces"],
                condition=Q(validated_at__isnull=False),
                name="evidence_validated",
            )
        ]
        verbose_name = _("bewijs per werkproces")
        verbose_name_plural = _("bewijzen per werkproces")

    def __str__(self) -> str:
        return f"{self.student} {self.werkproces.code}: {self.level}"
