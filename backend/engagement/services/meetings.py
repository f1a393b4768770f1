"""Working groups and three-way meetings: invitations, signing off (afmelden), attendance."""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.core.links import PageLink
from backend.engagement.models import (
    Meeting,
    MeetingAttendance,
    MeetingKind,
    MeetingParticipant,
    NotificationCategory,
)
from backend.engagement.selectors.access import (
    may_schedule_meeting_at,
    may_schedule_meetings,
    meeting_can_manage,
)
from backend.engagement.services.common import when
from backend.notifications.services import Message, message_for, notify_many
from backend.organisations.models import Organisation

REMINDER_WINDOW = dt.timedelta(hours=24)


def _meeting_link(meeting_id: int) -> PageLink:
    return PageLink("engagement-meeting-detail", meeting_id)


def _invitees(
    *,
    actor: User,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    participants: Sequence[User],
    school: Organisation | None,
    now: dt.datetime,
) -> list[User]:
    """The people to invite besides the organiser, after checking who may plan what, when."""
    if not may_schedule_meetings(actor):
        raise PermissionDenied(_("Alleen medewerkers van een school plannen overleggen."))
    if school is not None and not may_schedule_meeting_at(actor, school.pk):
        raise field_error("school", _("Kies je eigen school."))
    if starts_at <= now:
        raise field_error("starts_at", _("Kies een moment in de toekomst."))
    if ends_at <= starts_at:
        raise field_error("ends_at", _("Het overleg moet eindigen na het begin."))
    people = {p.pk: p for p in participants if p.pk != actor.pk}
    if not people:
        raise field_error("participants", _("Nodig minstens één andere deelnemer uit."))
    if kind == MeetingKind.THREE_WAY and len(people) + 1 != 3:
        raise field_error(
            "participants",
            _("Een driegesprek heeft drie deelnemers: student, coach en praktijkbegeleider."),
        )
    return list(people.values())


def _invitation(meeting: Meeting, person: User, *, organiser: User) -> Message:
    return message_for(
        person,
        category=NotificationCategory.MEETING,
        link=_meeting_link(meeting.pk),
        dedupe_key=f"meeting:{meeting.pk}:invited",
        title=lambda: (
            _("Uitnodiging: %(title)s op %(when)s")
            % {"title": meeting.title, "when": when(meeting.starts_at)}
        ),
        body=lambda: (
            _("%(organiser)s nodigt je uit. Kun je niet? Meld je vooraf af in Koppel.")
            % {"organiser": organiser.get_full_name()}
        ),
    )


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    participants: Sequence[User],
    now: dt.datetime,
    location: str = "",
    agenda: str = "",
    school: Organisation | None = None,
) -> Meeting:
    """School staff schedule a meeting; every participant gets an invitation."""
    people = _invitees(
        actor=actor,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        participants=participants,
        school=school,
        now=now,
    )
    meeting = Meeting.objects.create(
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        agenda=agenda,
        organiser=actor,
        school=school,
    )
    MeetingParticipant.objects.bulk_create(
        [MeetingParticipant(meeting=meeting, user=actor)]
        + [MeetingParticipant(meeting=meeting, user=p) for p in people]
    )
    messages = [_invitation(meeting, person, organiser=actor) for person in people]
    notify_many(messages=messages, now=now)
    return meeting


