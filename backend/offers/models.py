import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel

if TYPE_CHECKING:
    from backend.curriculum.models import Kwalificatie


class OfferKind(models.TextChoices):
    CHALLENGE = "challenge", _("praktijkopdracht (challenge)")
    GUEST_LESSON = "guest_lesson", _("gastles")
    MASTERCLASS = "masterclass", _("masterclass")
    WORKSHOP = "workshop", _("workshop")
    INTERNSHIP = "internship", _("stage (BPV)")
    COMPANY_VISIT = "company_visit", _("bedrijfsbezoek")
    TEACHER_INTERNSHIP = "teacher_internship", _("docentenstage")
    OTHER_HELP = "other_help", _("andere hulp (apparatuur, ruimtes)")


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("concept")
    SUBMITTED = "submitted", _("ingediend")
    IN_REVIEW = "in_review", _("in beoordeling")
    CHANGES_REQUESTED = "changes_requested", _("aanpassing gevraagd")
    PUBLISHED = "published", _("gepubliceerd")
    REJECTED = "rejected", _("afgewezen")
    RUNNING = "running", _("loopt")
    COMPLETED = "completed", _("afgerond")
    ARCHIVED = "archived", _("gearchiveerd")
    WITHDRAWN = "withdrawn", _("ingetrokken")


# Status families: the one home of "which states count as…". Services, selectors, APIs, views and
# templates use these (or the Offer properties below), never lists of raw status strings.

# The company may still change what it offers.
EDITABLE_STATUSES: tuple[OfferStatus, ...] = (OfferStatus.DRAFT, OfferStatus.CHANGES_REQUESTED)
# Submitted to the school, which has not decided yet.
AWAITING_DECISION_STATUSES: tuple[OfferStatus, ...] = (OfferStatus.SUBMITTED, OfferStatus.IN_REVIEW)
# Students see it (and may choose it): published, or already running.
PUBLIC_STATUSES: tuple[OfferStatus, ...] = (OfferStatus.PUBLISHED, OfferStatus.RUNNING)
# Nothing happens to the offer any more, except archiving.
FINAL_STATUSES: tuple[OfferStatus, ...] = (
    OfferStatus.REJECTED,
    OfferStatus.COMPLETED,
    OfferStatus.ARCHIVED,
    OfferStatus.WITHDRAWN,
)
# Teachers curate (map werkprocessen) what reached the school and is not closed: a draft has not
# reached a school yet, and a closed offer's mappings are history.
MAPPABLE_STATUSES: tuple[OfferStatus, ...] = (
    *AWAITING_DECISION_STATUSES,
    OfferStatus.CHANGES_REQUESTED,
    *PUBLIC_STATUSES,
)


class LocationKind(models.TextChoices):
    COMPANY = "company", _("bij het bedrijf")
    SCHOOL = "school", _("op school")
    REMOTE = "remote", _("op afstand")


# A lesson, workshop or masterclass lasts at most a working day.
MAX_DURATION_MINUTES = 8 * 60


class OfferQuerySet(models.QuerySet["Offer"]):
    def published(self) -> "OfferQuerySet":
        return self.filter(status=OfferStatus.PUBLISHED)

    def challenges(self) -> "OfferQuerySet":
        return self.filter(kind=OfferKind.CHALLENGE)

    def for_level(self, niveau: int) -> "OfferQuerySet":
        return self.filter(niveau_min__lte=niveau, niveau_max__gte=niveau)

    def for_kwalificatie(self, kwalificatie: "Kwalificatie") -> "OfferQuerySet":
        """Offers open to this opleiding: no programme restriction, or this one listed."""
        return self.filter(Q(programmes__isnull=True) | Q(programmes=kwalificatie)).distinct()


