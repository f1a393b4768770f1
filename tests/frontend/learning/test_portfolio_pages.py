"""The portfolio pages: what Sanne and her school's staff see, the badge forms and validation
links for staff, the printable version, and who is refused."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from backend.curriculum.models import ProgressLevel
from backend.learning.models import ReviewStatus
from tests.backend.learning.factories import placement
from tests.backend.learning.portfolio_factories import (
    badge,
    company_feedback,
    self_assessment,
    validated_evidence,
    werkproces,
)


@pytest.fixture
def world(cast):
    """Sanne on the bakery webshop: B1-K1-W1 validated (voldoende), P1-K1-W1 submitted and rated
    goed by the company, B1-K1-W2 nothing yet."""
    offer = placement(cast).offer
    w1, w2, p1 = (werkproces(cast, c) for c in ("B1-K1-W1", "B1-K1-W2", "P1-K1-W1"))
    validated_evidence(cast.sanne, w1, by=cast.devries, offer=offer)
    pending = self_assessment(cast.sanne, offer, p1)
    company_feedback(cast.sanne, offer, levels={p1: ProgressLevel.GOOD}, submitted_by=cast.jan)
    cast.offer, cast.w1, cast.w2, cast.p1, cast.pending = offer, w1, w2, p1, pending
    return cast


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def _row(html, werkproces_):
    start = html.index(f'id="werkproces-{werkproces_.pk}"')
    return html[start : html.index("</tr>", start)]


def test_sanne_sees_her_matrix_with_states_in_words_and_what_is_open(world, page_client):
    response = page_client(world.sanne).get(reverse("frontend:my-portfolio"))

    assert response.status_code == 200
    html = _text(response)
    assert "Mijn portfolio" in html
    assert "Je hebt 1 van de 3 werkprocessen aangetoond." in html
    assert "1 werkproces wacht op validatie." in html
    assert "aangetoond: voldoende" in _row(html, world.w1)
    assert "cell-covered" in _row(html, world.w1)
    assert "in behandeling" in _row(html, world.p1)
    assert "nog open" in _row(html, world.w2)
    assert "Nog niets" in _row(html, world.w2)
    open_list = html[html.index('id="portfolio-open"') :]
    open_list = open_list[: open_list.index("</section>")]
    assert "B1-K1-W2" in open_list
    assert "P1-K1-W1" in open_list
    assert "B1-K1-W1" not in open_list
    # The company's goed shows, and says it does not count.
    assert (
        "Beoordeling van Bakkerij Jansen (eindbeoordeling): goed (telt niet mee tot de coach "
        "valideert)" in _row(html, world.p1)
    )
    validated_on = date_format(timezone.localdate(), "j F Y")
    assert f"Gevalideerd: voldoende, door Karin de Vries op {validated_on}" in _row(html, world.w1)
    assert "Webshop voor de bakkerij" in _row(html, world.w1)
    # No staff tools for the student.
    assert reverse("frontend:badge-issue", args=[world.sanne.pk]) not in html
    assert reverse("frontend:validation-detail", args=[world.pending.pk]) not in html


def test_a_draft_links_back_to_the_self_assessment(world, page_client):
    self_assessment(world.sanne, world.offer, world.w2, status=ReviewStatus.DRAFT)

    html = _text(page_client(world.sanne).get(reverse("frontend:my-portfolio")))

    url = reverse("frontend:self-assessment", args=[world.offer.pk, world.w2.pk])
    assert f'href="{url}"' in _row(html, world.w2)
    assert "oefenen" in _row(html, world.w2)


def test_staff_get_badge_forms_for_demonstrated_cells_and_validation_links(world, page_client):
    html = _text(
        page_client(world.devries).get(reverse("frontend:student-portfolio", args=[world.sanne.pk]))
    )

    issue = reverse("frontend:badge-issue", args=[world.sanne.pk])
    assert f"Portfolio van {world.sanne.get_full_name()}" in html
    assert "Sanne heeft 1 van de 3 werkprocessen aangetoond." in html
    w1_row = _row(html, world.w1)
    assert f'action="{issue}"' in w1_row
    assert f'name="werkproces" value="{world.w1.pk}"' in w1_row
    assert "data-confirm=" in w1_row
    assert "csrfmiddlewaretoken" in w1_row
    assert f'action="{issue}"' not in _row(html, world.p1)
    assert f'action="{issue}"' not in _row(html, world.w2)
    detail = reverse("frontend:validation-detail", args=[world.pending.pk])
    assert f'href="{detail}"' in _row(html, world.p1)
    # B1-K1 is not complete: no kerntaak form.
    assert 'name="kerntaak"' not in html


def test_a_complete_kerntaak_gets_a_kerntaak_badge_form_until_it_has_a_badge(world, page_client):
    validated_evidence(world.sanne, world.w2, by=world.bos)
    url = reverse("frontend:student-portfolio", args=[world.sanne.pk])

    html = _text(page_client(world.bos).get(url))
    assert f'name="kerntaak" value="{world.w1.kerntaak.pk}"' in html
    assert "Badge voor kerntaak B1-K1 uitgeven" in html
    assert "2 van 2 aangetoond · kerntaak compleet" in html

    badge(world, world.sanne, kerntaak=world.w1.kerntaak)
    badge(world, world.sanne, werkproces=world.w1)
    html = _text(page_client(world.bos).get(url))
    assert 'name="kerntaak"' not in html
    assert f'name="werkproces" value="{world.w1.pk}"' not in html
    assert f'name="werkproces" value="{world.w2.pk}"' in html
    assert "badge uitgegeven" in html


def test_the_print_page_is_a_clean_document_with_student_kwalificatie_date_and_matrix(
    world, page_client
):
    response = page_client(world.sanne).get(reverse("frontend:my-portfolio-print"))

    html = _text(response)
    assert response.status_code == 200
    assert 'class="site-nav"' not in html
    assert "site-header" not in html
    assert "frontend/print.css" in html
    assert f"Portfolio van {world.sanne.get_full_name()}" in html
    k = world.ict_niveau2
    assert f"{k.title} (crebo {k.crebo}, niveau 2)" in html
    assert f"afgedrukt op {date_format(timezone.localdate(), 'j F Y')}" in html
    assert "1 van de 3 werkprocessen aangetoond" in html
    assert "B1-K1-W2 Werkproces B1-K1-W2 (nog open)" in html
    assert "Zelfbeoordeling: goed — Webshop voor de bakkerij (ingediend)" in html
    assert "data-print" in html
    assert 'href="' + reverse("frontend:my-portfolio") + '"' in html


def test_the_staff_print_page_links_back_to_the_staff_portfolio(world, page_client):
    url = reverse("frontend:student-portfolio-print", args=[world.sanne.pk])

    html = _text(page_client(world.devries).get(url))

    assert 'href="' + reverse("frontend:student-portfolio", args=[world.sanne.pk]) + '"' in html
    assert "<td>aangetoond: voldoende</td>" in html
    assert "Gevalideerd: voldoende, door Karin de Vries" in html
    assert "<form" not in html  # no badge forms on paper


@pytest.mark.parametrize("name", ["frontend:student-portfolio", "frontend:student-portfolio-print"])
def test_another_schools_teacher_gets_a_404_for_sanne(world, page_client, name):
    response = page_client(world.peters).get(reverse(name, args=[world.sanne.pk]))

    assert response.status_code == 404
    assert "Webshop" not in response.content.decode()


@pytest.mark.parametrize("name", ["frontend:student-portfolio", "frontend:student-portfolio-print"])
@pytest.mark.parametrize("who", ["jan", "eva", "ahmed", "sanne", "fenna"])
def test_companies_students_and_the_privacy_officer_are_refused_sannes_portfolio(
    world, page_client, name, who
):
    response = page_client(getattr(world, who)).get(reverse(name, args=[world.sanne.pk]))

    assert response.status_code == 403


def test_ahmed_sees_only_his_own_portfolio(world, page_client):
    html = _text(page_client(world.ahmed).get(reverse("frontend:my-portfolio")))

    assert "Webshop voor de bakkerij" not in html
    assert "Bakkerij Jansen" not in html
    assert "Je hebt 0 van de 3 werkprocessen aangetoond." in html


@pytest.mark.parametrize("name", ["frontend:my-portfolio", "frontend:my-portfolio-print"])
@pytest.mark.parametrize("who", ["jan", "devries", "bos", "fenna"])
def test_only_students_have_a_portfolio_of_their_own(world, page_client, name, who):
    assert page_client(getattr(world, who)).get(reverse(name)).status_code == 403


def test_the_staff_portfolio_page_does_not_grow_in_queries_with_evidence(world, page_client):
    client = page_client(world.devries)
    url = reverse("frontend:student-portfolio", args=[world.sanne.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for title in ("Kassa", "Voorraad", "Website"):
        offer = placement(world, title=title).offer
        self_assessment(world.sanne, offer, world.w1)
        validated_evidence(world.sanne, world.w2, by=world.devries, offer=offer)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
