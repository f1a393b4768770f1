"""Retention (issue 14): each rule removes what is past its period and nothing that is not (one
day either side of the cut-off), only of its own school; a run twice removes once; a dry run
counts exactly what the real run then removes and removes nothing itself; the daily task runs
for every school."""

import dataclasses
import datetime as dt
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from backend.accounts.models import PersonalDataRead, PersonalDataReadKind, StudentEnrolment, User
from backend.accounts.services.sensitive_reads import record_sensitive_read
from backend.agreements import services as agreements
from backend.agreements.models import Acceptance, Agreement
from backend.agreements.services import verify_chain
from backend.allocations.models import (
    AllocationRound,
    AllocationRun,
    Assignment,
    AssignmentSource,
    Choice,
    ChoiceList,
    Objection,
    ObjectionStatus,
    Phase,
    RunPlacement,
    RunStatus,
)
from backend.core.errors import ApplicationError
from backend.curriculum.models import ProgressLevel, Werkproces, WerkprocesEvidence
from backend.engagement.models import (
    BookingFeedback,
    Event,
    EventBooking,
    EventKind,
    EventSlot,
    EventTable,
    ExpertProfile,
    GuestLessonBooking,
    Meeting,
    MeetingKind,
    MeetingParticipant,
)
from backend.notifications.models import Notification
from backend.offers.models import OfferKind, OfferStatus
from backend.privacy.models import RetentionPolicy, RetentionRule, RetentionRun
from backend.privacy.retention import DEFAULT_MONTHS, months_for
from backend.privacy.selectors.retention import REMOVED_TEXT, months_before, retention_plan
from backend.privacy.services.retention import apply_retention, retention_periods_set
from backend.privacy.tasks import apply_retention_daily
from tests.factories import OfferFactory, student

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
AS_OF = dt.datetime(2031, 6, 15, 12, 0, tzinfo=AMSTERDAM)
DAY = dt.timedelta(days=1)


def cutoff(rule: RetentionRule) -> dt.datetime:
    return months_before(AS_OF, DEFAULT_MONTHS[rule])


def keep_accounts(*schools):
    """No account is due: the rule under test is not mixed with erasure."""
    for school in schools:
        RetentionPolicy.objects.create(
            school=school, rule=RetentionRule.STUDENT_ACCOUNT, months=240, changed_at=AS_OF
        )


def leaver(cast, left_at, school=None, **fields):
    school = school or cast.vista
    kwalificatie = cast.ict_niveau2 if school == cast.vista else cast.ict_niveau4
    person = student(school=school, kwalificatie=kwalificatie, **fields)
    User.objects.filter(pk=person.pk).update(left_at=left_at)
    return person


def run(school, *, dry_run=False, as_of=AS_OF):
    return apply_retention(school, as_of=as_of, dry_run=dry_run)


# --- the periods -----------------------------------------------------------------------------


def test_the_defaults_follow_the_issue():
    assert DEFAULT_MONTHS == {
        RetentionRule.CARE_NOTES: 0,
        RetentionRule.CHOICES: 12,
        RetentionRule.STUDENT_ACCOUNT: 12,
        RetentionRule.EVIDENCE: 24,
        RetentionRule.ACTIVITIES: 12,
        RetentionRule.NOTIFICATIONS: 6,
        RetentionRule.AGREEMENTS: 84,
        RetentionRule.ACCESS_LOG: 24,
    }


def test_a_school_policy_overrides_the_default_only_for_that_school(cast):
    RetentionPolicy.objects.create(
        school=cast.vista, rule=RetentionRule.CHOICES, months=3, changed_at=AS_OF
    )
    assert months_for(cast.vista, RetentionRule.CHOICES) == 3
    assert months_for(cast.gilde, RetentionRule.CHOICES) == 12
    assert months_for(cast.vista, RetentionRule.NOTIFICATIONS) == 6


