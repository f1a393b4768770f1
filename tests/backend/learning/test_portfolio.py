"""The portfolio selector: the coverage matrix of Sanne's kwalificatie (B1-K1-W1, B1-K1-W2 in the
basis kerntaak B1-K1, P1-K1-W1 in the profiel kerntaak P1-K1) from evidence at every stage."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.errors import NotFound
from backend.curriculum.models import ProgressLevel
from backend.learning.models import Moment, ReviewStatus
from backend.learning.selectors.portfolio import (
    CellState,
    more_evidence_requested,
    portfolio_of,
    student_for_staff,
    werkprocessen_awaiting_self_assessment,
)
from tests.backend.learning.factories import placement
from tests.backend.learning.portfolio_factories import (
    badge,
    company_feedback,
    self_assessment,
    unvalidated_evidence,
    validated_evidence,
    werkproces,
)
from tests.factories import UserFactory

PORTFOLIO_QUERIES = 8


def _cells(portfolio):
    return {cell.werkproces.code: cell for cell in portfolio.cells}


def _states(portfolio):
    return {code: cell.state for code, cell in _cells(portfolio).items()}


def test_an_empty_portfolio_lists_every_werkproces_as_open_basis_before_profiel(cast):
    portfolio = portfolio_of(cast.sanne)

    assert [g.kerntaak.code for g in portfolio.kerntaken] == ["B1-K1", "P1-K1"]
    assert [g.kerntaak.code for g in portfolio.basis] == ["B1-K1"]
    assert [g.kerntaak.code for g in portfolio.profiel] == ["P1-K1"]
    assert [[c.werkproces.code for c in g.cells] for g in portfolio.kerntaken] == [
        ["B1-K1-W1", "B1-K1-W2"],
        ["P1-K1-W1"],
    ]
    assert set(_states(portfolio).values()) == {CellState.OPEN}
    assert (portfolio.demonstrated, portfolio.total, portfolio.pending) == (0, 3, 0)
    assert [c.werkproces.code for c in portfolio.open_cells] == ["B1-K1-W1", "B1-K1-W2", "P1-K1-W1"]
    assert portfolio.kwalificatie == cast.ict_niveau2


def test_a_placement_shows_its_activity_and_makes_the_mapped_werkprocessen_practising(cast):
    offer = placement(cast).offer

    cells = _cells(portfolio_of(cast.sanne))

    assert cells["B1-K1-W1"].state == CellState.PRACTISING
    assert cells["B1-K1-W1"].activities == [offer]
    assert cells["P1-K1-W1"].activities == [offer]
    assert cells["B1-K1-W2"].state == CellState.OPEN
    assert cells["B1-K1-W2"].activities == []


def test_a_company_rating_of_goed_shows_but_does_not_count(cast):
    offer = placement(cast).offer
    w1 = werkproces(cast, "B1-K1-W1")
    company_feedback(cast.sanne, offer, levels={w1: ProgressLevel.GOOD}, submitted_by=cast.jan)

    portfolio = portfolio_of(cast.sanne)
    cell = _cells(portfolio)["B1-K1-W1"]

    assert cell.state == CellState.PRACTISING
    assert [(r.level, r.offer, r.moment_label) for r in cell.ratings] == [
        ("goed", offer, "eindbeoordeling")
    ]
    assert portfolio.demonstrated == 0


def test_an_open_company_feedback_has_no_ratings_to_show(cast):
    offer = placement(cast).offer
    company_feedback(cast.sanne, offer)

    assert _cells(portfolio_of(cast.sanne))["B1-K1-W1"].ratings == []


def test_a_submitted_self_assessment_is_in_behandeling_and_a_draft_is_practising(cast):
    offer = placement(cast).offer
    submitted = self_assessment(cast.sanne, offer, werkproces(cast, "B1-K1-W1"))
    self_assessment(cast.sanne, offer, werkproces(cast, "P1-K1-W1"), status=ReviewStatus.DRAFT)

    portfolio = portfolio_of(cast.sanne)
    cells = _cells(portfolio)

    assert cells["B1-K1-W1"].state == CellState.PENDING
    assert cells["B1-K1-W1"].state_label == "in behandeling"
    assert [a.pk for a in cells["B1-K1-W1"].pending_assessments] == [submitted.pk]
    assert cells["P1-K1-W1"].state == CellState.PRACTISING
    assert cells["P1-K1-W1"].pending_assessments == []
    assert (portfolio.demonstrated, portfolio.pending) == (0, 1)


def test_only_validated_evidence_at_voldoende_or_goed_counts_as_demonstrated(cast):
    offer = placement(cast).offer
    unvalidated_evidence(cast.sanne, werkproces(cast, "B1-K1-W1"), by=cast.devries)
    validated_evidence(
        cast.sanne, werkproces(cast, "B1-K1-W2"), by=cast.devries, level=ProgressLevel.PRACTISING
    )
    validated_evidence(cast.sanne, werkproces(cast, "P1-K1-W1"), by=cast.devries, offer=offer)

    portfolio = portfolio_of(cast.sanne)
    cells = _cells(portfolio)

    assert cells["B1-K1-W1"].state == CellState.PRACTISING
    assert [e.validated for e in cells["B1-K1-W1"].evidence] == [False]
    assert cells["B1-K1-W2"].state == CellState.PRACTISING
    assert cells["P1-K1-W1"].state == CellState.DEMONSTRATED
    assert cells["P1-K1-W1"].level == "voldoende"
    assert cells["P1-K1-W1"].evidence[0].validated_by == cast.devries
    assert portfolio.demonstrated == 1
    assert [c.werkproces.code for c in portfolio.open_cells] == ["B1-K1-W1", "B1-K1-W2"]


def test_the_cell_shows_the_best_validated_level(cast):
    w1 = werkproces(cast, "B1-K1-W1")
    validated_evidence(cast.sanne, w1, by=cast.devries, level=ProgressLevel.GOOD)
    validated_evidence(cast.sanne, w1, by=cast.bos, level=ProgressLevel.SUFFICIENT)

    cell = _cells(portfolio_of(cast.sanne))["B1-K1-W1"]

    assert (cell.state, cell.level, cell.level_label) == (CellState.DEMONSTRATED, "goed", "goed")


def test_demonstrated_beats_a_pending_self_assessment_from_another_activity(cast):
    offer = placement(cast).offer
    w1 = werkproces(cast, "B1-K1-W1")
    validated_evidence(cast.sanne, w1, by=cast.devries)
    self_assessment(cast.sanne, offer, w1)

    cell = _cells(portfolio_of(cast.sanne))["B1-K1-W1"]

    assert cell.state == CellState.DEMONSTRATED
    assert len(cell.pending_assessments) == 1


def test_a_kerntaak_is_complete_when_every_werkproces_is_demonstrated(cast):
    validated_evidence(cast.sanne, werkproces(cast, "B1-K1-W1"), by=cast.devries)
    basis = portfolio_of(cast.sanne).kerntaken[0]
    assert (basis.demonstrated, basis.total, basis.is_complete) == (1, 2, False)

    validated_evidence(cast.sanne, werkproces(cast, "B1-K1-W2"), by=cast.devries)
    basis, profiel = portfolio_of(cast.sanne).kerntaken

    assert (basis.demonstrated, basis.is_complete, basis.may_get_badge) == (2, True, True)
    assert (profiel.is_complete, profiel.may_get_badge) == (False, False)
    assert all(cell.may_get_badge for cell in basis.cells)


def test_an_active_badge_closes_the_badge_form_and_a_revoked_one_does_not(cast):
    w1, w2 = werkproces(cast, "B1-K1-W1"), werkproces(cast, "B1-K1-W2")
    for w in (w1, w2):
        validated_evidence(cast.sanne, w, by=cast.devries)
    active = badge(cast, cast.sanne, werkproces=w1)
    badge(cast, cast.sanne, werkproces=w2, revoked=True)
    badge(cast, cast.sanne, kerntaak=w1.kerntaak, revoked=True)

    basis = portfolio_of(cast.sanne).kerntaken[0]
    cells = {c.werkproces.code: c for c in basis.cells}

    assert cells["B1-K1-W1"].badge == active
    assert cells["B1-K1-W1"].may_get_badge is False
    assert cells["B1-K1-W2"].badge is None
    assert cells["B1-K1-W2"].may_get_badge is True
    assert basis.badge is None
    assert basis.may_get_badge is True

    kerntaak_badge = badge(cast, cast.sanne, kerntaak=w1.kerntaak)
    basis = portfolio_of(cast.sanne).kerntaken[0]
    assert (basis.badge, basis.may_get_badge) == (kerntaak_badge, False)


def test_another_students_evidence_never_shows_in_sannes_portfolio(cast):
    offer = placement(cast, students=[cast.sanne, cast.ahmed]).offer
    w1 = werkproces(cast, "B1-K1-W1")
    validated_evidence(cast.ahmed, w1, by=cast.peters)
    self_assessment(cast.ahmed, offer, w1)
    company_feedback(cast.ahmed, offer, levels={w1: ProgressLevel.GOOD}, submitted_by=cast.jan)
    badge(cast, cast.ahmed, werkproces=w1)

    cell = _cells(portfolio_of(cast.sanne))["B1-K1-W1"]

    assert (cell.evidence, cell.ratings, cell.assessments, cell.badge) == ([], [], [], None)
    assert cell.state == CellState.PRACTISING  # only because Sanne is placed on the offer


def test_a_person_without_an_enrolment_gets_an_empty_portfolio(cast):
    portfolio = portfolio_of(cast.jan)

    assert (portfolio.enrolment, portfolio.kerntaken, portfolio.total) == (None, [], 0)


def test_portfolio_of_takes_a_fixed_number_of_queries_however_much_evidence(
    cast, django_assert_num_queries
):
    # One activity with one self-assessment (its attachments are the eighth query)...
    first = placement(cast, title="Webshop").offer
    self_assessment(cast.sanne, first, werkproces(cast, "B1-K1-W1"))
    with django_assert_num_queries(PORTFOLIO_QUERIES):
        portfolio_of(cast.sanne)

    # ...or three activities with evidence, ratings and badges for everything.
    offers = [first, placement(cast, title="Kassa").offer, placement(cast, title="Voorraad").offer]
    for offer in offers:
        for mapping in offer.werkproces_mappings.all():
            if offer != first or mapping.werkproces.code != "B1-K1-W1":
                self_assessment(cast.sanne, offer, mapping.werkproces)
            company_feedback(
                cast.sanne,
                offer,
                levels={mapping.werkproces: ProgressLevel.GOOD},
                submitted_by=cast.jan,
                moment=Moment.MIDPOINT if mapping.werkproces.code == "P1-K1-W1" else Moment.FINAL,
            )
    for code in ("B1-K1-W1", "B1-K1-W2", "P1-K1-W1"):
        validated_evidence(cast.sanne, werkproces(cast, code), by=cast.devries)
        badge(cast, cast.sanne, werkproces=werkproces(cast, code))

    with django_assert_num_queries(PORTFOLIO_QUERIES):
        portfolio = portfolio_of(cast.sanne)
    cell = _cells(portfolio)["B1-K1-W1"]
    assert len(cell.activities) == 3
    assert len(cell.assessments) == 3
    assert len(cell.ratings) == 3


def test_staff_of_the_students_school_get_the_student(cast):
    assert student_for_staff(cast.devries, cast.sanne.pk) == cast.sanne
    assert student_for_staff(cast.bos, cast.sanne.pk) == cast.sanne


@pytest.mark.parametrize("who", ["peters", "jan", "eva", "fenna", "ahmed", "sanne"])
def test_nobody_else_gets_sanne_as_a_student_of_theirs(cast, who):
    with pytest.raises(NotFound) as error:
        student_for_staff(getattr(cast, who), cast.sanne.pk)
    assert error.value.message == (
        "Deze student bestaat niet of staat niet ingeschreven bij uw school."
    )


def test_an_unknown_student_id_is_not_found(cast):
    with pytest.raises(NotFound):
        student_for_staff(cast.devries, UserFactory().pk + 1000)


def test_werkprocessen_wait_for_a_self_assessment_until_it_is_submitted(cast):
    today = timezone.localdate()
    offer = placement(cast).offer
    assert werkprocessen_awaiting_self_assessment(cast.sanne, today=today) == 2

    self_assessment(cast.sanne, offer, werkproces(cast, "B1-K1-W1"), status=ReviewStatus.DRAFT)
    assert werkprocessen_awaiting_self_assessment(cast.sanne, today=today) == 2

    self_assessment(cast.sanne, offer, werkproces(cast, "P1-K1-W1"))
    assert werkprocessen_awaiting_self_assessment(cast.sanne, today=today) == 1
    assert werkprocessen_awaiting_self_assessment(cast.ahmed, today=today) == 0


def test_an_activity_that_has_not_started_waits_for_nothing_yet(cast):
    today = timezone.localdate()
    placement(
        cast,
        starts_on=today + dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=40),
    )

    assert werkprocessen_awaiting_self_assessment(cast.sanne, today=today) == 0


def test_more_evidence_requested_lists_only_the_students_own(cast):
    offer = placement(cast, students=[cast.sanne, cast.ahmed]).offer
    w1 = werkproces(cast, "B1-K1-W1")
    mine = self_assessment(cast.sanne, offer, w1, status=ReviewStatus.MORE_REQUESTED)
    self_assessment(cast.ahmed, offer, w1, status=ReviewStatus.MORE_REQUESTED)

    assert list(more_evidence_requested(cast.sanne)) == [mine]
