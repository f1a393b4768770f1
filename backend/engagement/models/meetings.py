import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.models import TimeStampedModel


class MeetingKind(models.TextChoices):
    WORKING_GROUP = "working_group", _("werkgroep")
    THREE_WAY = "three_way", _("driegesprek (student, coach, praktijkbegeleider)")


class Meeting(TimeStampedModel):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("soort"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    starts_at = models.DateTimeField(_("begint om"))
    ends_at = models.DateTimeField(_("eindigt om"))
    location = models.CharField(_("locatie"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organised_meetings"
    )
    school = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagement_meetings",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("overleg")
        verbose_name_plural = _("overleggen")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def has_started(self, now: dt.datetime) -> bool:
        return self.starts_at <= now


class MeetingAttendance(models.TextChoices):
    UNKNOWN = "unknown", _("nog niet geregistreerd")
    PRESENT = "present", _("aanwezig")
    ABSENT_WITH_NOTICE = "absent_notice", _("afwezig met afmelding")
    ABSENT_WITHOUT_NOTICE = "absent_no_notice", _("afwezig zonder afmelding")


# Kept the agreement: came, or let the others know in time.
KEPT_ATTENDANCE = (MeetingAttendance.PRESENT, MeetingAttendance.ABSENT_WITH_NOTICE)


class MeetingParticipant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_participations"
    )
    signed_off_at = models.DateTimeField(_("afgemeld op"), null=True, blank=True)
    sign_off_reason = models.CharField(_("reden afmelding"), max_length=300, blank=True)
    attendance = models.CharField(
        max_length=20, choices=MeetingAttendance.choices, default=MeetingAttendance.UNKNOWN
    )
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting__starts_at", "user__last_name"]
        verbose_name = _("deelnemer overleg")
        verbose_name_plural = _("deelnemers overleg")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="participant_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.meeting}"

    @property
    def was_present(self) -> bool:
        return self.attendance == MeetingAttendance.PRESENT

    @property
    def attendance_recorded(self) -> bool:
        return self.attendance != MeetingAttendance.UNKNOWN
