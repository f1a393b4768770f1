"""The coach's selectors: the class overview (sorted by the nearest exam or BPV date, filters,
counts), the company feedback that is missing, and the dashboard counts."""

import datetime as dt

from django.utils import timezone

from backend.accounts.models import StudentEnrolment
from backend.curriculum.models import ProgressLevel
from backend.learning.models import ReviewStatus
from backend.learning.selectors.coach import (
    NextDateKind,
    class_overview,
    feedback_requested_from_company,
    missing_feedback,
    overdue_feedback_count,
    pending_validation_count,
)
from tests.backend.learning.factories import placement
from tests.backend.learning.portfolio_factories import (
    company_feedback,
    self_assessment,
    validated_evidence,
    werkproces,
)
from tests.factories import student

TODAY = dt.date(2026, 3, 2)
# The user's memberships, count, page, four for open werkprocessen, validations, feedback, classes.
OVERVIEW_QUERIES = 10


def _vista(cast, first_name, **fields):
    return student(
        school=cast.vista, kwalificatie=cast.ict_niveau2, first_name=first_name, **fields
    )


def _names(overview):
    return [row.student.first_name for row in overview.rows]


def test_the_nearest_exam_or_bpv_date_comes_first_and_students_without_one_last(cast):
    day = dt.timedelta(days=1)
    StudentEnrolment.objects.filter(student=cast.sanne).update(exam_on=TODAY + 30 * day)
    _vista(cast, "Lotte", bpv_starts_on=TODAY + 3 * day, exam_on=TODAY + 60 * day)
    _vista(cast, "Daan", exam_on=TODAY - 5 * day, bpv_starts_on=TODAY + 10 * day)
    _vista(cast, "Noor")
    _vista(cast, "Bram", exam_on=TODAY - 1 * day)  # a past exam is no date ahead
    _vista(cast, "Eline", exam_on=TODAY)

    overview = class_overview(cast.devries, today=TODAY)

    rows = {row.student.first_name: row for row in overview.rows}
    assert _names(overview)[:4] == ["Eline", "Lotte", "Daan", "Sanne"]
    assert set(_names(overview)[4:]) == {"Bram", "Noor"}
    assert (rows["Eline"].next_on, rows["Eline"].next_kind) == (TODAY, NextDateKind.EXAM)
    assert (rows["Lotte"].next_on, rows["Lotte"].next_kind) == (TODAY + 3 * day, NextDateKind.BPV)
    assert (rows["Daan"].next_on, rows["Daan"].next_kind) == (TODAY + 10 * day, NextDateKind.BPV)
    assert (rows["Sanne"].next_on, rows["Sanne"].next_is_exam) == (TODAY + 30 * day, True)
    assert (rows["Bram"].next_on, rows["Bram"].next_kind) == (None, "")
    assert overview.count == 6


def test_each_row_counts_open_werkprocessen_pending_validations_and_open_feedback(cast):
    offer = placement(cast).offer
    w1, p1 = werkproces(cast, "B1-K1-W1"), werkproces(cast, "P1-K1-W1")
    validated_evidence(cast.sanne, w1, by=cast.devries)
    self_assessment(cast.sanne, offer, p1)  # submitted: waits for validation
    self_assessment(cast.sanne, offer, w1, status=ReviewStatus.VALIDATED)
    # A company's goed does not make the werkproces demonstrated.
    company_feedback(
        cast.sanne, offer, levels={p1: ProgressLevel.GOOD}, submitted_by=cast.jan, moment="midpoint"
    )
    company_feedback(cast.sanne, offer, due_on=TODAY - dt.timedelta(days=2))

    (row,) = class_overview(cast.devries, today=TODAY).rows

    assert row.open_werkprocessen == 2
    assert row.pending_validations == 1
    assert (row.open_feedback, row.overdue_feedback) == (1, 1)


def test_a_class_filter_ignores_case_and_mine_keeps_my_coachees(cast):
    StudentEnrolment.objects.filter(student=cast.sanne).update(
        class_code="ICT2A", coach=cast.devries
    )
    _vista(cast, "Lotte", class_code="ICT2B", coach=cast.devries)
    _vista(cast, "Daan", class_code="ICT2A", coach=cast.bos)

    assert _names(class_overview(cast.bos, class_code=" ict2a ", today=TODAY)) in (
        ["Sanne", "Daan"],
        ["Daan", "Sanne"],
    )
    assert sorted(_names(class_overview(cast.devries, mine=True, today=TODAY))) == [
        "Lotte",
        "Sanne",
    ]
    assert _names(class_overview(cast.devries, class_code="ICT2A", mine=True, today=TODAY)) == [
        "Sanne"
    ]
    overview = class_overview(cast.bos, today=TODAY)
    assert overview.classes == ["ICT2A", "ICT2B"]


