import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel
from backend.engagement.models.experts import ExpertFormat, ExpertProfile


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("aangevraagd")
    PROPOSED = "proposed", _("andere datum voorgesteld")
    ACCEPTED = "accepted", _("bevestigd")
    DECLINED = "declined", _("afgewezen")
    CANCELLED = "cancelled", _("geannuleerd")


OPEN_BOOKING_STATUSES = (BookingStatus.REQUESTED, BookingStatus.PROPOSED)
# Either side may call a lesson off until it starts, unless it was already declined or cancelled.
CANCELLABLE_BOOKING_STATUSES = (
    BookingStatus.REQUESTED,
    BookingStatus.PROPOSED,
    BookingStatus.ACCEPTED,
)
# A booking in one of these is off: calendars drop it (METHOD:CANCEL).
OFF_BOOKING_STATUSES = (BookingStatus.CANCELLED, BookingStatus.DECLINED)


class GuestLessonBooking(TimeStampedModel):
    """A teacher's request for a guest lesson by an expert, and its answer.

    requested → accepted | declined | proposed (expert suggests another moment)
    proposed → accepted (teacher takes the new moment) | declined (teacher says no)
    requested | proposed | accepted → cancelled
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="bookings")
    school = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="guest_lessons"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requested_guest_lessons"
    )
    format = models.CharField(
        _("vorm"), max_length=20, choices=ExpertFormat.choices, default=ExpertFormat.GUEST_LESSON
    )
    starts_at = models.DateTimeField(_("begint om"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duur (minuten)"), default=60, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    group = models.CharField(_("klas of groep"), max_length=60)
    topic = models.CharField(_("onderwerp"), max_length=200)
    kerntaak = models.ForeignKey(
        "curriculum.Kerntaak",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guest_lessons",
        verbose_name=_("kerntaak"),
    )
    location = models.CharField(_("locatie"), max_length=200)
    message = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    proposed_starts_at = models.DateTimeField(_("voorgestelde datum"), null=True, blank=True)
    answer_note = models.TextField(_("toelichting bij antwoord"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # iCalendar SEQUENCE: raised whenever the moment changes or the lesson is cancelled.
    sequence = models.PositiveIntegerField(default=0)
    # The light agreement made by the agreements app (an id, so engagement does not depend on it).
    agreement_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("gastlesboeking")
        verbose_name_plural = _("gastlesboekingen")
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15) & Q(duration_minutes__lte=480),
                name="booking_duration_15_480",
            ),
            models.CheckConstraint(
                condition=~Q(status="proposed") | Q(proposed_starts_at__isnull=False),
                name="booking_proposal_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} — {self.expert.user} @ {self.school}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def awaits_expert_answer(self) -> bool:
        """A request the expert (or their company) has not answered yet."""
        return self.status == BookingStatus.REQUESTED

    @property
    def awaits_school_answer(self) -> bool:
        """The expert proposed another moment; the requesting school answers."""
        return self.status == BookingStatus.PROPOSED

    @property
    def is_off(self) -> bool:
        return self.status in OFF_BOOKING_STATUSES

    def has_started(self, now: dt.datetime) -> bool:
        return self.starts_at <= now

    def may_be_cancelled(self, now: dt.datetime) -> bool:
        """Still on (requested, proposed or accepted) and not yet begun."""
        return self.status in CANCELLABLE_BOOKING_STATUSES and not self.has_started(now)

    def took_place(self, now: dt.datetime) -> bool:
        """Confirmed and over: the moment for feedback."""
        return self.status == BookingStatus.ACCEPTED and self.ends_at <= now


class BookingTransition(models.Model):
    """Who moved a booking from one status to another, when, and why. Never edited."""

    booking = models.ForeignKey(
        GuestLessonBooking, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, choices=BookingStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=BookingStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("statuswijziging boeking")
        verbose_name_plural = _("statuswijzigingen boekingen")

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.from_status} → {self.to_status}"


class BookingFeedback(TimeStampedModel):
    """Short feedback after the lesson, one per side (teacher and expert)."""

    booking = models.ForeignKey(
        GuestLessonBooking, on_delete=models.CASCADE, related_name="feedback"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("waardering"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("feedback op gastles")
        verbose_name_plural = _("feedback op gastlessen")
        constraints = [
            models.UniqueConstraint(fields=["booking", "author"], name="feedback_once_per_author"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_1_5"
            ),
        ]


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(TimeStampedModel):
    """A personal, secret calendar subscription URL. Regenerating the token revokes the old URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)

    class Meta:
        verbose_name = _("agenda-abonnement")
        verbose_name_plural = _("agenda-abonnementen")
