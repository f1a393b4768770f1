"""Meetings (sign off, attendance, reliability), reminders, event follow-ups, attention list,
dashboard items."""

import datetime as dt

import pytest

from backend.core.errors import Conflict, PermissionDenied
from backend.engagement.models import MeetingAttendance, PartnerAttentionSetting
from backend.engagement.selectors import meeting_attendance_for_person
from backend.engagement.selectors.partners import partners_needing_attention
from backend.engagement.services import (
    booking_request,
    event_attendance_record,
    event_book_slot,
    event_follow_ups_due,
    event_table_register,
    meeting_attendance_record,
    meeting_reminders_send,
    meeting_schedule,
    meeting_sign_off,
)
from backend.notifications.models import Notification
from backend.notifications.services import notify
from frontend.dashboard.engagement import items_for as engagement_items_for
from tests.backend.engagement.conftest import AMS, NOW

START = dt.datetime(2026, 3, 3, 8, 30, tzinfo=AMS)  # next morning


def _three_way(cast):
    return meeting_schedule(
        actor=cast.devries,
        kind="three_way",
        title="Driegesprek Sanne",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=1),
        participants=[cast.sanne, cast.eva],
        now=NOW,
        school=cast.vista,
    )


def test_a_sign_off_before_the_meeting_counts_as_kept(cast):
    meeting = _three_way(cast)
    meeting_sign_off(actor=cast.eva, meeting=meeting, reason="Klant op bezoek", now=NOW)
    meeting_attendance_record(
        actor=cast.devries,
        meeting=meeting,
        now=START + dt.timedelta(minutes=5),
        attendance={cast.devries.pk: True, cast.sanne.pk: False, cast.eva.pk: False},
    )

    by_user = {p.user_id: p.attendance for p in meeting.participants.all()}
    assert by_user == {
        cast.devries.pk: MeetingAttendance.PRESENT,
        cast.sanne.pk: MeetingAttendance.ABSENT_WITHOUT_NOTICE,
        cast.eva.pk: MeetingAttendance.ABSENT_WITH_NOTICE,
    }
    later = START + dt.timedelta(days=1)
    assert meeting_attendance_for_person(cast.eva, now=later) == (1, 1)
    assert meeting_attendance_for_person(cast.sanne, now=later) == (0, 1)
    assert meeting_attendance_for_person(cast.ahmed, now=later) == (0, 0)


def test_signing_off_after_the_start_is_refused(cast):
    meeting = _three_way(cast)
    with pytest.raises(Conflict):
        meeting_sign_off(
            actor=cast.eva, meeting=meeting, reason="Te laat", now=START + dt.timedelta(minutes=1)
        )
    with pytest.raises(PermissionDenied):
        meeting_sign_off(actor=cast.ahmed, meeting=meeting, reason="?", now=NOW)


def test_only_the_organiser_records_attendance(cast):
    meeting = _three_way(cast)
    with pytest.raises(PermissionDenied):
        meeting_attendance_record(
            actor=cast.eva, meeting=meeting, now=START, attendance={cast.eva.pk: True}
        )
    assert not meeting.participants.exclude(attendance="unknown").exists()


def test_a_three_way_meeting_needs_three_people(cast):
    from backend.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        meeting_schedule(
            actor=cast.devries,
            kind="three_way",
            title="X",
            starts_at=START,
            ends_at=START + dt.timedelta(hours=1),
            participants=[cast.sanne],
            now=NOW,
        )


def test_reminders_go_once_and_not_to_who_signed_off(cast):
    meeting = _three_way(cast)
    meeting_sign_off(actor=cast.eva, meeting=meeting, reason="Ziek", now=NOW)

    first = meeting_reminders_send(now=NOW)
    second = meeting_reminders_send(now=NOW + dt.timedelta(hours=1))

    reminded = set(
        Notification.objects.filter(dedupe_key=f"meeting:{meeting.pk}:reminder").values_list(
            "recipient_id", flat=True
        )
    )
    assert reminded == {cast.devries.pk, cast.sanne.pk}
    assert (first, second) == (2, 0)


def test_reminders_are_batched(cast, django_assert_max_num_queries):
    for i in range(10):
        meeting_schedule(
            actor=cast.devries,
            kind="working_group",
            title=f"Werkgroep {i}",
            starts_at=START + dt.timedelta(minutes=i),
            ends_at=START + dt.timedelta(hours=1),
            participants=[cast.eva, cast.peters, cast.jan],
            now=NOW,
        )
    with django_assert_max_num_queries(8):
        assert meeting_reminders_send(now=NOW) == 40