def test_months_before_keeps_the_local_time_and_clamps_the_day():
    march_31 = dt.datetime(2031, 3, 31, 8, 30, tzinfo=AMSTERDAM)
    assert months_before(march_31, 1) == dt.datetime(2031, 2, 28, 8, 30, tzinfo=AMSTERDAM)
    assert months_before(march_31, 13) == dt.datetime(2030, 2, 28, 8, 30, tzinfo=AMSTERDAM)
    assert months_before(march_31, 0) == march_31


def test_setting_periods_stores_own_rows_and_a_default_removes_the_row(cast):
    retention_periods_set(
        school=cast.vista,
        months={RetentionRule.CHOICES.value: 18, RetentionRule.NOTIFICATIONS.value: 6},
        by=cast.fenna,
        now=AS_OF,
    )
    assert list(
        RetentionPolicy.objects.values_list("school_id", "rule", "months", "changed_by")
    ) == [(cast.vista.pk, "choices", 18, cast.fenna.pk)]
    retention_periods_set(
        school=cast.vista, months={RetentionRule.CHOICES.value: 12}, by=cast.fenna, now=AS_OF
    )
    assert not RetentionPolicy.objects.exists()


@pytest.mark.parametrize("months", [241, -1])
def test_setting_a_period_outside_0_to_240_names_the_rule(cast, months):
    with pytest.raises(ApplicationError) as refused:
        retention_periods_set(
            school=cast.vista,
            months={RetentionRule.CHOICES.value: months, RetentionRule.EVIDENCE.value: 30},
            by=cast.fenna,
            now=AS_OF,
        )
    assert refused.value.extra["fields"] == {
        "choices": ["Kies een termijn van 0 tot en met 240 maanden."]
    }
    assert not RetentionPolicy.objects.exists()


# --- each rule: one day past the cut-off is removed, one day before it is not ----------------


def test_care_notes_end_when_the_student_leaves(cast):
    keep_accounts(cast.vista, cast.gilde)
    gone = leaver(cast, AS_OF - DAY, care_notes="dyslexie")
    leaving_tomorrow = leaver(cast, AS_OF + DAY, care_notes="faalangst")
    StudentEnrolment.objects.filter(student=cast.sanne).update(care_notes="extra tijd")
    other_school = leaver(cast, AS_OF - 300 * DAY, school=cast.gilde, care_notes="gilde")

    result = run(cast.vista)

    notes = dict(StudentEnrolment.objects.values_list("student_id", "care_notes"))
    assert notes[gone.pk] == ""
    assert notes[leaving_tomorrow.pk] == "faalangst"
    assert notes[cast.sanne.pk] == "extra tijd"
    assert notes[other_school.pk] == "gilde"
    assert result.counts["care_notes"] == {"accounts.StudentEnrolment": 1}


@pytest.fixture
def rounds(cast):
    """Two Vista rounds, one published a day before the choices cut-off and one a day after,
    each with Sanne's choices, a run placement with an explanation, a declined objection and an
    assignment; plus a Gilde round published long ago."""
    offer = OfferFactory(
        kind=OfferKind.CHALLENGE,
        owner=cast.bakkerij,
        status=OfferStatus.PUBLISHED,
        schools=[cast.vista, cast.gilde],
    )

    def make(school, person, published_at):
        close = published_at - 30 * DAY
        allocation_round = AllocationRound.objects.create(
            name=f"Ronde {published_at:%Y-%m-%d}",
            school=school,
            choices_close_at=close,
            objections_close_at=close + 20 * DAY,
            phase=Phase.CLOSED,
            published_at=published_at,
            created_by=cast.bos,
        )
        choices = ChoiceList.objects.create(
            round=allocation_round, student=person, submitted_at=close, updated_at=close
        )
        Choice.objects.create(choice_list=choices, offer=offer, position=1)
        allocation_run = AllocationRun.objects.create(
            round=allocation_round,
            status=RunStatus.SUCCEEDED,
            started_by=cast.bos,
            created_at=close,
            problem={"students": [person.pk]},
            result={"placements": [person.pk]},
        )
        RunPlacement.objects.create(
            run=allocation_run,
            student_id=person.pk,
            offer_id=offer.pk,
            rank=1,
            explanation={"summary": "eerste keus"},
        )
        Assignment.objects.create(
            round=allocation_round,
            student=person,
            offer=offer,
            rank=1,
            source=AssignmentSource.ENGINE,
            changed_at=published_at,
        )
        Objection.objects.create(
            round=allocation_round,
            student=person,
            offer=offer,
            reason="Ik wil liever iets anders.",
            status=ObjectionStatus.DECLINED,
            answer="Er is geen plek meer.",
            created_at=published_at,
            decided_at=published_at,
        )
        return allocation_round

    limit = cutoff(RetentionRule.CHOICES)
    return {
        "due": make(cast.vista, cast.sanne, limit - DAY),
        "kept": make(cast.vista, cast.sanne, limit + DAY),
        "gilde": make(cast.gilde, cast.ahmed, limit - 400 * DAY),
    }


