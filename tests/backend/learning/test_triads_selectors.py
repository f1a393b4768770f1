"""Who sees which driehoekgesprekken: the three participants only; and what a coach may plan."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.accounts.models import Membership, Role, StudentEnrolment
from backend.accounts.selectors import company_ids, forget_roles, staff_school_ids
from backend.allocations.models import Phase
from backend.core.errors import NotFound
from backend.learning.selectors.triads import (
    placements_for_triads,
    triad_conversation_for,
    triad_detail_for,
    triads_for,
)
from tests.backend.learning.factories import placement
from tests.backend.learning.triads_factories import triad_series
from tests.factories import UserFactory, member, student

pytestmark = pytest.mark.django_db

D = dt.timedelta


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def series(cast, today):
    """Sanne's: held 20 days ago, missed 10 days ago, planned today (not yet held)."""
    series = triad_series(cast, first_on=today - D(days=20), interval_days=10, count=3)
    first = series.conversations.order_by("planned_on").first()
    first.held_on = today - D(days=20)
    first.notes = "Goede start"
    first.save()
    return series


@pytest.mark.parametrize("who", ["sanne", "devries", "jan"])
def test_the_three_participants_see_the_series(cast, series, who):
    user = getattr(cast, who)

    assert list(triads_for(user)) == [series]
    assert triad_detail_for(series.pk, user) == series
    conversation = series.conversations.first()
    assert triad_conversation_for(conversation.pk, user) == conversation


@pytest.mark.parametrize("who", ["bos", "eva", "peters", "ahmed", "fenna"])
def test_nobody_else_sees_the_series_or_its_notes(cast, series, who):
    user = getattr(cast, who)

    assert list(triads_for(user)) == []
    with pytest.raises(NotFound):
        triad_detail_for(series.pk, user)
    with pytest.raises(NotFound):
        triad_conversation_for(series.conversations.first().pk, user)


def test_another_contact_of_the_same_company_does_not_see_it(cast, series):
    colleague = member(UserFactory(first_name="Piet"), cast.bakkerij, Role.COMPANY_CONTACT)

    assert list(triads_for(colleague)) == []
    with pytest.raises(NotFound):
        triad_detail_for(series.pk, colleague)


def test_an_unknown_series_is_not_found(cast):
    with pytest.raises(NotFound):
        triad_detail_for(987654, cast.devries)


def test_the_list_counts_held_and_missed_and_names_the_next_date(cast, series, today):
    row = triads_for(cast.devries, today=today).get()

    assert (row.total, row.held, row.missed, row.next_on) == (3, 1, 1, today)


def test_the_list_reads_in_one_query_however_many_series(cast, today, django_assert_num_queries):
    for n in range(4):
        pupil = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name=f"S{n}")
        triad_series(cast, student=pupil, first_on=today - D(days=n), count=3)

    with django_assert_num_queries(1):
        rows = list(triads_for(cast.devries, today=today))
        names = [(r.student.first_name, r.offer.owner.name, r.coach.pk, r.mentor.pk) for r in rows]

    assert len(names) == 4


def test_stopped_series_come_last(cast, today):
    stopped = triad_series(cast, first_on=today - D(days=30), cancelled_at=timezone.now())
    running = triad_series(cast, first_on=today)

    assert list(triads_for(cast.jan)) == [running, stopped]


def test_the_detail_brings_its_conversations_in_two_queries(
    cast, series, django_assert_num_queries
):
    company_ids(cast.jan)  # Jan's roles: read once per request, by the menu already
    with django_assert_num_queries(2):
        found = triad_detail_for(series.pk, cast.jan)
        rows = [(c.planned_on, c.recorded_by) for c in found.conversations.all()]
        names = (found.student.first_name, found.offer.owner.name, found.coach, found.mentor)

    assert [day for day, _ in rows] == sorted(day for day, _ in rows)
    assert names[1] == "Bakkerij Jansen"


# --- what a coach may plan ---------------------------------------------------------------------


def test_placements_of_the_schools_students_without_a_series_with_the_companys_contacts(
    cast, django_assert_num_queries
):
    StudentEnrolment.objects.filter(student=cast.sanne).update(coach=cast.devries)
    offer = placement(cast).offer
    anna = member(
        UserFactory(first_name="Anna", last_name="Bakker"), cast.bakkerij, Role.COMPANY_CONTACT
    )

    staff_school_ids(cast.devries)  # the roles are read once per request, elsewhere

    with django_assert_num_queries(2):
        choices = placements_for_triads(cast.devries)

    assert [(c.student, c.offer) for c in choices] == [(cast.sanne, offer)]
    assert choices[0].coach == cast.devries
    assert choices[0].mentors == [anna, cast.jan]  # by first name
    assert cast.eva not in choices[0].mentors
    assert choices[0].key == f"{cast.sanne.pk}-{offer.pk}"


def test_a_placement_with_a_series_is_not_offered_again(cast, today):
    offer = placement(cast).offer
    triad_series(cast, offer=offer, first_on=today, cancelled_at=timezone.now())

    assert placements_for_triads(cast.bos) == []


def test_ended_and_unpublished_placements_are_not_offered(cast, today):
    placement(cast, starts_on=today - D(days=60), ends_on=today - D(days=1))
    placement(cast, phase=Phase.REVIEW)

    assert placements_for_triads(cast.devries) == []


def test_other_schools_and_non_staff_get_no_placements(cast):
    placement(cast)

    for who in ("peters", "jan", "eva", "sanne", "fenna"):
        assert placements_for_triads(getattr(cast, who)) == [], who


def test_another_schools_student_is_not_offered_to_vista(cast):
    placement(cast, students=[cast.ahmed])

    assert placements_for_triads(cast.devries) == []


def test_a_mentor_or_coach_who_left_no_longer_reads_the_notes(cast, series):
    assert triad_detail_for(series.pk, cast.jan).pk == series.pk
    assert triad_detail_for(series.pk, cast.devries).pk == series.pk
    Membership.objects.filter(user__in=[cast.jan, cast.devries]).update(ended_at=timezone.now())
    for person in (cast.jan, cast.devries):
        forget_roles(person)
        with pytest.raises(NotFound):
            triad_detail_for(series.pk, person)
    assert triad_detail_for(series.pk, cast.sanne).pk == series.pk