@transaction.atomic
def meeting_sign_off(
    *, actor: User, meeting: Meeting, reason: str, now: dt.datetime
) -> MeetingParticipant:
    """A participant lets the others know they cannot come (before the start)."""
    participant = (
        MeetingParticipant.objects.select_for_update().filter(meeting=meeting, user=actor).first()
    )
    if participant is None:
        raise PermissionDenied(_("Je bent geen deelnemer van dit overleg."))
    if meeting.is_cancelled:
        raise Conflict(_("Dit overleg is al geannuleerd."))
    if meeting.has_started(now):
        raise Conflict(_("Het overleg is al begonnen; afmelden kan alleen vooraf."))
    if not reason.strip():
        raise field_error("reason", _("Laat de anderen weten waarom je niet kunt."))
    if participant.signed_off_at:
        raise Conflict(_("Je bent al afgemeld."))
    participant.signed_off_at = now
    participant.sign_off_reason = reason
    participant.save(update_fields=["signed_off_at", "sign_off_reason"])
    if meeting.organiser_id != actor.pk:
        message = message_for(
            meeting.organiser,
            category=NotificationCategory.MEETING,
            link=_meeting_link(meeting.pk),
            dedupe_key=f"meeting:{meeting.pk}:signed-off:{actor.pk}",
            title=lambda: (
                _("%(name)s meldt zich af voor %(title)s")
                % {"name": actor.get_full_name(), "title": meeting.title}
            ),
            body=lambda: reason,
        )
        notify_many(messages=[message], now=now)
    return participant


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str, now: dt.datetime) -> Meeting:
    """The organiser cancels the meeting for everyone (METHOD:CANCEL, SEQUENCE+1)."""
    if not meeting_can_manage(actor, meeting):
        raise PermissionDenied(_("Alleen de organisator annuleert het overleg."))
    if meeting.has_started(now):
        raise Conflict(_("Het overleg is al begonnen."))
    if not reason.strip():
        raise field_error("reason", _("Geef een reden voor de annulering."))
    updated = Meeting.objects.filter(pk=meeting.pk, cancelled_at__isnull=True).update(
        cancelled_at=now, cancelled_by=actor, sequence=meeting.sequence + 1, updated_at=now
    )
    if updated != 1:
        raise Conflict(_("Dit overleg is al geannuleerd."))
    meeting.refresh_from_db()
    others = [p.user for p in meeting.participants.select_related("user") if p.user_id != actor.pk]
    messages = [
        message_for(
            person,
            category=NotificationCategory.MEETING,
            link=_meeting_link(meeting.pk),
            dedupe_key=f"meeting:{meeting.pk}:cancelled",
            title=lambda: (
                _("Geannuleerd: %(title)s op %(when)s")
                % {"title": meeting.title, "when": when(meeting.starts_at)}
            ),
            body=lambda: reason,
        )
        for person in others
    ]
    notify_many(messages=messages, now=now)
    return meeting


def _attendance_of(participant: MeetingParticipant, *, present: bool, meeting: Meeting) -> str:
    """Someone absent who signed off before the start counts as 'absent with notice'."""
    if present:
        return MeetingAttendance.PRESENT
    if participant.signed_off_at and participant.signed_off_at <= meeting.starts_at:
        return MeetingAttendance.ABSENT_WITH_NOTICE
    return MeetingAttendance.ABSENT_WITHOUT_NOTICE


@transaction.atomic
def meeting_attendance_record(
    *, actor: User, meeting: Meeting, attendance: dict[int, bool], now: dt.datetime
) -> list[MeetingParticipant]:
    """After the start the organiser ticks who came. `attendance`: {user_id: present}. Someone
    absent who signed off in time counts as 'absent with notice'; otherwise 'without notice'."""
    if not meeting_can_manage(actor, meeting):
        raise PermissionDenied(_("Alleen de organisator registreert aanwezigheid."))
    if meeting.is_cancelled:
        raise Conflict(_("Dit overleg is geannuleerd."))
    if not meeting.has_started(now):
        raise Conflict(_("Aanwezigheid registreer je vanaf het begin van het overleg."))
    participants = list(meeting.participants.select_for_update())
    if set(attendance) - {p.user_id for p in participants}:
        raise field_error(
            "attendance", _("Niet iedereen in de lijst is deelnemer van dit overleg.")
        )
    for participant in participants:
        if participant.user_id not in attendance:
            continue
        participant.attendance = _attendance_of(
            participant, present=attendance[participant.user_id], meeting=meeting
        )
        participant.attendance_recorded_at = now
    MeetingParticipant.objects.bulk_update(participants, ["attendance", "attendance_recorded_at"])
    return participants


def _reminder(participant: MeetingParticipant) -> Message:
    meeting = participant.meeting
    return message_for(
        participant.user,
        category=NotificationCategory.MEETING,
        link=_meeting_link(participant.meeting_id),
        dedupe_key=f"meeting:{participant.meeting_id}:reminder",
        title=lambda: (
            _("Herinnering: %(title)s op %(when)s")
            % {"title": meeting.title, "when": when(meeting.starts_at)}
        ),
        body=lambda: (
            _("Kun je niet? Meld je nu af, dan weten de anderen het op tijd. %(location)s")
            % {"location": meeting.location}
        ),
    )


def meeting_reminders_send(*, now: dt.datetime) -> int:
    """Remind every participant who has not signed off of meetings starting in the next 24 hours.
    Idempotent (dedupe per meeting and person) and batched: three queries plus the bulk insert,
    whatever the number of meetings."""
    participants = (
        MeetingParticipant.objects.filter(
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=now + REMINDER_WINDOW,
            meeting__cancelled_at__isnull=True,
            signed_off_at__isnull=True,
        )
        .select_related("meeting", "user")
        .order_by("meeting__starts_at", "pk")
    )
    return len(notify_many(messages=[_reminder(p) for p in participants], now=now))
