"""The student's journey: "Uitdagingen" (paged, filtered), one challenge's page with add/remove,
the choices page (why it fits stays visible, the teammate search), "Mijn plaatsing" with the whole
explanation; other schools' ids, bad input and page cost (queries flat at two sizes)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backend.allocations import services
from backend.allocations.models import Choice, ChoiceList, Phase
from backend.curriculum.models import Werkproces, WerkprocesEvidence
from backend.offers.models import Coverage, LocationKind, OfferStatus, WerkprocesMapping
from tests.allocation_rounds import FUTURE, make_round
from tests.factories import OfferFactory, student

pytestmark = pytest.mark.django_db

CHALLENGES = reverse("frontend:student-challenges")


def _detail(offer):
    return reverse("frontend:student-challenge-detail", args=[offer.pk])


def _map(offer, code, cast):
    """A teacher maps `offer` to werkproces `code` of Sanne's kwalificatie."""
    werkproces = Werkproces.objects.get(code=code, kerntaak__dossier=cast.ict_niveau2.dossier)
    WerkprocesMapping.objects.create(
        offer=offer, werkproces=werkproces, coverage=Coverage.FULL, mapped_by=cast.devries
    )


def _extra_challenges(allocation_round, cast, n, **fields):
    offers = [
        OfferFactory(
            owner=cast.pixel,
            contact=cast.eva,
            title=f"Extra opdracht {i:03d}",
            status=OfferStatus.PUBLISHED,
            schools=[cast.vista],
            **fields,
        )
        for i in range(n)
    ]
    allocation_round.challenges.add(*offers)
    return offers


# --- Uitdagingen ------------------------------------------------------------------------------


def test_the_list_shows_each_open_challenge_with_company_places_fit_and_link(people, page_client):
    allocation_round = make_round(people)
    _map(allocation_round.webshop, "B1-K1-W1", people)
    page = page_client(people.sanne).get(CHALLENGES).content.decode()
    assert "Webshop voor Bakkerij Jansen" in page
    assert "Pixelfabriek · 2 plaatsen" in page
    assert "Bakkerij Jansen · 1 plaats" in page
    assert _detail(allocation_round.app) in page
    assert "Werkproces B1-K1-W1" in page
    assert "2 uitdagingen" in page
    assert "Op titel (A-Z)." in page
    # By title, not by fit: the Webshop works on one of Sanne's open werkprocessen, the App on
    # none, and the App still comes first; the Webshop's card says which werkproces it covers.
    assert page.index("App voor Pixelfabriek") < page.index("Webshop voor Bakkerij Jansen")
    assert page.index("Webshop voor Bakkerij Jansen") < page.index("Werkproces B1-K1-W1")
    assert "Blok 3: kies 1 tot 2 uitdagingen" in page


def test_the_menu_and_the_dashboard_link_to_the_challenge_list(people, page_client):
    make_round(people)
    page = page_client(people.sanne).get(reverse("frontend:dashboard")).content.decode()
    assert f'href="{CHALLENGES}"' in page
    assert "Wat vandaag je aandacht vraagt" in page
    assert "uw aandacht" not in page
    assert "Jouw opleiding" in page


def test_without_an_open_round_the_list_says_why_and_what_to_do(people, page_client):
    page = page_client(people.sanne).get(CHALLENGES).content.decode()
    assert (
        "Er staan nog geen uitdagingen voor je open. Je docent publiceert ze voor de keuzeronde; "
        "je krijgt een melding." in page
    )


def test_the_list_is_paged_by_twenty_and_keeps_the_filters(people, page_client):
    allocation_round = make_round(people)
    _extra_challenges(allocation_round, people, 23)
    client = page_client(people.sanne)
    first = client.get(CHALLENGES).content.decode()
    assert "25 uitdagingen" in first
    assert first.count('<li class="card">') == 20
    assert "Pagina 1 van 2" in first
    second = client.get(CHALLENGES, {"pagina": 2}).content.decode()
    assert second.count('<li class="card">') == 5
    filtered = client.get(CHALLENGES, {"q": "extra"}).content.decode()
    assert "23 uitdagingen" in filtered
    assert "?q=extra&amp;pagina=2" in filtered


