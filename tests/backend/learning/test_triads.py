"""Driehoekgesprekken: planning a series, recording a conversation, stopping a series and the
coach's alert about a conversation that was missed."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.accounts.models import StudentEnrolment
from backend.allocations.models import Phase
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.learning.models import TriadConversation, TriadSeries
from backend.learning.services.triads import (
    planned_dates,
    triad_conversation_record,
    triad_missed_alert,
    triad_series_cancel,
    triad_series_start,
)
from backend.notifications.models import Notification
from tests.backend.learning.factories import placement
from tests.backend.learning.triads_factories import triad_series

pytestmark = pytest.mark.django_db

D = dt.timedelta


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def today(now):
    return timezone.localdate(now)


@pytest.fixture
def offer(cast):
    return placement(cast).offer


def _start(cast, offer, now, **overrides):
    today = timezone.localdate(now)
    kwargs = {
        "actor": cast.devries,
        "student": cast.sanne,
        "offer": offer,
        "mentor": cast.jan,
        "interval_days": 14,
        "first_on": today,
        "last_on": today + D(days=42),
        "now": now,
    }
    kwargs.update(overrides)
    return triad_series_start(**kwargs)


def _dates(series):
    return list(series.conversations.order_by("planned_on").values_list("planned_on", flat=True))


def _field_message(error: ApplicationError, field: str) -> str:
    return error.extra["fields"][field][0]


# --- the schedule -------------------------------------------------------------------------------


def test_planned_dates_run_every_interval_from_the_first_up_to_and_including_the_last():
    first = dt.date(2027, 2, 1)

    assert planned_dates(first_on=first, last_on=dt.date(2027, 3, 1), interval_days=14) == [
        dt.date(2027, 2, 1),
        dt.date(2027, 2, 15),
        dt.date(2027, 3, 1),
    ]
    assert planned_dates(first_on=first, last_on=dt.date(2027, 2, 28), interval_days=14) == [
        dt.date(2027, 2, 1),
        dt.date(2027, 2, 15),
    ]
    assert planned_dates(first_on=first, last_on=first, interval_days=7) == [first]
    assert planned_dates(first_on=first, last_on=dt.date(2027, 1, 31), interval_days=7) == []


def test_it_plans_one_conversation_per_interval_and_records_who_planned_it(cast, offer, now, today):
    series = _start(cast, offer, now, interval_days=14, last_on=today + D(days=41))

    assert _dates(series) == [today, today + D(days=14), today + D(days=28)]
    assert (series.student, series.offer, series.mentor) == (cast.sanne, offer, cast.jan)
    assert series.coach == cast.devries
    assert series.created_by == cast.devries
    assert series.cancelled_at is None
    assert TriadConversation.objects.filter(held_on__isnull=False).count() == 0


def test_the_students_own_coach_is_the_coach_even_when_a_coordinator_plans(cast, offer, now):
    StudentEnrolment.objects.filter(student=cast.sanne).update(coach=cast.devries)

    series = _start(cast, offer, now, actor=cast.bos)

    assert series.coach == cast.devries
    assert series.created_by == cast.bos
    assert Notification.objects.filter(recipient=cast.devries).count() == 1
    assert Notification.objects.filter(recipient=cast.bos).count() == 0


def test_without_a_coach_on_the_enrolment_the_planner_is_the_coach(cast, offer, now):
    series = _start(cast, offer, now, actor=cast.bos)

    assert series.coach == cast.bos


def test_the_student_and_the_mentor_are_told_once(cast, offer, now, today):
    series = _start(cast, offer, now)

    sent = Notification.objects.order_by("recipient_id")
    assert {(n.recipient_id, n.category) for n in sent} == {
        (cast.sanne.pk, "learning_triads"),
        (cast.jan.pk, "learning_triads"),
    }
    body = sent.get(recipient=cast.sanne).body
    assert "4 driehoekgesprekken" in body
    assert "Webshop voor de bakkerij" in body
    assert f"/leren/driehoekgesprekken/{series.pk}/" in sent.get(recipient=cast.jan).url


@pytest.mark.parametrize("interval", [7, 42])
def test_the_interval_may_be_7_to_42_days(cast, offer, now, today, interval):
    series = _start(cast, offer, now, interval_days=interval, last_on=today + D(days=84))

    assert series.interval_days == interval
    assert len(_dates(series)) == 84 // interval + 1


@pytest.mark.parametrize("interval", [0, 6, 43, -14])
def test_it_refuses_an_interval_outside_7_to_42_days(cast, offer, now, interval):
    with pytest.raises(ApplicationError) as refused:
        _start(cast, offer, now, interval_days=interval)

    assert _field_message(refused.value, "interval_days") == (
        "Kies om de hoeveel dagen het gesprek is: minimaal 7 en maximaal 42."
    )
    assert TriadSeries.objects.count() == 0


def test_it_plans_at_most_26_conversations(cast, offer, now, today):
    series = _start(cast, offer, now, interval_days=7, last_on=today + D(days=7 * 25))

    assert len(_dates(series)) == 26
    assert _dates(series)[-1] == today + D(days=175)


def test_it_refuses_a_27th_conversation(cast, offer, now, today):
    with pytest.raises(ApplicationError) as refused:
        _start(cast, offer, now, interval_days=7, last_on=today + D(days=7 * 26))

    assert _field_message(refused.value, "last_on") == (
        "Dit worden 27 gesprekken; een reeks heeft er hoogstens 26. "
        "Kies een eerdere laatste datum of een langere tussentijd."
    )
    assert TriadSeries.objects.count() == 0
    assert TriadConversation.objects.count() == 0


def test_it_refuses_a_last_date_before_the_first(cast, offer, now, today):
    first = today + D(days=10)
    with pytest.raises(ApplicationError) as refused:
        _start(cast, offer, now, first_on=first, last_on=first - D(days=1))

    assert _field_message(refused.value, "last_on").startswith(
        "Het laatste gesprek kan niet vóór het eerste gesprek ("
    )
    assert TriadSeries.objects.count() == 0


def test_one_date_for_first_and_last_is_one_conversation(cast, offer, now, today):
    series = _start(cast, offer, now, first_on=today + D(days=3), last_on=today + D(days=3))

    assert _dates(series) == [today + D(days=3)]


def test_it_refuses_a_first_date_in_the_past(cast, offer, now, today):
    with pytest.raises(ApplicationError) as refused:
        _start(cast, offer, now, first_on=today - D(days=1))

    assert _field_message(refused.value, "first_on") == (
        "Het eerste gesprek kan niet in het verleden liggen; kies vandaag of later."
    )


def test_the_database_refuses_a_last_date_before_the_first(cast, offer, today):
    with pytest.raises(IntegrityError), transaction.atomic():
        TriadSeries.objects.create(
            student=cast.sanne, offer=offer, first_on=today, last_on=today - D(days=1)
        )


@pytest.mark.parametrize("interval", [6, 43])
def test_the_database_refuses_an_interval_outside_7_to_42(cast, offer, today, interval):
    with pytest.raises(IntegrityError), transaction.atomic():
        TriadSeries.objects.create(
            student=cast.sanne,
            offer=offer,
            interval_days=interval,
            first_on=today,
            last_on=today + D(days=50),
        )


def test_the_database_refuses_a_second_series_and_a_date_twice(cast, offer, today):
    series = triad_series(cast, offer=offer, first_on=today)

    with pytest.raises(IntegrityError), transaction.atomic():
        TriadSeries.objects.create(student=cast.sanne, offer=offer, first_on=today, last_on=today)
    with pytest.raises(IntegrityError), transaction.atomic():
        TriadConversation.objects.create(series=series, planned_on=today)


def test_it_refuses_a_second_series_for_the_same_placement(cast, offer, now):
    _start(cast, offer, now)

    with pytest.raises(ApplicationError) as refused:
        _start(cast, offer, now, actor=cast.bos)

    assert _field_message(refused.value, "offer") == (
        f"Voor {cast.sanne.first_name} bij “Webshop voor de bakkerij” is al een reeks "
        "driehoekgesprekken gepland (ook een gestopte reeks telt mee)."
    )
    assert TriadSeries.objects.count() == 1


def test_a_stopped_series_still_blocks_a_new_one(cast, offer, now, today):
    triad_series(cast, offer=offer, first_on=today, cancelled_at=now)

    with pytest.raises(ApplicationError):
        _start(cast, offer, now)


@pytest.mark.parametrize("who", ["peters", "jan", "eva", "sanne", "ahmed", "fenna"])
def test_only_school_staff_of_the_student_may_plan(cast, offer, now, who):
    with pytest.raises(PermissionDenied) as refused:
        _start(cast, offer, now, actor=getattr(cast, who))

    assert refused.value.message == (
        "U kunt alleen driehoekgesprekken plannen voor studenten van uw eigen school."
    )
    assert TriadSeries.objects.count() == 0
    assert Notification.objects.count() == 0


def test_it_refuses_an_offer_the_student_is_not_placed_on(cast, offer, now):
    other = placement(cast, students=[], title="Kassasysteem").offer
    draft_round = placement(cast, phase=Phase.REVIEW, title="Nog niet gepubliceerd").offer

    for not_placed in (other, draft_round):
        with pytest.raises(ApplicationError) as refused:
            _start(cast, not_placed, now)
        assert "is niet geplaatst op" in _field_message(refused.value, "offer")
    assert TriadSeries.objects.count() == 0


@pytest.mark.parametrize("who", ["eva", "devries", "sanne"])
def test_the_mentor_must_be_a_contact_of_the_offers_company(cast, offer, now, who):
    with pytest.raises(ApplicationError) as refused:
        _start(cast, offer, now, mentor=getattr(cast, who))

    assert _field_message(refused.value, "mentor") == (
        "De mentor moet een contactpersoon zijn van Bakkerij Jansen, het bedrijf van "
        "“Webshop voor de bakkerij”."
    )


# --- recording a conversation -------------------------------------------------------------------


@pytest.fixture
def running(cast, today):
    """Sanne's series: one conversation a week ago, one today, one in two weeks."""
    return triad_series(cast, first_on=today - D(days=7), interval_days=7, count=3)