def test_choices_and_explanations_end_a_year_after_publication_but_the_assignment_stays(
    cast, rounds
):
    result = run(cast.vista)

    due, kept, gilde = rounds["due"], rounds["kept"], rounds["gilde"]
    assert not ChoiceList.objects.filter(round=due).exists()
    assert not Choice.objects.filter(choice_list__round=due).exists()
    placement = RunPlacement.objects.get(run__round=due)
    assert (placement.explanation, placement.reason, placement.offer_id) == (
        {},
        "",
        Assignment.objects.get(round=due).offer_id,
    )
    objection = Objection.objects.get(round=due)
    assert (objection.reason, objection.answer) == ("", REMOVED_TEXT)
    assert AllocationRun.objects.filter(round=due).values_list("problem", "result").get() == (
        None,
        None,
    )
    assert Assignment.objects.filter(round=due, student=cast.sanne).exists()
    for untouched in (kept, gilde):
        assert ChoiceList.objects.filter(round=untouched).count() == 1
        assert Choice.objects.filter(choice_list__round=untouched).count() == 1
        assert RunPlacement.objects.get(run__round=untouched).explanation == {
            "summary": "eerste keus"
        }
        assert Objection.objects.get(round=untouched).reason == "Ik wil liever iets anders."
        assert AllocationRun.objects.get(round=untouched).result == {
            "placements": [untouched.assignments.get().student_id]
        }
    assert result.counts["choices"] == {
        "allocations.ChoiceList": 1,
        "allocations.Choice": 1,
        "allocations.RunPlacement": 1,
        "allocations.Objection": 1,
        "allocations.AllocationRun": 1,
    }


def _evidence(cast, person):
    return WerkprocesEvidence.objects.create(
        student=person,
        werkproces=Werkproces.objects.first(),
        level=ProgressLevel.SUFFICIENT,
        recorded_by=cast.devries,
        note="Goed gedaan",
    )


def test_evidence_ends_two_years_after_leaving(cast):
    keep_accounts(cast.vista, cast.gilde)
    limit = cutoff(RetentionRule.EVIDENCE)
    due = _evidence(cast, leaver(cast, limit - DAY))
    kept = _evidence(cast, leaver(cast, limit + DAY))
    still_here = _evidence(cast, cast.sanne)
    other_school = _evidence(cast, leaver(cast, limit - 400 * DAY, school=cast.gilde))

    result = run(cast.vista)

    assert set(WerkprocesEvidence.objects.values_list("pk", flat=True)) == {
        kept.pk,
        still_here.pk,
        other_school.pk,
    }
    assert due.pk not in WerkprocesEvidence.objects.values_list("pk", flat=True)
    assert {k: v for k, v in result.counts["evidence"].items() if v} == {
        "curriculum.WerkprocesEvidence": 1
    }


def _event_with_booking(cast, school, person, ends_at):
    event = Event.objects.create(
        kind=EventKind.MEET_AND_MATCH,
        title=f"Meet & match {ends_at:%Y-%m-%d}",
        school=school,
        organiser=cast.bos,
        location="Aula",
        starts_at=ends_at - dt.timedelta(hours=3),
        ends_at=ends_at,
    )
    slot = EventSlot.objects.create(
        event=event, starts_at=ends_at - dt.timedelta(hours=1), ends_at=ends_at
    )
    table = EventTable.objects.create(event=event, company=cast.bakkerij, host=cast.jan)
    return EventBooking.objects.create(slot=slot, table=table, student=person, seat=1)


