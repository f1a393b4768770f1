import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel


class EventKind(models.TextChoices):
    MEET_AND_MATCH = "meet_and_match", _("meet & match")
    COMPANY_ARENA = "company_arena", _("bedrijvenarena")


class Event(TimeStampedModel):
    """A meet & match day or company arena: companies at tables, students in short slots."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("soort"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    school = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="engagement_events"
    )
    # Students of every school in this consortium may book, not only the organising school's.
    consortium = models.ForeignKey(
        "organisations.Consortium",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagement_events",
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organised_events"
    )
    location = models.CharField(_("locatie"), max_length=200)
    starts_at = models.DateTimeField(_("begint om"))
    ends_at = models.DateTimeField(_("eindigt om"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("minuten per gesprek"), default=10, validators=[MinValueValidator(5)]
    )
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("evenement")
        verbose_name_plural = _("evenementen")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="event_slot_min_5"),
        ]

    def __str__(self) -> str:
        return self.title


class EventSlot(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("tijdslot")
        verbose_name_plural = _("tijdsloten")
        constraints = [
            models.UniqueConstraint(fields=["event", "starts_at"], name="slot_once_per_event"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {timezone.localtime(self.starts_at):%H:%M}"


class EventTable(TimeStampedModel):
    """A company's table: `capacity` conversations can run in parallel in each slot."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tables")
    company = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="event_tables"
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_tables"
    )
    capacity = models.PositiveSmallIntegerField(
        _("gesprekken tegelijk"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    topic = models.CharField(_("waar kun je over praten"), max_length=200, blank=True)
    offers_portfolio_review = models.BooleanField(_("portfolioreview mogelijk"), default=False)

    class Meta:
        ordering = ["company__name"]
        verbose_name = _("tafel")
        verbose_name_plural = _("tafels")
        constraints = [
            models.UniqueConstraint(fields=["event", "company"], name="table_once_per_company"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=20), name="table_capacity_1_20"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} @ {self.event}"


class EventBookingKind(models.TextChoices):
    CONVERSATION = "conversation", _("kennismakingsgesprek")
    PORTFOLIO_REVIEW = "portfolio_review", _("portfolioreview")


class EventAttendance(models.TextChoices):
    UNKNOWN = "unknown", _("nog niet geregistreerd")
    PRESENT = "present", _("aanwezig")
    NO_SHOW = "no_show", _("niet verschenen")


class EventBooking(TimeStampedModel):
    """A student's slot at a table. Invariants held by the database, not only by the service:
    a student holds at most one active booking per slot, and each active booking takes one
    numbered seat 1..capacity of its table in that slot (so two bookings can never share a seat)."""

    slot = models.ForeignKey(EventSlot, on_delete=models.CASCADE, related_name="bookings")
    table = models.ForeignKey(EventTable, on_delete=models.CASCADE, related_name="bookings")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_bookings"
    )
    seat = models.PositiveSmallIntegerField()
    kind = models.CharField(
        max_length=20, choices=EventBookingKind.choices, default=EventBookingKind.CONVERSATION
    )
    attendance = models.CharField(
        max_length=10, choices=EventAttendance.choices, default=EventAttendance.UNKNOWN
    )
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at", "table__company__name"]
        verbose_name = _("gespreksboeking")
        verbose_name_plural = _("gespreksboekingen")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "student"],
                condition=Q(cancelled_at__isnull=True),
                name="event_booking_one_per_student_per_slot",
            ),
            models.UniqueConstraint(
                fields=["slot", "table", "seat"],
                condition=Q(cancelled_at__isnull=True),
                name="event_booking_one_per_seat",
            ),
            models.CheckConstraint(
                condition=Q(seat__gte=1) & Q(seat__lte=20), name="event_booking_seat_1_20"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.table.company} ({self.slot})"

    @property
    def is_no_show(self) -> bool:
        return self.attendance == EventAttendance.NO_SHOW