def _first(series):
    return series.conversations.order_by("planned_on").first()


@pytest.mark.parametrize("who", ["sanne", "devries", "jan"])
def test_each_participant_may_record_a_conversation(cast, running, now, today, who):
    conversation = _first(running)

    triad_conversation_record(
        conversation=conversation,
        actor=getattr(cast, who),
        held_on=today - D(days=6),
        notes="  Planning besproken; Sanne presenteert volgende week.  ",
        now=now,
    )

    conversation.refresh_from_db()
    assert conversation.held_on == today - D(days=6)
    assert conversation.notes == "Planning besproken; Sanne presenteert volgende week."
    assert conversation.recorded_by == getattr(cast, who)


@pytest.mark.parametrize("who", ["eva", "peters", "bos", "ahmed", "fenna"])
def test_nobody_else_may_record_a_conversation(cast, running, now, today, who):
    conversation = _first(running)

    with pytest.raises(PermissionDenied) as refused:
        triad_conversation_record(
            conversation=conversation,
            actor=getattr(cast, who),
            held_on=today,
            notes="Ik was er ook bij",
            now=now,
        )

    assert refused.value.message == (
        "Alleen de student, de coach en de mentor van dit gesprek kunnen het vastleggen."
    )
    conversation.refresh_from_db()
    assert (conversation.held_on, conversation.notes, conversation.recorded_by) == (None, "", None)


