"""The offers area of the landing page (frontend.dashboard.offers), built on the offers
selectors: who sees which items, with which words and urgency."""

import datetime as dt

from django.urls import reverse

from backend.offers.models import OfferStatus
from backend.offers.selectors import offers_needing_company, offers_to_complete, offers_to_start
from frontend.dashboard.offers import items_for as dashboard_items_for
from tests.factories import UserFactory

S = OfferStatus


def test_a_teacher_dashboard_lists_offers_waiting_for_review(cast, make_offer, now):
    offer = make_offer(S.SUBMITTED, status_changed_at=now - dt.timedelta(days=8))
    items = dashboard_items_for(cast.devries, now=now)
    assert [(item.title, item.urgency, item.area) for item in items] == [
        (f"Beoordeel “{offer.title}”", 2, "offers")
    ]
    assert items[0].detail == "Bakkerij Jansen wacht 8 dagen op een besluit"


def test_a_company_dashboard_lists_change_requests_and_recent_rejections(cast, make_offer, now):
    changes = make_offer(S.CHANGES_REQUESTED, change_request="Voeg een planning toe.")
    rejected = make_offer(S.REJECTED, rejection_reason="Geen leerwaarde.")
    make_offer(S.REJECTED, status_changed_at=now - dt.timedelta(days=90))
    make_offer(S.PUBLISHED)

    items = dashboard_items_for(cast.jan, now=now)

    assert [(item.title, item.detail, item.urgency) for item in items] == [
        (f"Pas “{changes.title}” aan en dien het opnieuw in", "Voeg een planning toe.", 1),
        (f"“{rejected.title}” is afgewezen", "Geen leerwaarde.", 0),
    ]


def test_a_coordinator_dashboard_lists_offers_to_start_and_to_complete(cast, make_offer, now):
    to_start = make_offer(S.PUBLISHED, starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 4, 1))
    to_complete = make_offer(S.RUNNING, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 2, 1))
    make_offer(S.PUBLISHED, starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 6, 1))

    titles = [item.title for item in dashboard_items_for(cast.bos, now=now)]

    assert titles == [
        f"Start “{to_start.title}”: het begint op 1 maart 2026",
        f"Rond “{to_complete.title}” af: het is geëindigd op 1 februari 2026",
    ]


def test_students_and_strangers_have_no_offer_items(cast, make_offer, now):
    make_offer(S.PUBLISHED)
    assert dashboard_items_for(cast.sanne, now=now) == []
    assert dashboard_items_for(UserFactory(), now=now) == []


def test_the_selectors_behind_the_items_return_offers_only_to_their_people(cast, make_offer, now):
    changes = make_offer(S.CHANGES_REQUESTED)
    to_start = make_offer(S.PUBLISHED, starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 4, 1))

    assert list(offers_needing_company(cast.jan, now=now)) == [changes]
    assert list(offers_needing_company(cast.bos, now=now)) == []
    assert list(offers_to_start(cast.bos, today=now.date())) == [to_start]
    assert list(offers_to_start(cast.jan, today=now.date())) == []
    assert list(offers_to_complete(cast.bos, today=now.date())) == []


def test_each_item_links_to_the_offer_page(cast, make_offer, now):
    offer = make_offer(S.SUBMITTED)
    [item] = dashboard_items_for(cast.devries, now=now)
    assert item.url == reverse("frontend:offer-detail", args=[offer.pk])
