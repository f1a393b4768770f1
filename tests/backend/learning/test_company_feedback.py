"""The daily company-feedback task: opening the moments of an activity and reminding the offer's
contact until the feedback is in. Both are idempotent: run twice, nothing happens twice."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.allocations.models import Assignment, AssignmentSource, Phase
from backend.learning.models import CompanyFeedback, Moment
from backend.learning.services.company_feedback import (
    company_feedback_open_due,
    company_feedback_remind,
    company_feedback_submit,
    moments_open_on,
)
from backend.learning.tasks import company_feedback_task
from backend.notifications.models import Notification
from backend.offers.models import OfferStatus
from tests.backend.learning.factories import placement
from tests.backend.learning.feedback_factories import levels_for, open_feedback
from tests.factories import student

pytestmark = pytest.mark.django_db

D = dt.timedelta


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def today(now):
    return timezone.localdate(now)


def _lotte(cast):
    return student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Lotte")


def _requests(user):
    return Notification.objects.filter(recipient=user, category="learning_feedback_request")


# --- the moments --------------------------------------------------------------------------------


def test_the_final_moment_is_open_from_the_last_week_until_two_weeks_after_the_end():
    start, end = dt.date(2026, 9, 1), dt.date(2026, 9, 28)  # four weeks: no midpoint
    assert moments_open_on(start, end, dt.date(2026, 9, 20)) == []
    final = moments_open_on(start, end, dt.date(2026, 9, 21))
    assert [(m.moment, m.due_on) for m in final] == [(Moment.FINAL, dt.date(2026, 10, 12))]
    assert moments_open_on(start, end, dt.date(2026, 10, 12))[0].moment == Moment.FINAL
    assert moments_open_on(start, end, dt.date(2026, 10, 13)) == []


def test_an_activity_of_six_weeks_has_a_midpoint_due_ten_days_after_the_middle():
    start, end = dt.date(2026, 9, 1), dt.date(2026, 10, 13)  # exactly six weeks
    assert moments_open_on(start, end, dt.date(2026, 9, 21)) == []
    midpoint = moments_open_on(start, end, dt.date(2026, 9, 22))
    assert [(m.moment, m.due_on) for m in midpoint] == [(Moment.MIDPOINT, dt.date(2026, 10, 2))]


def test_an_activity_shorter_than_six_weeks_has_no_midpoint():
    start, end = dt.date(2026, 9, 1), dt.date(2026, 10, 12)  # 41 days
    moments = [moments_open_on(start, end, start + D(days=n)) for n in range(60)]
    assert {m.moment for day in moments for m in day} == {Moment.FINAL}


def test_the_midpoint_is_no_longer_asked_once_the_final_moment_opened():
    start, end = dt.date(2026, 9, 1), dt.date(2026, 11, 30)
    assert [m.moment for m in moments_open_on(start, end, dt.date(2026, 11, 22))] == [
        Moment.MIDPOINT
    ]
    assert [m.moment for m in moments_open_on(start, end, dt.date(2026, 11, 23))] == [Moment.FINAL]


# --- opening ------------------------------------------------------------------------------------


def test_it_opens_the_final_request_for_every_student_of_the_team(cast, now, today):
    lotte = _lotte(cast)
    placed = placement(
        cast, students=[cast.sanne, lotte], starts_on=today - D(days=20), ends_on=today + D(days=7)
    )
    assert company_feedback_open_due(now=now) == 2
    rows = CompanyFeedback.objects.order_by("student__first_name")
    assert [(r.student, r.offer, r.moment, r.due_on) for r in rows] == [
        (lotte, placed.offer, Moment.FINAL, today + D(days=21)),
        (cast.sanne, placed.offer, Moment.FINAL, today + D(days=21)),
    ]
    assert all(r.submitted_at is None and r.reminder_count == 0 for r in rows)


def test_it_tells_the_contact_once_per_offer_and_moment(cast, now, today):
    placement(
        cast,
        students=[cast.sanne, _lotte(cast)],
        starts_on=today - D(days=20),
        ends_on=today + D(days=5),
    )
    company_feedback_open_due(now=now)
    [message] = _requests(cast.jan)
    assert message.title == "Eindbeoordeling gevraagd: Webshop voor de bakkerij"
    assert "2 studenten" in message.body
    assert message.url == reverse("frontend:company-feedback-list")
    assert Notification.objects.exclude(recipient=cast.jan).count() == 0


def test_opening_twice_creates_and_sends_nothing_the_second_time(cast, now, today):
    placement(cast, starts_on=today - D(days=20), ends_on=today + D(days=3))
    assert company_feedback_open_due(now=now) == 1
    assert company_feedback_open_due(now=now) == 0
    assert company_feedback_open_due(now=now + D(days=1)) == 0
    assert CompanyFeedback.objects.count() == 1
    assert _requests(cast.jan).count() == 1


def test_a_student_added_later_gets_a_request_without_a_second_message(cast, now, today):
    placed = placement(cast, starts_on=today - D(days=20), ends_on=today + D(days=3))
    company_feedback_open_due(now=now)
    lotte = _lotte(cast)
    Assignment.objects.create(
        round=placed.round,
        student=lotte,
        offer=placed.offer,
        rank=1,
        source=AssignmentSource.OVERRIDE,
        changed_by=cast.bos,
        changed_at=now,
    )
    assert company_feedback_open_due(now=now + D(days=1)) == 1
    assert CompanyFeedback.objects.filter(student=lotte, moment=Moment.FINAL).exists()
    assert _requests(cast.jan).count() == 1


def test_a_long_running_activity_gets_its_midpoint_request(cast, now, today):
    # The default placement: started 50 days ago, ends in 10 days; the middle was 20 days ago.
    placement(cast)
    assert company_feedback_open_due(now=now) == 1
    row = CompanyFeedback.objects.get()
    assert (row.moment, row.due_on) == (Moment.MIDPOINT, today - D(days=20) + D(days=10))
    [message] = _requests(cast.jan)
    assert message.title == "Tussentijdse feedback gevraagd: Webshop voor de bakkerij"


def test_nothing_opens_before_the_moment_arrives(cast, now, today):
    placement(cast, starts_on=today - D(days=10), ends_on=today + D(days=8))
    assert company_feedback_open_due(now=now) == 0
    assert not Notification.objects.exists()


@pytest.mark.parametrize("phase", [Phase.CHOOSING, Phase.REVIEW])
def test_an_unpublished_round_asks_no_feedback(cast, now, today, phase):
    placement(cast, phase=phase, starts_on=today - D(days=20), ends_on=today + D(days=3))
    assert company_feedback_open_due(now=now) == 0
    assert not CompanyFeedback.objects.exists()


def test_a_withdrawn_offer_asks_no_feedback(cast, now, today):
    placed = placement(cast, starts_on=today - D(days=20), ends_on=today + D(days=3))
    placed.offer.status = OfferStatus.WITHDRAWN
    placed.offer.save()
    assert company_feedback_open_due(now=now) == 0


def test_an_activity_that_ended_long_ago_is_not_asked_about_late(cast, now, today):
    placement(cast, starts_on=today - D(days=80), ends_on=today - D(days=15))
    assert company_feedback_open_due(now=now) == 0


# --- reminders ----------------------------------------------------------------------------------


def _reminders(user):
    return Notification.objects.filter(
        recipient=user, dedupe_key__startswith="company-feedback-remind:"
    )


def test_it_reminds_the_contact_two_days_before_the_due_date(cast, now, today):
    placed = placement(cast)
    feedback = open_feedback(placed, due_on=today + D(days=2))
    assert company_feedback_remind(now=now) == 1
    [reminder] = _reminders(cast.jan)
    assert reminder.title == "Herinnering: uw feedback over 1 student"
    assert "Sanne (Webshop voor de bakkerij)" in reminder.body
    assert reminder.url == reverse("frontend:company-feedback-list")
    feedback.refresh_from_db()
    assert (feedback.last_reminded_on, feedback.reminder_count) == (today, 1)


def test_feedback_due_in_three_days_is_not_reminded_yet(cast, now, today):
    open_feedback(placement(cast), due_on=today + D(days=3))
    assert company_feedback_remind(now=now) == 0
    assert not Notification.objects.exists()


def test_reminding_twice_on_one_day_sends_one_reminder(cast, now, today):
    feedback = open_feedback(placement(cast), due_on=today)
    assert company_feedback_remind(now=now) == 1
    assert company_feedback_remind(now=now + D(hours=1)) == 0
    feedback.refresh_from_db()
    assert feedback.reminder_count == 1
    assert _reminders(cast.jan).count() == 1


def test_one_reminder_per_contact_names_every_open_student(cast, now, today):
    lotte = _lotte(cast)
    placed = placement(cast, students=[cast.sanne, lotte])
    open_feedback(placed, student=cast.sanne, due_on=today + D(days=1))
    open_feedback(placed, student=lotte, due_on=today - D(days=3))
    assert company_feedback_remind(now=now) == 1
    [reminder] = _reminders(cast.jan)
    assert reminder.title == "Herinnering: uw feedback over 2 studenten"
    # Overdue first; first names only, never an e-mail address or a last name.
    assert reminder.body.index("Lotte") < reminder.body.index("Sanne")
    assert cast.sanne.email not in reminder.body
    assert cast.sanne.last_name not in reminder.body


def test_each_contact_gets_their_own_reminder(cast, now, today):
    open_feedback(placement(cast), due_on=today)
    pixel = placement(cast, students=[_lotte(cast)], owner=cast.pixel, contact=cast.eva)
    open_feedback(pixel, due_on=today)
    assert company_feedback_remind(now=now) == 2
    assert "Sanne" in _reminders(cast.jan).get().body
    assert "Lotte" in _reminders(cast.eva).get().body
    assert "Sanne" not in _reminders(cast.eva).get().body


def test_it_reminds_again_the_next_day(cast, now, today):
    feedback = open_feedback(placement(cast), due_on=today + D(days=1))
    company_feedback_remind(now=now)
    assert company_feedback_remind(now=now + D(days=1)) == 1
    feedback.refresh_from_db()
    assert (feedback.last_reminded_on, feedback.reminder_count) == (today + D(days=1), 2)


def test_reminders_stop_once_the_feedback_is_submitted(cast, now, today):
    placed = placement(cast)
    feedback = open_feedback(placed, due_on=today)
    company_feedback_remind(now=now)
    company_feedback_submit(
        feedback=feedback, actor=cast.jan, levels=levels_for(placed), comment="", now=now
    )
    for days in (1, 2, 8, 30):
        assert company_feedback_remind(now=now + D(days=days)) == 0
    assert _reminders(cast.jan).count() == 1


def test_after_a_week_overdue_it_reminds_weekly(cast, now, today):
    feedback = open_feedback(placement(cast), due_on=today - D(days=10))
    feedback.last_reminded_on = today - D(days=3)
    feedback.save()
    assert company_feedback_remind(now=now) == 0
    feedback.last_reminded_on = today - D(days=7)
    feedback.save()
    assert company_feedback_remind(now=now) == 1


def test_a_student_moved_off_the_team_is_not_reminded_about(cast, now, today):
    placed = placement(cast)
    open_feedback(placed, due_on=today)
    Assignment.objects.filter(student=cast.sanne, offer=placed.offer).delete()
    assert company_feedback_remind(now=now) == 0
    assert not Notification.objects.exists()


# --- the beat task -------------------------------------------------------------------------------


def test_the_task_opens_and_reminds_and_does_nothing_twice(cast, today):
    # The last week has started and the final feedback is due in two weeks: opened, not yet
    # reminded. Another placement's midpoint is overdue: reminded.
    placement(cast, starts_on=today - D(days=20), ends_on=today + D(days=3))
    overdue = placement(cast, owner=cast.pixel, contact=cast.eva, title="Huisstijl")
    assert company_feedback_task() == {"opened": 2, "reminded": 1}
    assert company_feedback_task() == {"opened": 0, "reminded": 0}
    assert Notification.objects.filter(recipient=cast.jan).count() == 1
    assert Notification.objects.filter(recipient=cast.eva).count() == 2  # opened + reminded
    assert overdue.offer.company_feedback.get().reminder_count == 1