class Offer(TimeStampedModel):
    """Anything a company offers to education: a challenge, guest lesson, internship, help."""

    kind = models.CharField(_("soort"), max_length=20, choices=OfferKind.choices)
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("aanbieder"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contactpersoon"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("wat is de vraag"))
    expectations = models.TextField(_("wat verwacht het bedrijf"), blank=True)
    deliverables = models.TextField(_("op te leveren"), blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("einde"), null=True, blank=True)
    # A guest lesson (or workshop, masterclass) happens at a time of day and lasts a while; a
    # challenge runs for weeks and has neither. Both or neither (offers.services.editing).
    start_time = models.TimeField(_("begintijd"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duur (minuten)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    # Who gives it, in the company's words ("Eva Smit, UX-designer").
    presenters = models.CharField(_("wie geeft het"), max_length=300, blank=True)
    location_kind = models.CharField(
        _("waar"), max_length=10, choices=LocationKind.choices, default=LocationKind.COMPANY
    )
    location = models.ForeignKey(
        "organisations.Location", null=True, blank=True, on_delete=models.SET_NULL
    )
    language = models.CharField(
        _("taal"), max_length=2, choices=[("nl", "Nederlands"), ("en", "English")], default="nl"
    )
    min_students = models.PositiveSmallIntegerField(_("minimum aantal studenten"), default=0)
    max_students = models.PositiveSmallIntegerField(_("maximum aantal studenten"), default=1)
    team_size = models.PositiveSmallIntegerField(_("teamgrootte"), null=True, blank=True)
    niveau_min = models.PositiveSmallIntegerField(
        _("vanaf niveau"), default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    niveau_max = models.PositiveSmallIntegerField(
        _("tot en met niveau"), default=4, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    # Empty means open to every opleiding.
    programmes = models.ManyToManyField(
        "curriculum.Kwalificatie", blank=True, related_name="offers", verbose_name=_("opleidingen")
    )
    required_certificates = models.JSONField(_("vereiste certificaten"), default=list, blank=True)
    # Where the offer is submitted for review: schools and/or a whole consortium.
    schools = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="submitted_offers",
        verbose_name=_("scholen"),
    )
    consortium = models.ForeignKey(
        "organisations.Consortium",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
    )
    pok_reference = models.CharField(
        _("referentie praktijkovereenkomst (POK)"), max_length=100, blank=True
    )

    status = models.CharField(
        _("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(_("status gewijzigd op"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers_in_review",
    )
    rejection_reason = models.TextField(_("reden van afwijzing"), blank=True)
    change_request = models.TextField(_("gevraagde aanpassing"), blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("aanbod")
        verbose_name_plural = _("aanbod")
        indexes = [
            models.Index(fields=["status", "kind"]),
            # The review queue in its order (selectors.visibility.REVIEW_QUEUE_ORDER): only
            # the offers awaiting a decision, so a page is read off the index.
            models.Index(
                Coalesce("status_changed_at", "created_at"),
                "created_at",
                "id",
                name="offer_review_queue_order",
                condition=Q(status__in=AWAITING_DECISION_STATUSES),
            ),
            # A student's list of open challenges in its order (title, id): a page is a walk
            # of the index that stops after the page (allocations selectors.student).
            models.Index(fields=["title", "id"], name="offer_title_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_students__lte=models.F("max_students")),
                name="offer_min_students_lte_max",
            ),
            models.CheckConstraint(
                condition=Q(niveau_min__gte=1)
                & Q(niveau_max__lte=4)
                & Q(niveau_min__lte=models.F("niveau_max")),
                name="offer_niveau_range",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="offer_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True)
                | (Q(duration_minutes__gte=1) & Q(duration_minutes__lte=MAX_DURATION_MINUTES)),
                name="offer_duration_at_most_a_day",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="offer_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # --- when ------------------------------------------------------------------------------

    @property
    def is_one_day(self) -> bool:
        """It happens on one date (no end date, or the same one)."""
        return self.starts_on is not None and self.ends_on in (None, self.starts_on)

    @property
    def end_time(self) -> dt.time | None:
        """When it ends on the day: the start time plus the duration (None without both)."""
        if self.start_time is None or not self.duration_minutes:
            return None
        minutes = self.start_time.hour * 60 + self.start_time.minute + self.duration_minutes
        return dt.time(min(minutes, 24 * 60 - 1) // 60, min(minutes, 24 * 60 - 1) % 60)

    # --- status families (see the *_STATUSES tuples above) ---------------------------------

    @property
    def is_draft(self) -> bool:
        return self.status == OfferStatus.DRAFT

    @property
    def is_editable(self) -> bool:
        """The company may still change it (a draft, or changes were requested)."""
        return self.status in EDITABLE_STATUSES

    @property
    def awaiting_decision(self) -> bool:
        """Submitted or in review: the school has yet to publish, ask for changes or reject."""
        return self.status in AWAITING_DECISION_STATUSES

    @property
    def changes_requested(self) -> bool:
        return self.status == OfferStatus.CHANGES_REQUESTED

    @property
    def is_rejected(self) -> bool:
        return self.status == OfferStatus.REJECTED

    @property
    def is_public(self) -> bool:
        """Published or running: students see it."""
        return self.status in PUBLIC_STATUSES

    @property
    def is_final(self) -> bool:
        """Rejected, completed, archived or withdrawn: it can no longer be withdrawn."""
        return self.status in FINAL_STATUSES

    @property
    def is_mappable(self) -> bool:
        """Teachers may map it onto werkprocessen."""
        return self.status in MAPPABLE_STATUSES


class OfferTransition(models.Model):
    """Who moved an offer from one status to another, when, and why. Never edited."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=OfferStatus.choices)
    to_status = models.CharField(max_length=20, choices=OfferStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")

    def __str__(self) -> str:
        return f"{self.offer}: {self.from_status} → {self.to_status}"


class Coverage(models.TextChoices):
    PARTIAL = "partial", _("gedeeltelijk")
    FULL = "full", _("volledig")


class WerkprocesMapping(TimeStampedModel):
    """A teacher's judgement that an offer lets students work on a werkproces."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="werkproces_mappings")
    werkproces = models.ForeignKey(
        "curriculum.Werkproces", on_delete=models.PROTECT, related_name="offer_mappings"
    )
    coverage = models.CharField(_("dekking"), max_length=10, choices=Coverage.choices)
    note = models.TextField(_("toelichting"), blank=True)
    mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("koppeling aan werkproces")
        verbose_name_plural = _("koppelingen aan werkprocessen")
        constraints = [
            models.UniqueConstraint(fields=["offer", "werkproces"], name="mapping_once_per_offer")
        ]
        # The offers mapped to a student's open werkprocessen (the fit on the student's
        # challenge list), read off the index alone (docs/performance.md, "Student").
        indexes = [models.Index(fields=["werkproces", "offer"], name="mapping_werkproces_offer")]

    def __str__(self) -> str:
        return f"{self.offer} → {self.werkproces.code} ({self.coverage})"

    @property
    def is_full(self) -> bool:
        return self.coverage == Coverage.FULL


class CoverageScope(models.Model):
    """Who sees a live challenge on the coverage page: its consortium, the schools it is
    submitted to, the programmes it is open to (none: every programme) and its niveaus.
    Challenges with the same reach share one scope, so the page sums a few stored counts per
    werkproces instead of counting mappings (services/coverage.py keeps them right)."""

    key = models.TextField(unique=True)
    consortium = models.ForeignKey(
        "organisations.Consortium", null=True, on_delete=models.CASCADE, related_name="+"
    )
    niveau_min = models.PositiveSmallIntegerField()
    niveau_max = models.PositiveSmallIntegerField()
    schools = models.ManyToManyField("organisations.Organisation", related_name="+")
    programmes = models.ManyToManyField("curriculum.Kwalificatie", related_name="+")

    def __str__(self) -> str:
        return self.key


class CoverageEntry(models.Model):
    """A werkproces mapping of a live (published or running) challenge, with its scope and
    title: the coverage page's first challenges per werkproces are a short walk of the index
    (werkproces, title, offer, scope), not a sort of every covering challenge."""

    # No cascade from the mapping or the offer: a deleted one leaves its entries for
    # `coverage_sync_offer` to count down and remove (in the same transaction).
    mapping = models.OneToOneField(
        WerkprocesMapping,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="coverage_entry",
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    werkproces = models.ForeignKey(
        "curriculum.Werkproces", on_delete=models.CASCADE, related_name="+"
    )
    scope = models.ForeignKey(CoverageScope, on_delete=models.CASCADE, related_name="entries")
    title = models.CharField(max_length=200)
    full = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(
                fields=["werkproces", "title", "offer", "scope"], name="coverage_entry_walk"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.werkproces_id} ({self.scope_id})"


class CoverageCount(models.Model):
    """How many live challenges of one scope cover one werkproces (`challenges`), and how
    many of them fully (`fully`): the numbers of the coverage page."""

    scope = models.ForeignKey(CoverageScope, on_delete=models.CASCADE, related_name="counts")
    werkproces = models.ForeignKey(
        "curriculum.Werkproces", on_delete=models.CASCADE, related_name="+"
    )
    challenges = models.IntegerField(default=0)
    fully = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["werkproces", "scope"], name="coverage_count_once_per_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.werkproces_id} ({self.scope_id}): {self.challenges}, {self.fully}"