def test_a_conversation_cannot_be_held_in_the_future(cast, running, now, today):
    conversation = running.conversations.order_by("planned_on").last()

    with pytest.raises(ApplicationError) as refused:
        triad_conversation_record(
            conversation=conversation,
            actor=cast.devries,
            held_on=today + D(days=1),
            notes="",
            now=now,
        )

    assert _field_message(refused.value, "held_on").startswith(
        "De datum van het gesprek kan niet in de toekomst liggen; vandaag is "
    )
    conversation.refresh_from_db()
    assert conversation.held_on is None


def test_a_conversation_held_today_or_early_may_be_recorded(cast, running, now, today):
    conversation = running.conversations.order_by("planned_on").last()

    triad_conversation_record(
        conversation=conversation, actor=cast.jan, held_on=today, notes="", now=now
    )

    conversation.refresh_from_db()
    assert conversation.held_on == today


def test_notes_are_short(cast, running, now, today):
    conversation = _first(running)

    with pytest.raises(ApplicationError) as refused:
        triad_conversation_record(
            conversation=conversation, actor=cast.sanne, held_on=today, notes="x" * 2001, now=now
        )
    assert _field_message(refused.value, "notes") == (
        "Houd de aantekeningen kort: hoogstens 2000 tekens (nu 2001)."
    )

    triad_conversation_record(
        conversation=conversation, actor=cast.sanne, held_on=today, notes="x" * 2000, now=now
    )
    conversation.refresh_from_db()
    assert len(conversation.notes) == 2000