def test_other_schools_and_companies_see_none_of_sanne(cast):
    assert _names(class_overview(cast.peters, today=TODAY)) == ["Ahmed"]
    for outsider in (cast.jan, cast.eva, cast.fenna, cast.sanne, cast.ahmed):
        overview = class_overview(outsider, today=TODAY)
        assert (overview.rows, overview.classes, overview.count) == ([], [], 0)


def test_the_class_overview_takes_a_fixed_number_of_queries(cast, django_assert_num_queries):
    offer = placement(cast).offer
    with django_assert_num_queries(OVERVIEW_QUERIES):
        class_overview(cast.devries, today=TODAY)

    others = [_vista(cast, f"Student {i}", class_code=f"K{i % 3}") for i in range(12)]
    placement(cast, students=others)
    for person in [cast.sanne, *others]:
        self_assessment(person, offer, werkproces(cast, "B1-K1-W1"))
        validated_evidence(person, werkproces(cast, "P1-K1-W1"), by=cast.devries)
        company_feedback(person, offer, due_on=TODAY - dt.timedelta(days=1))
    cast.devries.__dict__.pop("_koppel_memberships", None)  # as on a fresh request

    with django_assert_num_queries(OVERVIEW_QUERIES):
        overview = class_overview(cast.devries, today=TODAY)
    assert len(overview.rows) == 13
    assert {row.open_werkprocessen for row in overview.rows} == {2}


def test_the_overview_pages_by_fifty(cast):
    for i in range(51):
        _vista(cast, f"Student {i:02d}")

    first = class_overview(cast.bos, today=TODAY)
    second = class_overview(cast.bos, today=TODAY, page=2)

    assert (len(first.rows), len(second.rows), first.count) == (50, 2, 52)
    assert not {r.student.pk for r in first.rows} & {r.student.pk for r in second.rows}


def test_missing_feedback_lists_open_feedback_of_my_schools_most_overdue_first(cast):
    lotte = _vista(cast, "Lotte", coach=cast.devries)
    offer = placement(cast, students=[cast.sanne, lotte, cast.ahmed]).offer
    today = timezone.localdate()
    late = company_feedback(lotte, offer, due_on=today - dt.timedelta(days=4))
    soon = company_feedback(cast.sanne, offer, due_on=today + dt.timedelta(days=3))
    company_feedback(cast.sanne, offer, moment="midpoint", submitted_by=cast.jan)
    ahmeds = company_feedback(cast.ahmed, offer, due_on=today - dt.timedelta(days=9))

    assert list(missing_feedback(cast.bos)) == [late, soon]
    assert list(missing_feedback(cast.devries, mine=True)) == [late]
    assert list(missing_feedback(cast.peters)) == [ahmeds]
    assert list(missing_feedback(cast.jan)) == []


def test_the_dashboard_counts_are_per_school_and_per_company(cast):
    offer = placement(cast, students=[cast.sanne, cast.ahmed]).offer
    w1 = werkproces(cast, "B1-K1-W1")
    self_assessment(cast.sanne, offer, w1)
    self_assessment(cast.sanne, offer, werkproces(cast, "P1-K1-W1"), status=ReviewStatus.DRAFT)
    self_assessment(cast.ahmed, offer, w1)
    company_feedback(cast.sanne, offer, due_on=TODAY - dt.timedelta(days=1))
    company_feedback(cast.sanne, offer, moment="midpoint", due_on=TODAY + dt.timedelta(days=5))
    company_feedback(cast.ahmed, offer, due_on=TODAY + dt.timedelta(days=1))

    assert pending_validation_count(cast.devries) == 1
    assert pending_validation_count(cast.peters) == 1
    assert pending_validation_count(cast.jan) == 0
    assert overdue_feedback_count(cast.bos, today=TODAY) == 1
    assert overdue_feedback_count(cast.peters, today=TODAY) == 0
    requests = feedback_requested_from_company(cast.jan)
    assert (requests.students, requests.first_due_on) == (2, TODAY - dt.timedelta(days=1))
    assert feedback_requested_from_company(cast.eva).students == 0
    assert feedback_requested_from_company(cast.devries).students == 0
