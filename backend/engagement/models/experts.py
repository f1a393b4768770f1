from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel


def tag_slug(name: str) -> str:
    """The normalised form a tag is stored and searched by: 'Cyber Security ' → 'cyber-security'."""
    return slugify(name.strip())[:60]


class Tag(models.Model):
    """An expertise keyword. Stored normalised (`slug`) so search is an indexed equality on
    PostgreSQL and SQLite alike."""

    name = models.CharField(_("naam"), max_length=60)
    slug = models.SlugField(_("zoekterm"), max_length=60, unique=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("expertise")
        verbose_name_plural = _("expertises")

    def __str__(self) -> str:
        return self.name


class ExpertFormat(models.TextChoices):
    GUEST_LESSON = "guest_lesson", _("gastles")
    WORKSHOP = "workshop", _("workshop")
    MASTERCLASS = "masterclass", _("masterclass")
    COMPANY_VISIT = "company_visit", _("bedrijfsbezoek")
    ONLINE = "online", _("online")


WEEKDAYS = [
    (1, _("maandag")),
    (2, _("dinsdag")),
    (3, _("woensdag")),
    (4, _("donderdag")),
    (5, _("vrijdag")),
]
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels")), ("de", _("Duits"))]


def _packed(values: Iterable[object]) -> str:
    # Multi-valued choices are stored as ",a,b," so `contains=",a,"` finds them on any database.
    texts = [str(v) for v in values if str(v)]
    return f",{','.join(texts)}," if texts else ""


def _unpacked(value: str) -> list[str]:
    return [v for v in value.split(",") if v]


class ExpertProfileQuerySet(models.QuerySet["ExpertProfile"]):
    def active(self) -> "ExpertProfileQuerySet":
        return self.filter(is_active=True)

    def with_format(self, fmt: str) -> "ExpertProfileQuerySet":
        return self.filter(formats__contains=f",{fmt},")

    def with_language(self, language: str) -> "ExpertProfileQuerySet":
        return self.filter(languages__contains=f",{language},")

    def available_on_weekday(self, weekday: int) -> "ExpertProfileQuerySet":
        return self.filter(models.Q(weekdays="") | models.Q(weekdays__contains=f",{weekday},"))


class ExpertProfile(TimeStampedModel):
    """A professional of a partner company who can teach: expertise, formats and availability."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("bedrijf"),
        on_delete=models.PROTECT,
        related_name="experts",
    )
    headline = models.CharField(_("vakgebied in één regel"), max_length=200)
    bio = models.TextField(_("over mij"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="experts", verbose_name=_("tags"))
    languages = models.CharField(_("talen"), max_length=40, default=",nl,")
    formats = models.CharField(_("vormen"), max_length=120, blank=True)
    weekdays = models.CharField(_("beschikbare dagen"), max_length=20, blank=True)
    available_from = models.DateField(_("beschikbaar vanaf"), null=True, blank=True)
    available_until = models.DateField(_("beschikbaar tot"), null=True, blank=True)
    availability_note = models.CharField(_("beschikbaarheid"), max_length=300, blank=True)
    # Who may find this expert: every school of this consortium, plus schools listed by name.
    consortium = models.ForeignKey(
        "organisations.Consortium",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experts",
        verbose_name=_("zichtbaar in consortium"),
    )
    schools = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="visible_experts",
        verbose_name=_("zichtbaar voor scholen"),
    )
    is_active = models.BooleanField(_("zoekbaar"), default=True)

    objects = ExpertProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(available_until__isnull=True)
                | models.Q(available_from__isnull=True)
                | models.Q(available_until__gte=models.F("available_from")),
                name="expert_available_until_after_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"

    @property
    def format_list(self) -> list[str]:
        return _unpacked(self.formats)

    @property
    def language_list(self) -> list[str]:
        return _unpacked(self.languages)

    @property
    def format_labels(self) -> list[str]:
        labels = dict(ExpertFormat.choices)
        return [str(labels[v]) for v in self.format_list if v in labels]

    @property
    def language_labels(self) -> list[str]:
        labels = dict(LANGUAGES)
        return [str(labels[v]) for v in self.language_list if v in labels]

    @property
    def weekday_labels(self) -> list[str]:
        labels = dict(WEEKDAYS)
        return [str(labels[v]) for v in self.weekday_list if v in labels]

    @property
    def weekday_list(self) -> list[int]:
        return [int(v) for v in _unpacked(self.weekdays)]

    def set_formats(self, values: Iterable[str]) -> None:
        self.formats = _packed(v for v, _label in ExpertFormat.choices if v in set(values))

    def set_languages(self, values: Iterable[str]) -> None:
        self.languages = _packed(v for v, _label in LANGUAGES if v in set(values))

    def set_weekdays(self, values: Iterable[int | str]) -> None:
        wanted = {int(v) for v in values}
        self.weekdays = _packed(v for v, _label in WEEKDAYS if v in wanted)