def test_recording_again_corrects_the_date_and_notes(cast, running, now, today):
    conversation = _first(running)
    triad_conversation_record(
        conversation=conversation, actor=cast.sanne, held_on=today, notes="eerste", now=now
    )

    triad_conversation_record(
        conversation=conversation,
        actor=cast.devries,
        held_on=today - D(days=7),
        notes="verbeterd",
        now=now,
    )

    conversation.refresh_from_db()
    assert (conversation.held_on, conversation.notes, conversation.recorded_by) == (
        today - D(days=7),
        "verbeterd",
        cast.devries,
    )


def test_nothing_is_recorded_in_a_stopped_series(cast, now, today):
    series = triad_series(cast, first_on=today - D(days=7), cancelled_at=now)

    with pytest.raises(Conflict):
        triad_conversation_record(
            conversation=_first(series), actor=cast.devries, held_on=today, notes="", now=now
        )


# --- stopping a series --------------------------------------------------------------------------


def test_the_coach_stops_a_series_and_the_others_are_told(cast, running, now):
    triad_series_cancel(series=running, actor=cast.devries, now=now)

    running.refresh_from_db()
    assert running.cancelled_at == now
    assert set(Notification.objects.values_list("recipient_id", "title")) == {
        (cast.sanne.pk, "Driehoekgesprekken gestopt"),
        (cast.jan.pk, "Driehoekgesprekken gestopt"),
    }


@pytest.mark.parametrize("who", ["sanne", "jan", "bos", "peters", "eva"])
def test_only_school_staff_among_the_three_may_stop_a_series(cast, running, now, who):
    with pytest.raises(PermissionDenied):
        triad_series_cancel(series=running, actor=getattr(cast, who), now=now)

    running.refresh_from_db()
    assert running.cancelled_at is None
    assert Notification.objects.count() == 0


def test_a_series_is_stopped_once(cast, running, now):
    triad_series_cancel(series=running, actor=cast.devries, now=now)

    with pytest.raises(Conflict) as refused:
        triad_series_cancel(series=running, actor=cast.devries, now=now + D(minutes=1))

    assert refused.value.message == "Deze reeks driehoekgesprekken is al gestopt."
    running.refresh_from_db()
    assert running.cancelled_at == now
    assert Notification.objects.count() == 2


# --- the alert about a missed conversation ------------------------------------------------------


def _alerts(coach):
    return Notification.objects.filter(recipient=coach, title="Driehoekgesprek niet vastgelegd")


def test_the_coach_is_alerted_once_about_a_missed_conversation(cast, now, today):
    series = triad_series(cast, first_on=today - D(days=3), count=2)
    missed = _first(series)

    assert triad_missed_alert(now=now) == 1
    assert triad_missed_alert(now=now + D(hours=1)) == 0

    alert = _alerts(cast.devries).get()
    assert "niet als gehouden vastgelegd" in alert.body
    assert alert.url.endswith(f"/leren/driehoekgesprekken/{series.pk}/")
    missed.refresh_from_db()
    assert missed.missed_alerted_at == now
    assert Notification.objects.exclude(recipient=cast.devries).count() == 0


def test_each_missed_conversation_gets_its_own_alert(cast, now, today):
    triad_series(cast, first_on=today - D(days=11), interval_days=7, count=3)

    assert triad_missed_alert(now=now) == 2  # 11 and 4 days ago; the third is in 3 days
    assert _alerts(cast.devries).count() == 2


def test_no_alert_within_the_two_days_of_grace(cast, now, today):
    triad_series(cast, first_on=today - D(days=2), count=1)

    assert triad_missed_alert(now=now) == 0
    assert triad_missed_alert(now=now + D(days=1)) == 1


def test_no_alert_for_a_held_conversation(cast, now, today):
    series = triad_series(cast, first_on=today - D(days=10), count=1)
    triad_conversation_record(
        conversation=_first(series),
        actor=cast.jan,
        held_on=today - D(days=10),
        notes="",
        now=now,
    )

    assert triad_missed_alert(now=now) == 0
    assert _alerts(cast.devries).count() == 0


def test_no_alert_in_a_stopped_series(cast, now, today):
    series = triad_series(cast, first_on=today - D(days=10), count=1)
    triad_series_cancel(series=series, actor=cast.devries, now=now)

    assert triad_missed_alert(now=now) == 0
    assert _alerts(cast.devries).count() == 0
    assert _first(series).missed_alerted_at is None


def test_no_alert_without_a_coach(cast, now, today):
    series = triad_series(cast, first_on=today - D(days=10), count=1)
    TriadSeries.objects.filter(pk=series.pk).update(coach=None)

    assert triad_missed_alert(now=now) == 0
    assert Notification.objects.count() == 0