def _meeting(cast, school, person, ends_at):
    meeting = Meeting.objects.create(
        kind=MeetingKind.THREE_WAY,
        title=f"Driegesprek {ends_at:%Y-%m-%d}",
        starts_at=ends_at - dt.timedelta(hours=1),
        ends_at=ends_at,
        organiser=cast.devries,
        school=school,
    )
    return MeetingParticipant.objects.create(meeting=meeting, user=person)


def _guest_lesson(cast, school, starts_at):
    expert = ExpertProfile.objects.get_or_create(
        user=cast.eva, defaults={"organisation": cast.pixel, "headline": "UX"}
    )[0]
    lesson = GuestLessonBooking.objects.create(
        expert=expert,
        school=school,
        requested_by=cast.devries if school == cast.vista else cast.peters,
        starts_at=starts_at,
        group="1A",
        topic="Toegankelijkheid",
        location="Lokaal 1",
        message="Graag iets over Sanne's project.",
        answer_note="Prima",
    )
    BookingFeedback.objects.create(booking=lesson, author=cast.eva, rating=4, text="Leuke klas")
    return lesson


def test_activities_end_a_year_after_the_event_of_the_school(cast):
    limit = cutoff(RetentionRule.ACTIVITIES)
    due = _event_with_booking(cast, cast.vista, cast.sanne, limit - DAY)
    kept = _event_with_booking(cast, cast.vista, cast.sanne, limit + DAY)
    other_school = _event_with_booking(cast, cast.gilde, cast.ahmed, limit - 400 * DAY)
    _meeting(cast, cast.vista, cast.sanne, limit - DAY)
    meeting_kept = _meeting(cast, cast.vista, cast.sanne, limit + DAY)
    meeting_gilde = _meeting(cast, cast.gilde, cast.ahmed, limit - 400 * DAY)
    old_lesson = _guest_lesson(cast, cast.vista, limit - DAY)
    new_lesson = _guest_lesson(cast, cast.vista, limit + DAY)
    gilde_lesson = _guest_lesson(cast, cast.gilde, limit - 400 * DAY)

    result = run(cast.vista)

    assert set(EventBooking.objects.values_list("pk", flat=True)) == {kept.pk, other_school.pk}
    assert Event.objects.filter(pk=due.slot.event_id).exists()  # the event itself stays
    assert set(MeetingParticipant.objects.values_list("pk", flat=True)) == {
        meeting_kept.pk,
        meeting_gilde.pk,
    }
    texts = {
        lesson.pk: (lesson.message, lesson.answer_note, lesson.feedback.get().text, lesson.status)
        for lesson in GuestLessonBooking.objects.all()
    }
    assert texts[old_lesson.pk] == ("", "", "", old_lesson.status)
    assert texts[new_lesson.pk] == (
        "Graag iets over Sanne's project.",
        "Prima",
        "Leuke klas",
        new_lesson.status,
    )
    assert texts[gilde_lesson.pk][0] == "Graag iets over Sanne's project."
    assert BookingFeedback.objects.get(booking=old_lesson).rating == 4
    assert result.counts["activities"] == {
        "engagement.EventBooking": 1,
        "engagement.MeetingParticipant": 1,
        "engagement.GuestLessonBooking": 1,
        "engagement.BookingFeedback": 1,
    }


def _notification(person, created_at, title):
    return Notification.objects.create(
        recipient=person, category="test", title=title, created_at=created_at
    )


