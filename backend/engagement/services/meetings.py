"""Working groups and three-way meetings: invitations, signing off (afmelden), attendance."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.selectors import staff_school_ids
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.engagement.models import (
    Meeting,
    MeetingAttendance,
    MeetingKind,
    MeetingParticipant,
)
from backend.engagement.selectors.meetings import meeting_can_manage
from backend.engagement.services.common import Category, message_for, page_url, send, when

REMINDER_WINDOW = dt.timedelta(hours=24)


@transaction.atomic
def meeting_schedule(
    *,
    actor,
    kind: str,
    title: str,
    starts_at,
    ends_at,
    participants: list,
    now,
    location: str = "",
    agenda: str = "",
    school=None,
) -> Meeting:
    """School staff schedule a meeting; every participant gets an invitation."""
    if not actor.is_staff and not staff_school_ids(actor):
        raise PermissionDenied(_("Alleen medewerkers van een school plannen overleggen."))
    if school is not None and not actor.is_staff and school.pk not in staff_school_ids(actor):
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
        + [MeetingParticipant(meeting=meeting, user=p) for p in people.values()]
    )
    url = page_url("engagement-meeting-detail", pk=meeting.pk)
    send(
        [
            message_for(
                person,
                category=Category.MEETING,
                url=url,
                dedupe_key=f"meeting:{meeting.pk}:invited",
                title=lambda: (
                    _("Uitnodiging: %(title)s op %(when)s")
                    % {"title": title, "when": when(starts_at)}
                ),
                body=lambda: (
                    _("%(organiser)s nodigt je uit. Kun je niet? Meld je vooraf af in Koppel.")
                    % {"organiser": actor.get_full_name()}
                ),
            )
            for person in people.values()
        ],
        now=now,
    )
    return meeting


@transaction.atomic
def meeting_sign_off(*, actor, meeting: Meeting, reason: str, now) -> MeetingParticipant:
    """A participant lets the others know they cannot come (before the start)."""
    participant = (
        MeetingParticipant.objects.select_for_update().filter(meeting=meeting, user=actor).first()
    )
    if participant is None:
        raise PermissionDenied(_("Je bent geen deelnemer van dit overleg."))
    if meeting.cancelled_at:
        raise Conflict(_("Dit overleg is al geannuleerd."))
    if meeting.starts_at <= now:
        raise Conflict(_("Het overleg is al begonnen; afmelden kan alleen vooraf."))
    if not reason.strip():
        raise field_error("reason", _("Laat de anderen weten waarom je niet kunt."))
    if participant.signed_off_at:
        raise Conflict(_("Je bent al afgemeld."))
    participant.signed_off_at = now
    participant.sign_off_reason = reason
    participant.save(update_fields=["signed_off_at", "sign_off_reason"])
    send(
        [
            message_for(
                meeting.organiser,
                category=Category.MEETING,
                url=page_url("engagement-meeting-detail", pk=meeting.pk),
                dedupe_key=f"meeting:{meeting.pk}:signed-off:{actor.pk}",
                title=lambda: (
                    _("%(name)s meldt zich af voor %(title)s")
                    % {"name": actor.get_full_name(), "title": meeting.title}
                ),
                body=lambda: reason,
            )
        ],
        now=now,
    ) if meeting.organiser_id != actor.pk else None
    return participant


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str, now) -> Meeting:
    """The organiser cancels the meeting for everyone (METHOD:CANCEL, SEQUENCE+1)."""
    if not meeting_can_manage(actor, meeting):
        raise PermissionDenied(_("Alleen de organisator annuleert het overleg."))
    if meeting.starts_at <= now:
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
    send(
        [
            message_for(
                person,
                category=Category.MEETING,
                url=page_url("engagement-meeting-detail", pk=meeting.pk),
                dedupe_key=f"meeting:{meeting.pk}:cancelled",
                title=lambda: (
                    _("Geannuleerd: %(title)s op %(when)s")
                    % {"title": meeting.title, "when": when(meeting.starts_at)}
                ),
                body=lambda: reason,
            )
            for person in others
        ],
        now=now,
    )
    return meeting


@transaction.atomic
def meeting_attendance_record(
    *, actor, meeting: Meeting, attendance: dict[int, bool], now
) -> list[MeetingParticipant]:
    """After the start the organiser ticks who came. `attendance`: {user_id: present}. Someone
    absent who signed off in time counts as 'absent with notice'; otherwise 'without notice'."""
    if not meeting_can_manage(actor, meeting):
        raise PermissionDenied(_("Alleen de organisator registreert aanwezigheid."))
    if meeting.cancelled_at:
        raise Conflict(_("Dit overleg is geannuleerd."))
    if meeting.starts_at > now:
        raise Conflict(_("Aanwezigheid registreer je vanaf het begin van het overleg."))
    participants = list(meeting.participants.select_for_update())
    known = {p.user_id for p in participants}
    unknown = set(attendance) - known
    if unknown:
        raise field_error(
            "attendance", _("Niet iedereen in de lijst is deelnemer van dit overleg.")
        )
    for participant in participants:
        if participant.user_id not in attendance:
            continue
        if attendance[participant.user_id]:
            participant.attendance = MeetingAttendance.PRESENT
        elif participant.signed_off_at and participant.signed_off_at <= meeting.starts_at:
            participant.attendance = MeetingAttendance.ABSENT_WITH_NOTICE
        else:
            participant.attendance = MeetingAttendance.ABSENT_WITHOUT_NOTICE
        participant.attendance_recorded_at = now
    MeetingParticipant.objects.bulk_update(participants, ["attendance", "attendance_recorded_at"])
    return participants


def meeting_reminders_send(*, now) -> int:
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
    messages = [
        message_for(
            p.user,
            category=Category.MEETING,
            url=page_url("engagement-meeting-detail", pk=p.meeting_id),
            dedupe_key=f"meeting:{p.meeting_id}:reminder",
            title=lambda p=p: (
                _("Herinnering: %(title)s op %(when)s")
                % {"title": p.meeting.title, "when": when(p.meeting.starts_at)}
            ),
            body=lambda p=p: (
                _("Kun je niet? Meld je nu af, dan weten de anderen het op tijd. %(location)s")
                % {"location": p.meeting.location}
            ),
        )
        for p in participants
    ]
    return len(send(messages, now=now))
