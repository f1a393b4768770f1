"""The student's feedback on an activity: who may give it, when, once, with which values; and the
daily invitation."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.allocations.models import Phase
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.learning.models import ActivityFeedback
from backend.learning.services.activity_feedback import (
    activity_feedback_give,
    activity_feedback_invite,
)
from backend.notifications.models import Notification
from backend.notifications.services import preference_set
from backend.offers.models import OfferStatus
from tests.backend.learning.activity_factories import answer, classmates, ended_placement
from tests.backend.learning.factories import placement

pytestmark = pytest.mark.django_db


def _give(cast, offer, *, student=None, learned=4, supported=5, comment="", now=None):
    return activity_feedback_give(
        student=student or cast.sanne,
        offer=offer,
        learned=learned,
        supported=supported,
        comment=comment,
        now=now or timezone.now(),
    )


def test_a_placed_student_gives_feedback_once_the_activity_ended(cast):
    offer = ended_placement(cast).offer

    feedback = _give(cast, offer, learned=4, supported=2, comment="  Leuk, maar weinig uitleg. ")

    stored = ActivityFeedback.objects.get()
    assert stored == feedback
    assert (stored.student, stored.offer, stored.learned, stored.supported) == (
        cast.sanne,
        offer,
        4,
        2,
    )
    assert stored.comment == "Leuk, maar weinig uitleg."


def test_it_refuses_feedback_while_the_activity_runs(cast):
    offer = placement(cast).offer  # ends in 10 days

    with pytest.raises(ApplicationError) as refused:
        _give(cast, offer)

    ends = offer.ends_on
    assert refused.value.message.startswith("Deze activiteit loopt nog tot ")
    assert str(ends.year) in refused.value.message
    assert "fields" not in refused.value.extra
    assert not ActivityFeedback.objects.exists()


def test_it_refuses_feedback_on_the_last_day_itself(cast):
    today = timezone.localdate()
    offer = placement(cast, starts_on=today - dt.timedelta(days=30), ends_on=today).offer

    with pytest.raises(ApplicationError, match="loopt nog"):
        _give(cast, offer)


def test_a_completed_activity_counts_as_ended_before_its_end_date(cast):
    offer = placement(cast).offer
    offer.status = OfferStatus.COMPLETED
    offer.save(update_fields=["status"])

    _give(cast, offer)

    assert ActivityFeedback.objects.filter(student=cast.sanne, offer=offer).count() == 1


def test_it_refuses_a_student_who_was_not_placed_on_the_activity(cast):
    offer = ended_placement(cast).offer

    with pytest.raises(PermissionDenied) as refused:
        _give(cast, offer, student=cast.ahmed)

    assert refused.value.message == (
        "Je kunt alleen feedback geven op een activiteit waarvoor je bent ingedeeld."
    )
    assert not ActivityFeedback.objects.exists()


def test_it_refuses_a_placement_in_a_round_that_is_not_published(cast):
    offer = ended_placement(cast, phase=Phase.REVIEW).offer

    with pytest.raises(PermissionDenied):
        _give(cast, offer)

    assert not ActivityFeedback.objects.exists()


def test_it_refuses_a_second_answer(cast):
    offer = ended_placement(cast).offer
    _give(cast, offer, learned=5, comment="Top")

    with pytest.raises(Conflict) as refused:
        _give(cast, offer, learned=1, comment="Toch niet")

    assert refused.value.message.startswith("Je hebt al feedback gegeven op deze activiteit, op ")
    stored = ActivityFeedback.objects.get()
    assert (stored.learned, stored.comment) == (5, "Top")


@pytest.mark.parametrize(
    ("learned", "supported", "fields"),
    [
        (0, 3, {"learned"}),
        (3, 6, {"supported"}),
        (-1, 99, {"learned", "supported"}),
        ("3", 3, {"learned"}),  # a string is not a number on the scale
        (True, 3, {"learned"}),  # nor is a boolean
        (None, None, {"learned", "supported"}),
        (2.5, 3, {"learned"}),
    ],
)
def test_values_outside_one_to_five_are_refused_per_field(cast, learned, supported, fields):
    offer = ended_placement(cast).offer

    with pytest.raises(ApplicationError) as refused:
        _give(cast, offer, learned=learned, supported=supported)

    errors = refused.value.extra["fields"]
    assert set(errors) == fields
    assert all(messages == ["Kies een getal van 1 tot en met 5."] for messages in errors.values())
    assert not ActivityFeedback.objects.exists()


def test_a_comment_longer_than_1000_characters_is_refused(cast):
    offer = ended_placement(cast).offer

    with pytest.raises(ApplicationError) as refused:
        _give(cast, offer, comment="x" * 1001)

    assert refused.value.extra["fields"] == {
        "comment": ["Je opmerking is 1001 tekens; het mogen er hoogstens 1000 zijn."]
    }
    assert not ActivityFeedback.objects.exists()
    _give(cast, offer, comment="x" * 1000)
    assert ActivityFeedback.objects.count() == 1


def test_a_comment_with_a_nul_character_is_refused(cast):
    offer = ended_placement(cast).offer

    with pytest.raises(ApplicationError) as refused:
        _give(cast, offer, comment="a\x00b")

    assert set(refused.value.extra["fields"]) == {"comment"}


def test_html_in_a_comment_is_kept_as_plain_text(cast):
    offer = ended_placement(cast).offer

    _give(cast, offer, comment="<script>alert(1)</script>")

    assert ActivityFeedback.objects.get().comment == "<script>alert(1)</script>"


# --- the company hears of a new batch, never of one answer ------------------------------------


def test_the_company_is_told_only_when_a_batch_of_five_is_complete(cast):
    team = classmates(cast, 6)
    offer = ended_placement(cast, students=team).offer
    now = timezone.now()

    for person in team[:4]:
        _give(cast, offer, student=person, now=now)
    assert not Notification.objects.filter(recipient=cast.jan).exists()

    _give(cast, offer, student=team[4], now=now)
    told = Notification.objects.get(recipient=cast.jan)
    assert told.category == "learning_activity_feedback"
    assert told.title == "Nieuwe feedback van studenten"
    assert told.body == (
        "5 studenten gaven feedback op “Webshop voor de bakkerij”. Bekijk de samenvatting."
    )
    assert told.url == f"/leren/aanbod/{offer.pk}/feedback-studenten/"

    _give(cast, offer, student=team[5], now=now)
    assert Notification.objects.filter(recipient=cast.jan).count() == 1
    # The students themselves get nothing for answering.
    assert not Notification.objects.filter(recipient__in=team).exists()


# --- invitations -------------------------------------------------------------------------------


def test_it_invites_students_whose_activity_ended_and_runs_twice_without_resending(cast):
    team = [cast.sanne, *classmates(cast, 2)]
    offer = ended_placement(cast, students=team).offer
    answer(offer, team[2])
    now = timezone.now()

    assert activity_feedback_invite(now=now) == 2
    assert activity_feedback_invite(now=now) == 0
    assert activity_feedback_invite(now=now + dt.timedelta(days=1)) == 0

    invited = Notification.objects.filter(category="learning_activity_feedback")
    assert sorted(n.recipient_id for n in invited) == sorted([cast.sanne.pk, team[1].pk])
    sanne = invited.get(recipient=cast.sanne)
    assert sanne.title == "Hoe was “Webshop voor de bakkerij”?"
    assert sanne.url == f"/mijn-leren/activiteiten/{offer.pk}/feedback/"
    assert sanne.dedupe_key == f"activity-feedback-invite:{offer.pk}:{cast.sanne.pk}"
    assert "Het bedrijf ziet je naam niet." in sanne.body


def test_it_does_not_invite_for_running_old_or_unpublished_activities(cast):
    placement(cast)  # still running
    ended_placement(cast, days_ago=31, title="Lang geleden")
    ended_placement(cast, students=[cast.ahmed], phase=Phase.REVIEW, title="Niet gepubliceerd")
    ended_placement(cast, students=[cast.ahmed], days_ago=30, title="Precies dertig dagen")

    assert activity_feedback_invite(now=timezone.now()) == 1
    invited = Notification.objects.get()
    assert invited.recipient == cast.ahmed
    assert invited.title == "Hoe was “Precies dertig dagen”?"


def test_it_invites_for_an_activity_completed_before_its_end_date(cast):
    offer = placement(cast).offer
    offer.status = OfferStatus.COMPLETED
    offer.status_changed_at = timezone.now() - dt.timedelta(days=2)
    offer.save(update_fields=["status", "status_changed_at"])

    assert activity_feedback_invite(now=timezone.now()) == 1
    assert Notification.objects.get().recipient == cast.sanne


def test_a_student_who_turned_the_invitations_off_gets_none(cast):
    ended_placement(cast)
    preference_set(
        user=cast.sanne, category="learning_activity_feedback", in_app=False, email=False
    )

    assert activity_feedback_invite(now=timezone.now()) == 0
    assert not Notification.objects.exists()


def test_the_invitation_takes_a_fixed_number_of_queries(cast, django_assert_num_queries):
    # The same 8 as for a single student: the count does not grow with the students.
    ended_placement(cast, students=classmates(cast, 3))
    ended_placement(cast, students=classmates(cast, 12), title="Groter team")

    with django_assert_num_queries(8):
        assert activity_feedback_invite(now=timezone.now()) == 15