def test_notifications_of_the_schools_students_end_after_six_months(cast):
    limit = cutoff(RetentionRule.NOTIFICATIONS)
    _notification(cast.sanne, limit - DAY, "oud")
    _notification(cast.sanne, limit + DAY, "recent")
    _notification(cast.bos, limit - 400 * DAY, "medewerker")
    _notification(cast.ahmed, limit - 400 * DAY, "gilde")

    result = run(cast.vista)

    assert sorted(Notification.objects.values_list("title", flat=True)) == [
        "gilde",
        "medewerker",
        "recent",
    ]
    assert result.counts["notifications"] == {"notifications.Notification": 1}


def _ended_agreement(cast, ends_on, title):
    offer = OfferFactory(
        kind=OfferKind.CHALLENGE,
        owner=cast.bakkerij,
        contact=cast.jan,
        title=title,
        deliverables="een prototype",
        status=OfferStatus.PUBLISHED,
        schools=[cast.vista],
    )
    now = timezone.now()
    draft = agreements.offer_agreement_draft(
        offer=offer, school=cast.vista, actor=cast.bos, now=now
    )
    agreement = agreements.agreement_create_from_offer(
        offer=offer,
        school=cast.vista,
        actor=cast.bos,
        now=now,
        draft=dataclasses.replace(draft, mentoring_hours=8),
    )
    agreement = agreements.agreement_propose(agreement=agreement, actor=cast.bos, now=now)
    agreements.agreement_accept(
        agreement=agreement, actor=cast.jan, now=now, ip_address="192.0.2.7", user_agent="Firefox"
    )
    agreement.participants.add(cast.sanne)
    Agreement.objects.filter(pk=agreement.pk).update(starts_on=ends_on - 30 * DAY, ends_on=ends_on)
    return agreement


def test_ended_agreements_lose_their_people_after_seven_years_and_the_log_still_verifies(cast):
    limit = timezone.localdate(cutoff(RetentionRule.AGREEMENTS))
    due = _ended_agreement(cast, limit - DAY, "Oude afspraak")
    kept = _ended_agreement(cast, limit + DAY, "Nieuwere afspraak")

    result = run(cast.vista)

    assert list(due.participants.all()) == []
    assert list(kept.participants.all()) == [cast.sanne]
    assert list(
        Acceptance.objects.filter(version__agreement=due).values_list("ip_address", "user_agent")
    ) == [(None, "")]
    assert list(
        Acceptance.objects.filter(version__agreement=kept).values_list("ip_address", "user_agent")
    ) == [("192.0.2.7", "Firefox")]
    assert Agreement.objects.filter(pk=due.pk).exists()
    assert due.events.count() > 0
    assert verify_chain() == []
    assert result.counts["agreements"] == {
        "agreements.Agreement_participants": 1,
        "agreements.Acceptance": 1,
    }


def test_the_access_log_of_the_school_ends_after_two_years(cast):
    limit = cutoff(RetentionRule.ACCESS_LOG)

    def read(person, at):
        return record_sensitive_read(
            reader=cast.devries,
            student=person,
            kind=PersonalDataReadKind.CARE_NOTES,
            purpose="test",
            now=at,
        )

    read(cast.sanne, limit - DAY)
    kept = read(cast.sanne, limit + DAY)
    other_school = read(cast.ahmed, limit - 400 * DAY)

    result = run(cast.vista)

    assert set(PersonalDataRead.objects.values_list("pk", flat=True)) == {kept.pk, other_school.pk}
    assert result.counts["access_log"] == {"accounts.PersonalDataRead": 1}


# --- accounts: erased through erasure; evidence keeps its own period ---------------------------


def test_the_account_is_erased_a_year_after_leaving_and_only_once(cast):
    limit = cutoff(RetentionRule.STUDENT_ACCOUNT)
    due = leaver(cast, limit - DAY, first_name="Vertrokken")
    kept = leaver(cast, limit + DAY, first_name="Blijft")

    first = run(cast.vista)
    second = run(cast.vista)

    due.refresh_from_db()
    kept.refresh_from_db()
    assert due.email == f"erased-{due.pk}@invalid"
    assert due.first_name != "Vertrokken"
    assert kept.first_name == "Blijft"
    assert first.counts["student_account"] == {"accounts.User": 1}
    assert second.counts["student_account"] == {"accounts.User": 0}


