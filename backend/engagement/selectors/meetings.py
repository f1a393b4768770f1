"""Reads of meetings: a person's meetings, their participants and attendance figures."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from backend.accounts.models import Role, User
from backend.accounts.selectors import staff_school_ids
from backend.engagement.models import Meeting, MeetingAttendance, MeetingParticipant
from backend.engagement.models.meetings import KEPT_ATTENDANCE
from backend.organisations.models import ConsortiumMembership
from backend.organisations.selectors import consortium_ids_for_organisations


def meetings_for(user: User) -> QuerySet[Meeting]:
    """Meetings the user organises or takes part in."""
    return (
        Meeting.objects.filter(Q(organiser=user) | Q(participants__user=user))
        .distinct()
        .select_related("organiser", "school")
        .order_by("starts_at")
    )


def meeting_participants(meeting: Meeting) -> QuerySet[MeetingParticipant]:
    return meeting.participants.select_related("user").order_by("user__last_name", "pk")


def meeting_participant(meeting: Meeting, user: User) -> MeetingParticipant | None:
    """The user's own place in the meeting, if they take part."""
    return meeting.participants.filter(user=user).first()


def meeting_participant_ids(meeting: Meeting) -> list[int]:
    return list(meeting.participants.values_list("user_id", flat=True))


def meetings_upcoming_for(
    user: User, *, now: dt.datetime, within: dt.timedelta, limit: int = 10
) -> list[Meeting]:
    """Meetings I take part in and did not sign off from, starting before `now + within`
    (the first `limit`)."""
    participations = MeetingParticipant.objects.filter(
        user=user,
        signed_off_at__isnull=True,
        meeting__cancelled_at__isnull=True,
        meeting__starts_at__gte=now,
        meeting__starts_at__lt=now + within,
    ).select_related("meeting")[:limit]
    return [participant.meeting for participant in participations]


def meeting_attendance_for_person(user: User, *, now: dt.datetime) -> tuple[int, int]:
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


def meeting_attendance_for_people(
    user_ids: Iterable[int], *, now: dt.datetime
) -> dict[int, tuple[int, int]]:
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


def meeting_invitable_people(user: User) -> QuerySet[User]:
    """People a school's staff member may invite to a meeting: whoever works (an active
    membership) at one of their schools or at an organisation in those schools' consortia
    (current members), never students and never themselves. Koppel staff may invite everyone with
    an active membership who is no student."""
    scope = Q(memberships__ended_at__isnull=True)
    if not user.is_staff:
        schools = staff_school_ids(user)
        partners = ConsortiumMembership.objects.filter(
            consortium_id__in=consortium_ids_for_organisations(schools), left_on__isnull=True
        ).values("organisation_id")
        # One filter() call: the active membership must be the one at the school or partner.
        scope &= Q(memberships__organisation_id__in=schools) | Q(
            memberships__organisation_id__in=partners
        )
    return (
        User.objects.filter(scope, is_active=True)
        .exclude(memberships__role=Role.STUDENT)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