@pytest.mark.parametrize("raw", ["999999", "abc", "-1", "0", "1" * 40, str(2**63 - 1), "2"])
def test_a_page_that_does_not_exist_shows_page_one_and_says_so(people, page_client, raw):
    make_round(people)
    response = page_client(people.sanne).get(CHALLENGES, {"pagina": raw})
    assert response.status_code == 200
    body = response.content.decode()
    assert "bestaat niet; er zijn 1 pagina" in body
    assert "Webshop voor Bakkerij Jansen" in body


def test_filters_by_text_company_place_and_fit(people, page_client):
    allocation_round = make_round(people)
    remote = OfferFactory(
        owner=people.bakkerij,
        contact=people.jan,
        title="Social media analyse",
        status=OfferStatus.PUBLISHED,
        schools=[people.vista],
        location_kind=LocationKind.REMOTE,
    )
    allocation_round.challenges.add(remote)
    _map(remote, "B1-K1-W2", people)
    client = page_client(people.sanne)

    def titles(**params):
        body = client.get(CHALLENGES, params).content.decode()
        return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', body)

    assert titles(q="webshop") == ["Webshop voor Bakkerij Jansen"]
    assert titles(q="pixelfabriek") == ["App voor Pixelfabriek"]  # the company's name
    assert sorted(titles(bedrijf=people.bakkerij.pk)) == [
        "Social media analyse",
        "Webshop voor Bakkerij Jansen",
    ]
    assert titles(soort=LocationKind.REMOTE) == ["Social media analyse"]
    assert titles(past="1") == ["Social media analyse"]


FITS_EMPTY = (
    "Geen uitdagingen die aan je open werkprocessen werken. Haal het vinkje weg om alle "
    "uitdagingen te zien."
)
NO_OPEN_GOALS = (
    "Je hebt geen open werkprocessen meer, dus er past geen uitdaging bij. Haal het vinkje weg "
    "om alle uitdagingen te zien."
)


def test_the_fit_filter_says_when_nothing_works_on_an_open_werkproces(people, page_client):
    allocation_round = make_round(people)
    client = page_client(people.sanne)
    round_page = reverse("frontend:round-student", args=[allocation_round.pk])
    for url in (CHALLENGES, round_page):
        body = client.get(url, {"past": "1"}).content.decode()
        assert FITS_EMPTY in body
        assert "0 uitdagingen" in body
        assert "Webshop voor Bakkerij Jansen</a></h" not in body
    # With another filter as well, the general message.
    body = client.get(CHALLENGES, {"past": "1", "q": "webshop"}).content.decode()
    assert "Geen uitdagingen gevonden met deze filters." in body
    assert FITS_EMPTY not in body
    # Once every werkproces is done, nothing can fit: the page says so.
    for werkproces in Werkproces.objects.filter(kerntaak__dossier=people.ict_niveau2.dossier):
        WerkprocesEvidence.objects.create(
            student=people.sanne,
            werkproces=werkproces,
            level="goed",
            recorded_by=people.devries,
            validated_by=people.devries,
            validated_at=timezone.now(),
        )
    for url in (CHALLENGES, round_page):
        assert NO_OPEN_GOALS in client.get(url, {"past": "1"}).content.decode()