def test_evidence_outlives_an_erased_account_until_its_own_period(cast):
    # Left 13 months ago: the account is due (12), the evidence is not (24).
    person = leaver(cast, AS_OF - 395 * DAY)
    evidence = _evidence(cast, person)

    run(cast.vista)
    person.refresh_from_db()
    assert person.email == f"erased-{person.pk}@invalid"
    assert WerkprocesEvidence.objects.filter(pk=evidence.pk).exists()

    later = run(cast.vista, as_of=AS_OF + 365 * DAY)
    assert not WerkprocesEvidence.objects.filter(pk=evidence.pk).exists()
    assert {k: v for k, v in later.counts["evidence"].items() if v} == {
        "curriculum.WerkprocesEvidence": 1
    }


# --- runs: twice removes once, dry run == real run, every school --------------------------------


@pytest.fixture
def everything_due(cast, rounds):
    """Something due for every rule except the account (see the erasure tests) at Vista."""
    keep_accounts(cast.vista, cast.gilde)
    leaver(cast, AS_OF - DAY, care_notes="dyslexie")
    _evidence(cast, leaver(cast, cutoff(RetentionRule.EVIDENCE) - DAY))
    _event_with_booking(cast, cast.vista, cast.sanne, cutoff(RetentionRule.ACTIVITIES) - DAY)
    _meeting(cast, cast.vista, cast.sanne, cutoff(RetentionRule.ACTIVITIES) - DAY)
    _guest_lesson(cast, cast.vista, cutoff(RetentionRule.ACTIVITIES) - DAY)
    _notification(cast.sanne, cutoff(RetentionRule.NOTIFICATIONS) - DAY, "oud")
    _ended_agreement(
        cast, timezone.localdate(cutoff(RetentionRule.AGREEMENTS)) - DAY, "Oude afspraak"
    )
    record_sensitive_read(
        reader=cast.devries,
        student=cast.sanne,
        kind=PersonalDataReadKind.CARE_NOTES,
        purpose="test",
        now=cutoff(RetentionRule.ACCESS_LOG) - DAY,
    )
    return cast


def _rows():
    """Every row and emptied field the rules touch, as a comparable snapshot."""
    return {
        "notes": sorted(StudentEnrolment.objects.values_list("pk", "care_notes")),
        "lists": ChoiceList.objects.count(),
        "choices": Choice.objects.count(),
        "placements": sorted((p.pk, str(p.explanation)) for p in RunPlacement.objects.all()),
        "objections": sorted(Objection.objects.values_list("pk", "reason", "answer")),
        "documents": sorted(
            (r.pk, r.problem is None, r.result is None) for r in AllocationRun.objects.all()
        ),
        "evidence": WerkprocesEvidence.objects.count(),
        "bookings": EventBooking.objects.count(),
        "participations": MeetingParticipant.objects.count(),
        "lessons": sorted(GuestLessonBooking.objects.values_list("pk", "message", "answer_note")),
        "feedback": sorted(BookingFeedback.objects.values_list("pk", "text")),
        "notifications": Notification.objects.count(),
        "participants": Agreement.participants.through.objects.count(),
        "acceptances": sorted(Acceptance.objects.values_list("pk", "ip_address", "user_agent")),
        "reads": PersonalDataRead.objects.count(),
    }


def test_a_second_run_removes_nothing(everything_due):
    cast = everything_due
    first = run(cast.vista)
    after_first = _rows()
    second = run(cast.vista)

    assert first.total == 15
    assert {rule for rule, models in first.counts.items() if sum(models.values())} == set(
        RetentionRule.values
    ) - {"student_account"}
    assert second.total == 0
    assert all(count == 0 for models in second.counts.values() for count in models.values())
    assert _rows() == after_first


def test_the_dry_run_counts_what_the_real_run_removes_and_removes_nothing(everything_due):
    cast = everything_due
    before = _rows()

    dry = run(cast.vista, dry_run=True)
    assert _rows() == before
    real = run(cast.vista)

    assert dry.dry_run is True
    assert real.dry_run is False
    assert dry.counts == real.counts
    assert dry.total == real.total == 15
    assert dry.as_of == real.as_of == AS_OF
    assert _rows() != before


