"""What the company, the student's pages and the coach read of the company's feedback: the
company sees first name, niveau and team only, and never anyone outside its own teams."""

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from backend.allocations.models import Assignment
from backend.core.errors import NotFound
from backend.learning.models import Moment
from backend.learning.selectors.company_feedback import (
    CompanyFeedbackRow,
    company_feedback_for_contact,
    company_feedback_of,
    feedback_for_company,
    open_company_feedback_for_schools,
)
from backend.learning.services.company_feedback import company_feedback_submit
from tests.backend.learning.factories import placement
from tests.backend.learning.feedback_factories import levels_for, open_feedback
from tests.factories import student

pytestmark = pytest.mark.django_db

D = dt.timedelta


def _classmates(cast, *names):
    return [student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name=n) for n in names]


def _submit(feedback, placed, actor, now=None):
    return company_feedback_submit(
        feedback=feedback,
        actor=actor,
        levels=levels_for(placed),
        comment="Prima",
        now=now or timezone.now(),
    )


def test_the_company_sees_open_requests_first_soonest_due_first(cast):
    today = timezone.localdate()
    lotte, daan = _classmates(cast, "Lotte", "Daan")
    placed = placement(cast, students=[cast.sanne, lotte, daan])
    done = open_feedback(placed, student=daan, due_on=today - D(days=30))
    _submit(done, placed, cast.jan)
    open_feedback(placed, student=cast.sanne, due_on=today + D(days=5))
    open_feedback(placed, student=lotte, due_on=today - D(days=1))
    rows = feedback_for_company(cast.jan, today=today)
    assert [(r.first_name, r.is_open, r.overdue) for r in rows] == [
        ("Lotte", True, True),
        ("Sanne", True, False),
        ("Daan", False, False),
    ]
    assert rows[1].niveau == 2
    assert rows[1].team == "Webshop voor de bakkerij"
    assert rows[1].moment_label == "eindbeoordeling"


def test_a_row_holds_first_name_niveau_and_team_and_nothing_more():
    names = {field.name for field in dataclasses.fields(CompanyFeedbackRow)}
    assert names == {
        "pk",
        "first_name",
        "niveau",
        "team",
        "moment",
        "moment_label",
        "due_on",
        "submitted_at",
        "overdue",
    }


def test_eva_sees_nothing_of_jans_team(cast):
    open_feedback(placement(cast))
    assert feedback_for_company(cast.eva) == []


def test_school_staff_and_students_see_no_company_list(cast):
    open_feedback(placement(cast))
    for person in (cast.devries, cast.bos, cast.sanne, cast.ahmed, cast.peters, cast.fenna):
        assert feedback_for_company(person) == []


def test_ahmed_is_never_listed(cast):
    placed = placement(cast)
    open_feedback(placed)
    # A request about Ahmed on Jan's offer, while Ahmed is not on Jan's team, and Ahmed on a
    # team of Pixelfabriek.
    stray = open_feedback(placed, student=cast.ahmed)
    open_feedback(placement(cast, students=[cast.ahmed], owner=cast.pixel, contact=cast.eva))
    assert [r.first_name for r in feedback_for_company(cast.jan)] == ["Sanne"]
    with pytest.raises(NotFound):
        company_feedback_for_contact(cast.jan, stray.pk)


def test_a_student_moved_off_the_team_drops_out_of_the_list(cast):
    placed = placement(cast)
    feedback = open_feedback(placed)
    Assignment.objects.filter(student=cast.sanne).delete()
    assert feedback_for_company(cast.jan) == []
    with pytest.raises(NotFound):
        company_feedback_for_contact(cast.jan, feedback.pk)
    assert list(open_company_feedback_for_schools([cast.vista.pk])) == []


def test_the_company_list_takes_a_fixed_number_of_queries(cast, django_assert_num_queries):
    names = [f"Student{i}" for i in range(6)]
    placed = placement(cast, students=[cast.sanne, *_classmates(cast, *names)])
    for i, person in enumerate(placed.students):
        feedback = open_feedback(placed, student=person, moment=Moment.MIDPOINT)
        if i % 2:
            _submit(feedback, placed, cast.jan)
        open_feedback(placed, student=person)
    feedback_for_company(cast.jan)  # the memberships are read once per request
    with django_assert_num_queries(2):
        rows = feedback_for_company(cast.jan)
    assert len(rows) == 14


def test_the_form_shows_the_offers_werkprocessen_and_the_student(cast):
    placed = placement(cast)
    feedback = open_feedback(placed)
    item = company_feedback_for_contact(cast.jan, feedback.pk)
    assert (item.first_name, item.niveau, item.team) == ("Sanne", 2, "Webshop voor de bakkerij")
    assert [w.code for w in item.werkprocessen] == ["B1-K1-W1", "P1-K1-W1"]
    with pytest.raises(NotFound):
        company_feedback_for_contact(cast.eva, feedback.pk)
    with pytest.raises(NotFound):
        company_feedback_for_contact(cast.jan, 987654)


def test_company_feedback_of_lists_submitted_feedback_with_its_ratings(
    cast, django_assert_num_queries
):
    placed = placement(cast)
    _submit(open_feedback(placed, moment=Moment.MIDPOINT), placed, cast.jan)
    open_feedback(placed)  # still open: not listed
    other = placement(cast, title="Kassasysteem")
    _submit(open_feedback(other), other, cast.jan)
    with django_assert_num_queries(2):
        feedback = list(company_feedback_of(cast.sanne.pk))
        levels = [[(r.werkproces.code, r.level) for r in f.ratings.all()] for f in feedback]
        companies = [f.offer.owner.name for f in feedback]
    assert [f.offer for f in feedback] == [placed.offer, other.offer]
    assert levels == [[("B1-K1-W1", "voldoende"), ("P1-K1-W1", "voldoende")]] * 2
    assert companies == ["Bakkerij Jansen"] * 2
    assert [f.offer for f in company_feedback_of(cast.sanne.pk, other.offer.pk)] == [other.offer]
    assert list(company_feedback_of(cast.ahmed.pk)) == []


def test_open_feedback_for_schools_is_the_schools_own_students_most_overdue_first(cast):
    today = timezone.localdate()
    (lotte,) = _classmates(cast, "Lotte")
    placed = placement(cast, students=[cast.sanne, lotte, cast.ahmed])
    sanne = open_feedback(placed, due_on=today + D(days=3))
    late = open_feedback(placed, student=lotte, due_on=today - D(days=3))
    _submit(open_feedback(placed, student=lotte, moment=Moment.MIDPOINT), placed, cast.jan)
    ahmed = open_feedback(placed, student=cast.ahmed)
    assert list(open_company_feedback_for_schools([cast.vista.pk])) == [late, sanne]
    assert list(open_company_feedback_for_schools([cast.gilde.pk])) == [ahmed]
    assert list(open_company_feedback_for_schools([])) == []