def test_after_the_event_each_side_gets_its_contacts_once(cast, meet_and_match):
    table = event_table_register(
        actor=cast.eva, event=meet_and_match, company=cast.pixel, capacity=2, now=NOW
    )
    slots = list(meet_and_match.slots.all())
    kept = event_book_slot(actor=cast.sanne, slot=slots[0], table=table, now=NOW)
    missed = event_book_slot(actor=cast.ahmed, slot=slots[1], table=table, now=NOW)
    after = meet_and_match.ends_at + dt.timedelta(hours=1)
    event_attendance_record(actor=cast.bos, booking=kept, attendance="present", now=after)
    event_attendance_record(actor=cast.bos, booking=missed, attendance="no_show", now=after)

    assert event_follow_ups_due(now=after) == 2
    assert event_follow_ups_due(now=after + dt.timedelta(days=1)) == 0

    to_eva = Notification.objects.get(recipient=cast.eva, category="event")
    assert "Sanne (" in to_eva.body
    assert "Ahmed" not in to_eva.body
    assert "care" not in to_eva.body.lower()
    to_sanne = Notification.objects.get(recipient=cast.sanne, category="event")
    assert "Pixelfabriek" in to_sanne.body
    assert not Notification.objects.filter(recipient=cast.ahmed, category="event").exists()


def _partners_known_since_last_year(cast):
    from backend.organisations.models import Organisation

    Organisation.objects.filter(pk__in=[cast.pixel.pk]).update(
        created_at=NOW - dt.timedelta(days=365)
    )


def test_a_quiet_partner_appears_on_the_coordinators_attention_list(cast):
    _partners_known_since_last_year(cast)
    later = NOW + dt.timedelta(weeks=7)
    notify(recipient=cast.eva, category="booking", title="Hallo", now=later - dt.timedelta(weeks=1))

    rows = partners_needing_attention(cast.bos, now=later)
    assert [r.company.name for r in rows] == []  # pixel had a message a week ago

    rows = partners_needing_attention(cast.bos, now=later + dt.timedelta(weeks=6))
    assert [r.company.name for r in rows] == ["Pixelfabriek"]

    PartnerAttentionSetting.objects.create(school=cast.vista, quiet_weeks=10)
    assert partners_needing_attention(cast.bos, now=later + dt.timedelta(weeks=6)) == []
    assert partners_needing_attention(cast.devries, now=later + dt.timedelta(weeks=6)) == []


def test_digests_do_not_count_as_contact(cast):
    _partners_known_since_last_year(cast)
    later = NOW + dt.timedelta(weeks=8)
    notify(
        recipient=cast.eva, category="digest", title="Overzicht", now=later - dt.timedelta(days=1)
    )
    assert [r.company.name for r in partners_needing_attention(cast.bos, now=later)] == [
        "Pixelfabriek"
    ]


def test_the_dashboard_shows_a_request_waiting_for_the_expert(cast, expert):
    booking = booking_request(
        actor=cast.peters,
        expert=expert,
        school=cast.gilde,
        starts_at=dt.datetime(2026, 3, 3, 10, tzinfo=AMS),
        duration_minutes=60,
        group="ICT4B",
        topic="UX",
        location="Lokaal",
        now=NOW,
    )
    items = engagement_items_for(cast.eva, now=NOW)
    assert [i.title for i in items] == ["Gastlesverzoek beantwoorden: UX"]
    assert items[0].urgency == 2
    assert items[0].url == f"/engagement/bookings/{booking.pk}/"
    assert engagement_items_for(cast.jan, now=NOW) == []


def test_the_celery_tasks_run_the_services_and_are_idempotent(cast, meet_and_match):
    import time_machine

    from backend.engagement.tasks import (
        event_follow_up_task,
        meeting_reminders_task,
        partner_digests_task,
    )

    _three_way(cast)
    table = event_table_register(
        actor=cast.eva, event=meet_and_match, company=cast.pixel, capacity=1, now=NOW
    )
    event_book_slot(actor=cast.sanne, slot=meet_and_match.slots.first(), table=table, now=NOW)
    with time_machine.travel(NOW, tick=False):
        assert meeting_reminders_task.delay().get() == 3
        assert meeting_reminders_task.delay().get() == 0
        assert partner_digests_task.delay().get() == 2
        assert partner_digests_task.delay().get() == 0
    with time_machine.travel(meet_and_match.ends_at + dt.timedelta(hours=1), tick=False):
        assert event_follow_up_task.delay().get() == 2
        assert event_follow_up_task.delay().get() == 0