def test_the_plan_counts_what_the_run_stores(everything_due):
    plan = retention_plan(everything_due.vista, as_of=AS_OF)
    assert run(everything_due.vista).counts == plan.counts()


def test_the_daily_task_runs_for_every_school_and_twice_removes_once(cast):
    keep_accounts(cast.vista, cast.gilde)
    _notification(cast.sanne, timezone.now() - 200 * DAY, "vista")
    _notification(cast.ahmed, timezone.now() - 200 * DAY, "gilde")

    assert apply_retention_daily() == 2
    assert apply_retention_daily() == 2

    runs = RetentionRun.objects.order_by("pk")
    assert [(r.school_id, r.dry_run, r.started_by, r.total) for r in runs] == [
        (cast.vista.pk, False, None, 1),
        (cast.gilde.pk, False, None, 1),
        (cast.vista.pk, False, None, 0),
        (cast.gilde.pk, False, None, 0),
    ]
    assert not Notification.objects.exists()


def test_the_command_prints_per_rule_and_model_and_a_dry_run_removes_nothing(cast):
    keep_accounts(cast.vista, cast.gilde)
    _notification(cast.sanne, cutoff(RetentionRule.NOTIFICATIONS) - DAY, "oud")
    out = io.StringIO()

    call_command(
        "apply_retention",
        "--dry-run",
        "--school",
        str(cast.vista.pk),
        "--as-of",
        "2031-06-15",
        stdout=out,
    )

    text = out.getvalue()
    assert "Vista college" in text
    assert "would remove 1" in text
    assert "notifications.Notification: 1" in text
    assert "Gilde" not in text
    assert Notification.objects.count() == 1
    run_row = RetentionRun.objects.get()
    assert run_row.dry_run
    assert run_row.as_of == dt.datetime(2031, 6, 15, tzinfo=AMSTERDAM)

    out = io.StringIO()
    call_command("apply_retention", "--as-of", "2031-06-15", stdout=out)
    assert "removed 1" in out.getvalue()
    assert "Gilde" in out.getvalue()
    assert not Notification.objects.exists()


def test_a_second_run_removes_nothing_when_accounts_are_erased_too(everything_due):
    cast = everything_due
    RetentionPolicy.objects.filter(rule=RetentionRule.STUDENT_ACCOUNT).delete()
    person = leaver(cast, cutoff(RetentionRule.STUDENT_ACCOUNT) - DAY, care_notes="zorg")
    _notification(person, AS_OF - DAY, "nieuw")
    _evidence(cast, person)

    dry = run(cast.vista, dry_run=True)
    first = run(cast.vista)
    after_first = _rows()
    second = run(cast.vista)

    assert dry.counts == first.counts
    # Them, and the evidence fixture's student who left two years ago.
    assert first.counts["student_account"] == {"accounts.User": 2}
    assert second.total == 0
    assert _rows() == after_first
    person.refresh_from_db()
    assert person.email == f"erased-{person.pk}@invalid"


def test_the_beat_schedule_runs_the_task_daily():
    from django.conf import settings
    from django.utils.module_loading import import_string

    entry = settings.CELERY_BEAT_SCHEDULE["privacy-apply-retention"]
    assert import_string(entry["task"]) is apply_retention_daily
    assert entry["schedule"].hour == {2}


def test_one_school_failing_does_not_keep_the_others_from_their_run(cast, monkeypatch):
    from backend.privacy.services import retention as service

    real = service.apply_retention

    def failing_for_vista(school, **kwargs):
        if school == cast.vista:
            raise RuntimeError("boom")
        return real(school, **kwargs)

    monkeypatch.setattr(service, "apply_retention", failing_for_vista)

    assert apply_retention_daily() == 1
    assert list(RetentionRun.objects.values_list("school_id", flat=True)) == [cast.gilde.pk]