def test_beyond_the_counted_rows_the_list_says_more_than_and_pages_on(
    people, page_client, monkeypatch
):
    monkeypatch.setattr("backend.allocations.selectors.student.COUNT_CAP", 21)
    allocation_round = make_round(people)
    _extra_challenges(allocation_round, people, 23)
    client = page_client(people.sanne)
    first = client.get(CHALLENGES).content.decode()
    assert "Meer dan 21 uitdagingen" in first
    assert first.count('<li class="card">') == 20
    assert '<span aria-current="page">Pagina 1</span>' in first
    assert "pagina=2" in first
    second = client.get(CHALLENGES, {"pagina": 2}).content.decode()
    assert "25 uitdagingen" in second  # the end of the list: counted exactly
    assert "Pagina 2 van 2" in second
    assert second.count('<li class="card">') == 5
    past = client.get(CHALLENGES, {"pagina": 3}).content.decode()
    assert "Pagina &#x27;3&#x27; bestaat niet; er zijn 2 pagina&#x27;s. Je ziet pagina 1." in past
    beyond = client.get(CHALLENGES, {"pagina": "abc"}).content.decode()
    assert "Pagina &#x27;abc&#x27; bestaat niet. Je ziet pagina 1." in beyond


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bedrijf": "abc"}, "Filter &#x27;bedrijf&#x27;: kies een bedrijf uit de lijst."),
        ({"soort": "maan"}, "Filter &#x27;waar&#x27;: kies uit de lijst; &#x27;maan&#x27;"),
    ],
)
def test_a_filter_value_that_cannot_be_used_is_named(people, page_client, params, message):
    make_round(people)
    response = page_client(people.sanne).get(CHALLENGES, params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_another_schools_challenges_and_ineligible_ones_are_not_listed(people, page_client):
    allocation_round = make_round(people)
    gilde_only = OfferFactory(
        owner=people.pixel,
        title="Alleen Gilde",
        status=OfferStatus.PUBLISHED,
        schools=[people.gilde],
    )
    level4 = OfferFactory(
        owner=people.pixel,
        title="Alleen niveau 4",
        status=OfferStatus.PUBLISHED,
        schools=[people.vista],
        niveau_min=4,
        niveau_max=4,
    )
    vog = OfferFactory(
        owner=people.pixel,
        title="Met VOG",
        status=OfferStatus.PUBLISHED,
        schools=[people.vista],
        required_certificates=["VOG"],
    )
    allocation_round.challenges.add(gilde_only, level4, vog)
    client = page_client(people.sanne)
    page = client.get(CHALLENGES).content.decode()
    for title in ("Alleen Gilde", "Alleen niveau 4", "Met VOG"):
        assert title not in page
    for offer in (gilde_only, level4, vog):
        assert client.get(_detail(offer)).status_code == 404


# --- One challenge ----------------------------------------------------------------------------


def test_the_detail_page_shows_the_brief_and_why_it_fits(people, page_client):
    allocation_round = make_round(people)
    app = allocation_round.app
    app.expectations = "Je bouwt een prototype met het team."
    app.team_size = 2
    app.save()
    _map(app, "P1-K1-W1", people)
    page = page_client(people.sanne).get(_detail(app)).content.decode()
    assert "App voor Pixelfabriek" in page
    assert "Help ons met een echte vraag." in page
    assert "Je bouwt een prototype met het team." in page
    assert "teams van 2 studenten" in page
    assert "2 plaatsen in deze ronde" in page
    assert "Waarom dit bij je past" in page
    assert "Werkproces P1-K1-W1" in page
    assert "kerntaak P1-K1 Kerntaak P1-K1" in page
    assert "jouw niveau (2)" in page
    assert people.eva.email not in page  # no contact details


def test_a_student_adds_and_removes_a_choice_from_the_detail_page(people, page_client):
    allocation_round = make_round(people)
    client = page_client(people.sanne)
    url = _detail(allocation_round.app)
    response = client.post(url, {"action": "add"}, follow=True)
    body = response.content.decode()
    assert "&#x27;App voor Pixelfabriek&#x27; staat nu bij je keuzes, op plek 1." in body
    assert "Je staat op plek 1 bij je keuzes." in body
    assert list(Choice.objects.values_list("offer_id", "position")) == [
        (allocation_round.app.pk, 1)
    ]
    again = client.post(url, {"action": "add"}, follow=True).content.decode()
    assert "Je hebt &#x27;App voor Pixelfabriek&#x27; al gekozen, op plek 1." in again
    client.post(_detail(allocation_round.webshop), {"action": "add"})
    # The list shows it as chosen, with its place.
    listed = client.get(CHALLENGES).content.decode()
    assert "Gekozen: je staat op plek 2" in listed
    removed = client.post(url, {"action": "remove"}, follow=True).content.decode()
    assert "staat niet meer bij je keuzes" in removed
    assert list(Choice.objects.values_list("offer_id", "position")) == [
        (allocation_round.webshop.pk, 1)
    ]


def test_adding_beyond_the_maximum_says_what_to_do(people, page_client):
    allocation_round = make_round(people)  # max 2 choices
    extra = _extra_challenges(allocation_round, people, 1)[0]
    client = page_client(people.sanne)
    for offer in (allocation_round.app, allocation_round.webshop):
        client.post(_detail(offer), {"action": "add"})
    body = client.post(_detail(extra), {"action": "add"}, follow=True).content.decode()
    assert "Je hebt al 2 keuzes, het maximum voor deze ronde." in body
    assert Choice.objects.count() == 2


def test_the_detail_page_answers_404_for_what_is_not_open_to_the_student(people, page_client):
    allocation_round = make_round(people)
    client = page_client(people.sanne)
    draft = OfferFactory(owner=people.pixel, title="Concept")
    assert client.get(_detail(draft)).status_code == 404
    assert client.get(f"{CHALLENGES}abc/").status_code == 404
    assert client.get(f"{CHALLENGES}{2**70}/").status_code == 404
    # Ahmed (Gilde) never sees Vista's round.
    assert page_client(people.ahmed).get(_detail(allocation_round.app)).status_code == 404
    assert (
        page_client(people.ahmed).post(_detail(allocation_round.app), {"action": "add"}).status_code
        == 404
    )
    # Once choosing closes, the page is gone too.
    services.allocation_round_close_choosing(
        allocation_round=allocation_round, actor=people.bos, now=timezone.now()
    )
    assert client.get(_detail(allocation_round.app)).status_code == 404
    assert not ChoiceList.objects.exists()


# --- The choices page -------------------------------------------------------------------------


def test_why_it_fits_stays_visible_after_choosing(people, page_client):
    allocation_round = make_round(people)
    _map(allocation_round.app, "B1-K1-W1", people)
    client = page_client(people.sanne)
    client.post(_detail(allocation_round.app), {"action": "add"})
    page = client.get(reverse("frontend:round-student", args=[allocation_round.pk]))
    body = page.content.decode()
    ranked = body[body.index('id="ranked-list"') : body.index('id="open"')]
    assert "App voor Pixelfabriek" in ranked
    assert "Werkproces B1-K1-W1" in ranked
    assert "Waarom dit bij je past:" in ranked


def _search(client, allocation_round, query, **extra):
    return client.get(
        reverse("frontend:student-teammate-search", args=[allocation_round.pk]),
        {"wie": query, **extra},
        HTTP_HX_REQUEST="true",
    )


def test_the_teammate_search_tells_classmates_apart_and_shows_nobody_else(people, page_client):
    allocation_round = make_round(people)
    finns = [
        student(
            school=people.vista, kwalificatie=people.ict_niveau2, first_name="Finn", class_code=code
        )
        for code in ("2A", "2B")
    ]
    for finn in finns:
        finn.last_name = "Visser"
        finn.save()
    other_school = student(school=people.gilde, kwalificatie=people.ict_niveau4, first_name="Finn")
    body = _search(page_client(people.sanne), allocation_round, "finn").content.decode()
    assert "Finn V. · klas 2A · niveau 2" in body
    assert "Finn V. · klas 2B · niveau 2" in body
    assert f'value="{finns[0].pk}"' in body
    assert f'value="{other_school.pk}"' not in body
    assert "Visser" not in body  # first name and initial only
    assert "2 klasgenoten gevonden." in body
    assert "@" not in body
    # Nobody finds themself.
    own = _search(page_client(finns[0]), allocation_round, "finn").content.decode()
    assert f'value="{finns[0].pk}"' not in own
    assert f'value="{finns[1].pk}"' in own


def test_the_teammate_search_needs_two_letters_and_caps_its_results(people, page_client):
    allocation_round = make_round(people)
    for _ in range(14):
        student(school=people.vista, kwalificatie=people.ict_niveau2, first_name="Emma")
    client = page_client(people.sanne)
    short = _search(client, allocation_round, "e").content.decode()
    assert "Typ minstens 2 letters van de naam." in short
    assert 'name="teammates"' not in short
    many = _search(client, allocation_round, "emma").content.decode()
    assert many.count('name="teammates"') == 10
    assert "Meer dan 10 klasgenoten gevonden; typ meer van de naam." in many


def test_the_teammate_search_works_without_javascript(people, page_client):
    allocation_round = make_round(people)
    client = page_client(people.sanne)
    url = reverse("frontend:student-teammate-search", args=[allocation_round.pk])
    response = client.get(url, {"wie": "lotte"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    lotte = people.extra[0]
    assert f'<input type="checkbox" name="teammates" value="{lotte.pk}"' in page
    assert '<label for="id_wie">' in page
    assert 'hx-trigger="input changed delay:300ms, search"' in page
    assert 'aria-live="polite"' in page
    assert "1 klasgenoot gevonden." in page


def test_chosen_teammates_are_stored_shown_and_removed(people, page_client):
    allocation_round = make_round(people)
    lotte = people.extra[0]
    client = page_client(people.sanne)
    url = reverse("frontend:round-student", args=[allocation_round.pk])
    positions = {f"position-{allocation_round.app.pk}": "1"}
    assert (
        client.post(url, {"form": "choices", **positions, "teammates": [lotte.pk]}).status_code
        == 302
    )
    assert list(ChoiceList.objects.get().teammates.all()) == [lotte]
    page = client.get(url).content.decode()
    assert "Lotte A. · niveau 2" in page
    assert f'name="remove_teammate" value="{lotte.pk}"' in page
    removed = client.post(
        url,
        {"form": "choices", **positions, "teammates": [lotte.pk], "remove_teammate": lotte.pk},
    ).content.decode()
    assert "Nog niet opgeslagen" in removed
    assert f'name="remove_teammate" value="{lotte.pk}"' not in removed


@pytest.mark.parametrize("who", ["ahmed", "self", "huge", "text"])
def test_a_together_wish_for_someone_else_is_refused_with_a_message(people, page_client, who):
    allocation_round = make_round(people)
    ids = {
        "ahmed": str(people.ahmed.pk),
        "self": str(people.sanne.pk),
        "huge": str(2**70),
        "text": "lotte",
    }
    client = page_client(people.sanne)
    response = client.post(
        reverse("frontend:round-student", args=[allocation_round.pk]),
        {
            "form": "choices",
            f"position-{allocation_round.app.pk}": "1",
            f"position-{2**70}": "2",
            "teammates": ids[who],
        },
    )
    assert response.status_code == 200
    expected = {
        "ahmed": "Je kunt alleen klasgenoten noemen die ook aan deze ronde meedoen.",
        "self": "Je kunt jezelf niet als teamgenoot noemen.",
        "huge": "Samenwerken met: kies een klasgenoot uit de zoekresultaten",
        "text": "Samenwerken met: kies een klasgenoot uit de zoekresultaten",
    }[who]
    assert expected in response.content.decode()
    assert not ChoiceList.objects.exists()


def test_the_choices_page_is_paged(people, page_client):
    allocation_round = make_round(people)
    _extra_challenges(allocation_round, people, 25)
    url = reverse("frontend:round-student", args=[allocation_round.pk])
    body = page_client(people.sanne).get(url).content.decode()
    assert "27 uitdagingen" in body
    assert body.count('<li class="card">') == 20
    assert "Pagina 1 van 2" in body


# --- Page cost --------------------------------------------------------------------------------


def _queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_student_pages_cost_the_same_at_two_sizes(
    people, page_client, django_assert_max_num_queries
):
    allocation_round = make_round(people)
    client = page_client(people.sanne)
    urls = [
        CHALLENGES,
        reverse("frontend:round-student", args=[allocation_round.pk]),
        _detail(allocation_round.app),
    ]
    client.post(_detail(allocation_round.app), {"action": "add"})
    small = [_queries(client, url) for url in urls]
    with CaptureQueriesContext(connection) as captured:
        _search(client, allocation_round, "lo")
    small_search = len(captured)

    offers = _extra_challenges(allocation_round, people, 40)
    for offer in offers[:10]:
        _map(offer, "B1-K1-W1", people)
    for i in range(60):
        student(school=people.vista, kwalificatie=people.ict_niveau2, first_name=f"Lo{i}")
    large = [_queries(client, url) for url in urls]
    assert large == small
    with django_assert_max_num_queries(small_search):
        _search(client, allocation_round, "lo")
    with django_assert_max_num_queries(30):
        client.get(urls[1])


# --- Mijn plaatsing ---------------------------------------------------------------------------


def test_the_assignment_page_explains_rank_reasons_team_wish_and_objection(people, page_client):
    allocation_round = make_round(people, phase=Phase.PUBLISHED)
    assignment = allocation_round.assignments.filter(offer=allocation_round.app, rank=2).first()
    user = assignment.student
    teammate = (
        allocation_round.assignments.filter(offer=allocation_round.app)
        .exclude(student=user)
        .get()
        .student
    )
    ChoiceList.objects.get(round=allocation_round, student=user).teammates.set([teammate])
    _map(allocation_round.app, "B1-K1-W2", people)
    page = page_client(user).get(reverse("frontend:student-assignment")).content.decode()
    assert "Jouw indeling: Blok 3" in page
    assert "Je bent ingedeeld bij &#x27;App voor Pixelfabriek&#x27;, je 2e keus." in page
    assert (
        "Je 1e keus &#x27;Webshop voor Bakkerij Jansen&#x27; was vol: gevuld door studenten die "
        "hem als 1e keus hadden." in page
    )
    assert "Werkproces B1-K1-W2" in page
    assert teammate.first_name in page
    assert teammate.last_name not in page
    assert f"Je wilde samenwerken met {teammate.first_name}: dat is gelukt." in page
    deadline = (FUTURE + dt.timedelta(days=14)).astimezone(timezone.get_current_timezone())
    assert f"Bezwaar maken kan tot {deadline.day} maart 2030" in page
    assert 'id="objection-form"' in page


def test_the_assignment_page_before_publication_says_so(people, page_client):
    make_round(people)
    page = page_client(people.sanne).get(reverse("frontend:student-assignment")).content.decode()
    assert "Er is nog geen indeling gepubliceerd." in page
    assert "Blok 3" in page


def test_the_result_pages_never_load_the_runs_stored_json(people, page_client):
    allocation_round = make_round(people, phase=Phase.PUBLISHED)
    user = allocation_round.assignments.filter(rank=2).first().student
    client = page_client(user)
    for url in (
        reverse("frontend:student-assignment"),
        reverse("frontend:round-student", args=[allocation_round.pk]),
    ):
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url).content.decode()
        assert "was vol" in body  # the explanation was read ...
        run_sql = [q["sql"] for q in captured if "allocations_allocationrun" in q["sql"]]
        assert run_sql
        for sql in run_sql:
            # ... but only one key of it, inside the database: never the columns themselves.
            assert '"allocations_allocationrun"."problem"' not in sql
            bare = re.sub(r'JSON_(EXTRACT|TYPE)\("allocations_allocationrun"\."result"', "", sql)
            bare = re.sub(r'"allocations_allocationrun"\."result" (->|#>)', "", bare)
            assert '"allocations_allocationrun"."result"' not in bare, sql
