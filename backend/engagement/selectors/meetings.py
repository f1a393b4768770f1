from django.db.models import Count, Q, QuerySet

from backend.engagement.models import Meeting, MeetingAttendance, MeetingParticipant
from backend.engagement.models.meetings import KEPT_ATTENDANCE
from backend.engagement.selectors.access import organiser_school_ids


def meetings_for(user) -> QuerySet[Meeting]:
    """Meetings the user organises or takes part in."""
    return (
        Meeting.objects.filter(Q(organiser=user) | Q(participants__user=user))
        .distinct()
        .select_related("organiser", "school")
        .order_by("starts_at")
    )


def meeting_can_manage(user, meeting: Meeting) -> bool:
    return (
        user.is_staff
        or meeting.organiser_id == user.pk
        or (meeting.school_id is not None and meeting.school_id in organiser_school_ids(user))
    )


def meeting_participants(meeting: Meeting) -> QuerySet[MeetingParticipant]:
    return meeting.participants.select_related("user").order_by("user__last_name", "pk")


def meeting_attendance_for_person(user, *, now) -> tuple[int, int]:
    """(kept, total) over this person's past, non-cancelled meetings whose attendance was
    recorded. Kept: present, or absent after signing off in time. One query."""
    row = (
        MeetingParticipant.objects.filter(
            user=user, meeting__starts_at__lt=now, meeting__cancelled_at__isnull=True
        )
        .exclude(attendance=MeetingAttendance.UNKNOWN)
        .aggregate(total=Count("pk"), kept=Count("pk", filter=Q(attendance__in=KEPT_ATTENDANCE)))
    )
    return row["kept"], row["total"]


def meeting_attendance_for_people(user_ids, *, now) -> dict[int, tuple[int, int]]:
    """The same figure for many people in one query."""
    rows = (
        MeetingParticipant.objects.filter(
            user_id__in=list(user_ids),
            meeting__starts_at__lt=now,
            meeting__cancelled_at__isnull=True,
        )
        .exclude(attendance=MeetingAttendance.UNKNOWN)
        .values("user_id")
        .annotate(total=Count("pk"), kept=Count("pk", filter=Q(attendance__in=KEPT_ATTENDANCE)))
    )
    return {row["user_id"]: (row["kept"], row["total"]) for row in rows}
