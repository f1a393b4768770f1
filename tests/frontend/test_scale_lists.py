"""The review queue and the coverage page cost what they show, not what exists: paged and
filtered in SQL, the same number of queries at 5 and 60 offers (3 and 40 challenges per
werkproces), and the coverage page names only the first few challenges per werkproces."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.offers.models import Coverage, Offer, OfferKind, OfferStatus, WerkprocesMapping
from backend.offers.services.coverage import coverage_sync_offer
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


def _submitted(cast, *, days=3, **fields):
    offer = OfferFactory(
        owner=cast.bakkerij, contact=cast.jan, status=OfferStatus.SUBMITTED, **fields
    )
    offer.schools.set([cast.vista])
    Offer.objects.filter(pk=offer.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=days)
    )
    return offer


def _queue(client, **params):
    return client.get(reverse("frontend:review-queue"), params)


# --- review queue --------------------------------------------------------------------------------


def test_the_review_queue_shows_25_per_page_with_the_range_and_page_links(cast, page_client):
    for n in range(30):
        _submitted(cast, title=f"Aanbod {n:02d}", days=40 - n)
    client = page_client(cast.devries)

    first = _queue(client).content.decode()
    second = _queue(client, pagina="2").content.decode()

    assert "1–25 van 30" in first
    assert "Aanbod 00" in first
    assert "Aanbod 24" in first
    assert "Aanbod 25" not in first
    assert 'href="?pagina=2" rel="next">Volgende' in first
    assert "Vorige" not in first
    assert "26–30 van 30" in second
    assert "Aanbod 25" in second
    assert "Aanbod 29" in second
    assert "Aanbod 24" not in second
    assert 'href="?pagina=1" rel="prev">Vorige' in second


@pytest.mark.parametrize("raw", ["0", "-1", "3", "abc", "99999999999999999999999", "²"])
def test_a_page_that_does_not_exist_shows_page_one_with_a_message(cast, page_client, raw):
    _submitted(cast, title="Enige")
    response = _queue(page_client(cast.devries), pagina=raw)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enige" in html
    assert "bestaat niet; er zijn 1 pagina&#x27;s. U ziet pagina 1." in html


def test_the_overdue_offers_come_first_and_the_overdue_filter_keeps_only_them(cast, page_client):
    _submitted(cast, title="Recent", days=1)
    _submitted(cast, title="Te laat", days=10)
    client = page_client(cast.devries)

    html = _queue(client).content.decode()
    overdue_only = _queue(client, te_laat="1").content.decode()

    assert html.index("Te laat") < html.index("Recent")
    assert "Te laat" in overdue_only
    assert "Recent" not in overdue_only
    assert "1–1 van 1" in overdue_only


def test_the_review_queue_filters_by_status_kind_and_text(cast, page_client):
    _submitted(cast, title="Webshop bouwen")
    _submitted(cast, title="Gastles brood", kind=OfferKind.GUEST_LESSON)
    back = _submitted(cast, title="Terug bij bedrijf")
    Offer.objects.filter(pk=back.pk).update(status=OfferStatus.CHANGES_REQUESTED)
    client = page_client(cast.devries)

    default = _queue(client).content.decode()
    changes = _queue(client, status="changes_requested").content.decode()
    lessons = _queue(client, soort="guest_lesson").content.decode()
    search = _queue(client, q="webSHOP").content.decode()
    by_company = _queue(client, q=cast.bakkerij.name[:6]).content.decode()

    assert "Terug bij bedrijf" not in default
    assert "Webshop bouwen" in default
    assert "Terug bij bedrijf" in changes
    assert "Webshop bouwen" not in changes
    assert "Gastles brood" in lessons
    assert "Webshop bouwen" not in lessons
    assert "Webshop bouwen" in search
    assert "Gastles brood" not in search
    assert "Webshop bouwen" in by_company
    assert "Gastles brood" in by_company


def test_the_page_links_keep_the_filters(cast, page_client):
    for n in range(26):
        _submitted(cast, title=f"Webshop {n:02d}")
    html = _queue(page_client(cast.devries), q="Webshop", soort="challenge").content.decode()
    assert 'href="?soort=challenge&amp;q=Webshop&amp;pagina=2"' in html


def test_unknown_filter_values_are_named_and_ignored(cast, page_client):
    _submitted(cast, title="Blijft zichtbaar")
    response = _queue(page_client(cast.devries), status="published", soort="x" * 500, q="y" * 300)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Onbekende status &#x27;published&#x27;; u ziet alle statussen." in html
    assert "Onbekende soort &#x27;" + "x" * 40 + "&#x27;; u ziet alle soorten." in html
    assert "De zoektekst is ingekort tot 100 tekens." in html


def test_the_filtered_queue_still_shows_only_the_own_schools_offers(cast, page_client):
    _submitted(cast, title="Voor Vista")
    html = _queue(page_client(cast.peters), q="Vista", status="submitted").content.decode()
    assert "Voor Vista" not in html


def test_the_review_queue_costs_the_same_queries_at_5_and_60_offers(
    cast, page_client, django_assert_max_num_queries
):
    client = page_client(cast.devries)
    url = reverse("frontend:review-queue")
    params = {"te_laat": "1", "q": "Aanbod"}
    client.get(url)  # the session is loaded once

    def measure(first, last):
        for n in range(first, last):
            _submitted(cast, title=f"Aanbod {n:02d}", days=8 + n % 12)
        with django_assert_max_num_queries(12) as captured:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(captured.captured_queries), len(response.content), response.content.decode()

    small, _size, _html = measure(0, 5)
    large, size, html = measure(5, 60)
    assert small == large
    assert "1–25 van 60" in html
    # A page of 25 rows, whatever the queue holds: the 60th offer adds no bytes to page 1.
    _more, same_size, _ = measure(60, 61)
    assert abs(same_size - size) < 100


# --- coverage ------------------------------------------------------------------------------------


def _challenges(cast, werkproces, count, *, prefix="Uitdaging"):
    for n in range(count):
        offer = OfferFactory(
            owner=cast.bakkerij,
            contact=cast.jan,
            status=OfferStatus.PUBLISHED,
            title=f"{prefix} {n:02d}",
            niveau_min=2,
            niveau_max=2,
        )
        offer.schools.set([cast.vista])
        WerkprocesMapping.objects.create(
            offer=offer,
            werkproces=werkproces,
            coverage=Coverage.PARTIAL if n % 2 else Coverage.FULL,
            mapped_by=cast.devries,
        )
        coverage_sync_offer(offer.pk)  # made past the services: counted as they count


def test_the_coverage_page_counts_per_werkproces_and_names_the_first_five(cast, page_client):
    programme = cast.ict_niveau2
    werkproces = programme.werkprocessen().get(code="B1-K1-W1")
    _challenges(cast, werkproces, 7)
    response = page_client(cast.devries).get(
        reverse("frontend:coverage"), {"opleiding": programme.pk}
    )
    html = response.content.decode()

    row = next(r for r in response.context["report"].rows if r.werkproces == werkproces)
    assert (row.count, row.fully, row.more) == (7, 4, 2)
    assert [c.title for c in row.top] == [f"Uitdaging {n:02d}" for n in range(5)]
    assert "Uitdaging 04" in html
    assert "Uitdaging 05" not in html
    assert "Uitdaging 06" not in html
    url = (
        reverse("frontend:coverage-werkproces", args=[werkproces.pk]) + f"?opleiding={programme.pk}"
    )
    assert f'href="{url}" hx-get="{url}"' in html
    assert "toon alle 7" in html
    assert html.count('class="cell-gap"') == 2
    assert (
        '<caption><span class="code">B1-K1</span> Kerntaak B1-K1 — 1 werkproces niet gedekt' in html
    )


def test_the_full_list_of_one_werkproces_loads_on_demand_paged(cast, page_client):
    programme = cast.ict_niveau2
    werkproces = programme.werkprocessen().get(code="B1-K1-W1")
    _challenges(cast, werkproces, 27)
    client = page_client(cast.devries)
    url = reverse("frontend:coverage-werkproces", args=[werkproces.pk])

    partial = client.get(url, {"opleiding": programme.pk}, HTTP_HX_REQUEST="true").content.decode()
    page = client.get(url, {"opleiding": programme.pk, "pagina": "2"}).content.decode()

    assert "<html" not in partial
    assert "Uitdaging 05" in partial
    assert "Uitdaging 24" in partial
    assert "Uitdaging 25" not in partial
    assert "1–25 van 27" in partial
    assert "<html" in page
    assert "26–27 van 27" in page
    assert "Uitdaging 26" in page
    assert "Terug naar de dekking" in page


@pytest.mark.parametrize("pagina", ["0", "-3", "x", "999999999999999999999999"])
def test_a_bad_page_of_the_full_list_is_no_error(cast, page_client, pagina):
    programme = cast.ict_niveau2
    werkproces = programme.werkprocessen().get(code="B1-K1-W1")
    url = reverse("frontend:coverage-werkproces", args=[werkproces.pk])
    response = page_client(cast.devries).get(url, {"opleiding": programme.pk, "pagina": pagina})
    assert response.status_code == 200


def test_the_full_list_refuses_another_schools_programme_or_a_foreign_werkproces(cast, page_client):
    client = page_client(cast.devries)
    other = cast.ict_niveau4.werkprocessen().get(code="P1-K1-W1")
    own = cast.ict_niveau2.werkprocessen().first()
    url = reverse("frontend:coverage-werkproces", args=[own.pk])
    assert client.get(url, {"opleiding": cast.ict_niveau4.pk}).status_code == 404
    foreign = reverse("frontend:coverage-werkproces", args=[other.pk])
    assert client.get(foreign, {"opleiding": cast.ict_niveau2.pk}).status_code == 404


def test_the_niveau_filter_narrows_the_programmes(cast, page_client):
    response = page_client(cast.devries).get(reverse("frontend:coverage"), {"niveau": "7"})
    assert response.status_code == 200
    assert response.context["niveau"] is None


def test_the_coverage_page_costs_the_same_at_3_and_40_challenges_per_werkproces(
    cast, page_client, django_assert_max_num_queries
):
    programme = cast.ict_niveau2
    werkprocessen = list(programme.werkprocessen().filter(code__startswith="B1").order_by("code"))
    client = page_client(cast.devries)
    url = reverse("frontend:coverage")
    more = reverse("frontend:coverage-werkproces", args=[werkprocessen[0].pk])
    client.get(url, {"opleiding": programme.pk})  # the session is loaded once

    def measure(first, last):
        for werkproces in werkprocessen:
            for n in range(first, last):
                _challenges(cast, werkproces, 1, prefix=f"Uitdaging {werkproces.code} {n:02d}")
        with django_assert_max_num_queries(12) as page_queries:
            html = client.get(url, {"opleiding": programme.pk}).content.decode()
        with django_assert_max_num_queries(12) as list_queries:
            partial = client.get(more, {"opleiding": programme.pk}, HTTP_HX_REQUEST="true")
        counts = (len(page_queries.captured_queries), len(list_queries.captured_queries))
        return counts, html, partial.content.decode()

    small, small_html, _ = measure(0, 3)
    large, large_html, partial = measure(3, 40)
    assert small == large
    # The page names the first five challenges per werkproces, no more: the sixth title is only
    # in the on-demand list.
    sixth = "Uitdaging B1-K1-W1 05"
    assert small_html.count("Uitdaging B1-K1-W") == 2 * 3
    assert large_html.count("Uitdaging B1-K1-W") == 2 * 5
    assert sixth not in large_html
    assert sixth in partial
    assert "toon alle 40" in large_html
