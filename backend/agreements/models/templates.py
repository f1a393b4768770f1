from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.agreements.models.agreements import AgreementKind


class ClauseCategory(models.TextChoices):
    PROVIDES = "provides", _("wat het bedrijf biedt")
    MENTORING = "mentoring", _("begeleidingsuren")
    DATES_PLACE = "dates_place", _("data en plaats")
    DELIVERABLES = "deliverables", _("op te leveren")
    IP_CONFIDENTIALITY = "ip_confidentiality", _("intellectueel eigendom en geheimhouding")
    INSURANCE_SAFETY = "insurance_safety", _("verzekering en veiligheid")
    ABSENCE_CANCELLATION = "absence_cancellation", _("afwezigheid en annulering")
    DATA_PROTECTION = "data_protection", _("gegevensbescherming (AVG)")
    PARTIES = "parties", _("partijen en looptijd")
    FINANCING = "financing", _("cofinanciering")


class Clause(models.Model):
    """One clause of the library, in plain Dutch and English, with placeholders such as
    {company}, {school}, {offer_title}, {start}, {end}, {hours}, {place}."""

    key = models.SlugField(_("sleutel"), max_length=60, unique=True)
    category = models.CharField(_("categorie"), max_length=30, choices=ClauseCategory.choices)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=100)
    title_nl = models.CharField(_("titel (nl)"), max_length=200)
    title_en = models.CharField(_("titel (en)"), max_length=200)
    text_nl = models.TextField(_("tekst (nl)"))
    text_en = models.TextField(_("tekst (en)"))

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("clausule")
        verbose_name_plural = _("clausules")

    def __str__(self) -> str:
        return f"{self.key} ({self.get_category_display()})"


class AgreementTemplate(models.Model):
    """A versioned template per kind of agreement: which clauses, from which date."""

    kind = models.CharField(_("soort"), max_length=20, choices=AgreementKind.choices)
    version = models.PositiveSmallIntegerField(_("versie"))
    effective_on = models.DateField(_("geldig vanaf"))
    title_nl = models.CharField(_("titel (nl)"), max_length=200)
    title_en = models.CharField(_("titel (en)"), max_length=200)
    clauses = models.ManyToManyField(Clause, related_name="templates", verbose_name=_("clausules"))

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("sjabloon")
        verbose_name_plural = _("sjablonen")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="template_version_once"),
            models.CheckConstraint(condition=Q(version__gte=1), name="template_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title_nl} v{self.version}"
