import datetime as dt

import pytest

from backend.offers.models import Offer, OfferStatus
from backend.offers.selectors import (
    offer_status_summary,
    offers_visible_to,
    review_queue_filtered,
    review_queue_for,
)
from backend.offers.services import offer_review_start, offer_withdraw
from tests.factories import CompanyFactory, OfferFactory, SchoolFactory, UserFactory, member

S = OfferStatus


def _visible(user):
    return set(offers_visible_to(user))


def test_a_company_contact_sees_only_its_own_offers_in_every_state(cast, make_offer):
    own = {make_offer(status) for status in S.values}
    make_offer(S.PUBLISHED, owner=cast.pixel, contact=cast.eva)
    assert _visible(cast.jan) == own


def test_school_staff_see_submitted_offers_but_no_drafts(cast, make_offer):
    draft = make_offer(S.DRAFT)
    shown = {make_offer(status) for status in S.values if status != S.DRAFT}
    assert draft not in _visible(cast.devries)
    assert _visible(cast.devries) == shown
    assert _visible(cast.bos) == shown


def test_staff_do_not_see_a_draft_that_was_withdrawn_before_it_was_submitted(cast, make_offer, now):
    offer = make_offer(S.DRAFT)
    offer_withdraw(actor=cast.jan, offer=offer, now=now)
    assert _visible(cast.bos) == set()
    assert _visible(cast.jan) == {offer}


def test_teachers_see_offers_submitted_to_their_consortium_but_not_to_another_school(
    cast, make_offer
):
    to_consortium = make_offer(S.SUBMITTED, schools=[], consortium=cast.consortium)
    to_vista = make_offer(S.SUBMITTED, schools=[cast.vista])
    assert _visible(cast.peters) == {to_consortium}
    assert _visible(cast.devries) == {to_consortium, to_vista}


def test_a_teacher_of_a_school_outside_the_consortium_sees_nothing(cast, make_offer):
    make_offer(S.PUBLISHED, schools=[], consortium=cast.consortium)
    outsider = UserFactory()
    member(outsider, SchoolFactory(), "teacher")
    assert _visible(outsider) == set()


def test_students_see_published_and_running_offers_open_to_their_programme_and_level(
    cast, make_offer
):
    published = make_offer(S.PUBLISHED)
    running = make_offer(S.RUNNING, schools=[], consortium=cast.consortium)
    for_my_programme = make_offer(S.PUBLISHED)
    for_my_programme.programmes.set([cast.ict_niveau2, cast.ict_niveau4])
    # Not for Sanne: other states, other programme, other level, other school.
    for status in (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.REJECTED, S.COMPLETED, S.WITHDRAWN):
        make_offer(status)
    make_offer(S.PUBLISHED).programmes.set([cast.ict_niveau4])
    make_offer(S.PUBLISHED, niveau_min=3, niveau_max=4)
    make_offer(S.PUBLISHED, schools=[cast.gilde])

    assert _visible(cast.sanne) == {published, running, for_my_programme}


def test_nobody_else_sees_anything(cast, make_offer):
    make_offer(S.PUBLISHED)
    stranger = UserFactory()
    member(stranger, CompanyFactory(), "company_contact")
    assert _visible(UserFactory()) == set()
    assert _visible(stranger) == set()


def test_the_review_queue_holds_waiting_offers_oldest_first(cast, make_offer, now):
    newer = make_offer(S.SUBMITTED, status_changed_at=now - dt.timedelta(days=1))
    older = make_offer(S.IN_REVIEW, status_changed_at=now - dt.timedelta(days=9))
    make_offer(S.PUBLISHED)
    make_offer(S.SUBMITTED, schools=[cast.gilde])

    assert list(review_queue_for(cast.devries)) == [older, newer]
    assert list(review_queue_for(cast.jan)) == []
    assert list(review_queue_for(cast.sanne)) == []


def test_an_undated_waiting_offer_waits_since_it_was_made(cast, make_offer, now):
    dated = make_offer(S.SUBMITTED, status_changed_at=now - dt.timedelta(days=5))
    undated = make_offer(S.SUBMITTED, status_changed_at=None)
    Offer.objects.filter(pk=undated.pk).update(created_at=now - dt.timedelta(days=9))
    recent = make_offer(S.IN_REVIEW, status_changed_at=None)
    Offer.objects.filter(pk=recent.pk).update(created_at=now - dt.timedelta(days=1))

    assert list(review_queue_for(cast.devries)) == [undated, dated, recent]
    assert list(review_queue_filtered(cast.devries)) == [undated, dated, recent]


def test_the_status_summary_says_since_when_and_by_whom(cast, make_offer, now):
    offer = make_offer(S.SUBMITTED)
    offer_review_start(actor=cast.devries, offer=offer, now=now - dt.timedelta(days=3))
    offer.refresh_from_db()

    summary = offer_status_summary(offer, now)

    assert summary.text == "In beoordeling sinds 3 dagen, door Karin de Vries"
    assert summary.next_step == (
        "De school beslist: publiceren, om een aanpassing vragen of afwijzen."
    )
    assert summary.expected_by == dt.date(2026, 3, 6)
    assert summary.overdue is False
    assert offer_status_summary(offer, now + dt.timedelta(days=5)).overdue is True


def test_the_status_summary_of_a_draft_has_no_date(cast, make_offer, now):
    summary = offer_status_summary(make_offer(S.DRAFT), now)
    assert (summary.text, summary.days, summary.expected_by) == ("Concept", None, None)


@pytest.mark.parametrize("rows", [1, 8])
def test_visibility_costs_a_fixed_number_of_queries(
    cast, make_offer, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        make_offer(S.PUBLISHED)
    OfferFactory(status=S.PUBLISHED)
    sanne = type(cast.sanne).objects.get(pk=cast.sanne.pk)
    # memberships, enrolment, consortia of her school, the offers, their history
    with django_assert_max_num_queries(5):
        offers = list(offers_visible_to(sanne))
        [offer.owner.name for offer in offers]
    assert len(offers) == rows


def test_status_summaries_of_a_page_of_offers_cost_no_query_per_offer(
    cast, make_offer, now, django_assert_num_queries
):
    for status in (S.RUNNING, S.COMPLETED, S.SUBMITTED, S.IN_REVIEW, S.WITHDRAWN):
        make_offer(status)
    jan = type(cast.jan).objects.get(pk=cast.jan.pk)
    with django_assert_num_queries(3):  # memberships, offers, their history
        texts = [offer_status_summary(o, now).text for o in offers_visible_to(jan)]
    assert len(texts) == 5
    assert "Afgerond sinds 3 dagen, door Marleen Bos" in texts


def test_the_next_step_of_a_published_offer_is_due_at_its_start(cast, make_offer, now):
    published = offer_status_summary(make_offer(S.PUBLISHED), now)
    assert (published.expected_by, published.overdue) == (dt.date(2026, 4, 15), False)
    running = make_offer(S.RUNNING, starts_on=dt.date(2026, 2, 1), ends_on=dt.date(2026, 3, 1))
    late = offer_status_summary(running, now)
    assert (late.expected_by, late.overdue) == (dt.date(2026, 3, 1), True)
    assert late.next_step == "De coördinator rondt het af als het klaar is."
