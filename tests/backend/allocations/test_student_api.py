"""GET rounds/<id>/open-challenges/: the challenges open to the signed-in student, a page at a
time (the same selector as the "Uitdagingen" page). Who may ask, what each student sees, the
filters and paging, garbage in the query string (a 400 naming the parameter) and its cost (the
same number of queries for a small and a larger round)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.curriculum.models import Werkproces, WerkprocesEvidence
from backend.offers.models import LocationKind, WerkprocesMapping
from tests.backend.allocations.conftest import open_round, published
from tests.backend.allocations.test_apis import _future_round
from tests.factories import student

pytestmark = pytest.mark.django_db


def _url(world):
    return reverse("api:round-open-challenges", args=[world.round.pk])


@pytest.fixture
def choosing(world):
    _future_round(world)
    open_round(world)
    return world


def _titles(response):
    return [item["title"] for item in response.json()["results"]]


def _extra(world, n, **fields):
    offers = [
        published(
            world.cast.pixel, world.cast.eva, f"Extra {i:02d}", schools=[world.cast.vista], **fields
        )
        for i in range(n)
    ]
    world.round.challenges.add(*offers)
    return offers


def test_a_student_sees_only_the_challenges_open_to_them_with_fit_and_rank(choosing, client_for):
    world = choosing
    werkproces = Werkproces.objects.get(
        code="P1-K1-W1", kerntaak__dossier=world.cast.ict_niveau2.dossier
    )
    WerkprocesMapping.objects.create(
        offer=world.app, werkproces=werkproces, coverage="full", mapped_by=world.cast.devries
    )
    gilde_only = published(
        world.cast.pixel, world.cast.eva, "Alleen Gilde", schools=[world.cast.gilde]
    )
    world.round.challenges.add(gilde_only)
    sanne = client_for(world.cast.sanne)
    sanne.put(
        reverse("api:round-my-choices", args=[world.round.pk]),
        {"choices": [world.webshop.pk]},
        format="json",
    )
    response = sanne.get(_url(world))
    assert response.status_code == 200
    body = response.json()
    # Not Data-analyse (niveau 4), Zorgrobot (VOG) or Gilde's: Sanne may not take them.
    assert (body["count"], body["count_exact"]) == (2, True)
    assert (body["next"], body["previous"]) == (None, None)
    app, webshop = body["results"]
    assert app["title"] == "App voor Pixelfabriek"  # by title
    assert app["fits"] == [{"code": "P1-K1-W1", "title": "Werkproces P1-K1-W1"}]
    assert (app["rank"], app["host"], app["capacity"]) == (None, "Pixelfabriek", 2)
    assert (webshop["rank"], webshop["fits"]) == (1, [])
    assert set(app) == {
        "offer_id",
        "title",
        "host",
        "description",
        "niveau_min",
        "niveau_max",
        "location_kind",
        "capacity",
        "rank",
        "fits",
    }


def test_each_student_sees_their_own_list(choosing, client_for):
    world = choosing
    niveau4 = student(school=world.cast.vista, kwalificatie=world.cast.ict_niveau4)
    world.round.kwalificaties.clear()
    response = client_for(niveau4).get(_url(world))
    # Niveau 4 at Vista: Data-analyse is open to them, not to Sanne; no VOG either.
    assert sorted(_titles(response)) == [
        "App voor Pixelfabriek",
        "Data-analyse",
        "Webshop voor Bakkerij Jansen",
    ]


@pytest.mark.parametrize(
    ("who", "status"),
    [("ahmed", 404), ("bos", 403), ("devries", 403), ("eva", 404), ("peters", 404)],
)
def test_anyone_but_a_participating_student_is_refused(choosing, client_for, who, status):
    response = client_for(getattr(choosing.cast, who)).get(_url(choosing))
    assert response.status_code == status
    assert "results" not in response.json()


def test_signed_out_is_refused(choosing, client):
    assert client.get(_url(choosing)).status_code in (401, 403)


def test_pages_link_to_each_other_and_keep_the_filters(choosing, client_for):
    world = choosing
    _extra(world, 5)
    sanne = client_for(world.cast.sanne)
    first = sanne.get(_url(world), {"page_size": 3, "q": "extra"}).json()
    assert first["count"] == 5
    assert [i["title"] for i in first["results"]] == ["Extra 00", "Extra 01", "Extra 02"]
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert "q=extra" in first["next"]
    assert "page_size=3" in first["next"]
    second = sanne.get(first["next"]).json()
    assert [i["title"] for i in second["results"]] == ["Extra 03", "Extra 04"]
    assert second["next"] is None
    assert "page=1" in second["previous"]


def test_the_list_is_by_title_and_the_fits_filter_keeps_what_covers_an_open_werkproces(
    choosing, client_for
):
    world = choosing
    zebra, aap = (
        published(world.cast.pixel, world.cast.eva, title, schools=[world.cast.vista])
        for title in ("Zebrapad tellen", "Aapjes kijken")
    )
    world.round.challenges.add(zebra, aap)
    dossier = world.cast.ict_niveau2.dossier
    done = Werkproces.objects.get(code="B1-K1-W1", kerntaak__dossier=dossier)
    WerkprocesEvidence.objects.create(
        student=world.cast.sanne,
        werkproces=done,
        level="goed",
        recorded_by=world.cast.devries,
        validated_by=world.cast.devries,
        validated_at=timezone.now(),
    )
    # Sanne's open werkprocessen are now B1-K1-W2 and P1-K1-W1; B1-K1-W1 is done.
    for offer, code in ((zebra, "P1-K1-W1"), (world.webshop, "B1-K1-W2"), (aap, "B1-K1-W1")):
        WerkprocesMapping.objects.create(
            offer=offer,
            werkproces=Werkproces.objects.get(code=code, kerntaak__dossier=dossier),
            coverage="full",
            mapped_by=world.cast.devries,
        )
    sanne = client_for(world.cast.sanne)
    assert _titles(sanne.get(_url(world))) == [
        "Aapjes kijken",
        "App voor Pixelfabriek",
        "Webshop voor Bakkerij Jansen",
        "Zebrapad tellen",
    ]
    fitting = sanne.get(_url(world), {"fits": "true"}).json()
    assert [(i["title"], [f["code"] for f in i["fits"]]) for i in fitting["results"]] == [
        ("Webshop voor Bakkerij Jansen", ["B1-K1-W2"]),
        ("Zebrapad tellen", ["P1-K1-W1"]),
    ]
    assert (fitting["count"], fitting["count_exact"]) == (2, True)


def test_a_long_list_is_counted_up_to_the_cap_and_pages_on(choosing, client_for, monkeypatch):
    monkeypatch.setattr("backend.allocations.selectors.student.COUNT_CAP", 4)
    world = choosing
    _extra(world, 5)  # 7 open to Sanne: App, Extra 00..04, Webshop
    sanne = client_for(world.cast.sanne)
    first = sanne.get(_url(world), {"page_size": 3}).json()
    assert (first["count"], first["count_exact"]) == (4, False)  # "more than 4"
    assert "page=2" in first["next"]
    second = sanne.get(first["next"]).json()  # counted to the end of the page: "more than 6"
    assert (second["count"], second["count_exact"]) == (6, False)
    assert [i["title"] for i in second["results"]] == ["Extra 02", "Extra 03", "Extra 04"]
    third = sanne.get(second["next"]).json()  # the end of the list: counted exactly
    assert (third["count"], third["count_exact"], third["next"]) == (7, True, None)
    assert _titles(sanne.get(second["next"])) == ["Webshop voor Bakkerij Jansen"]


def test_the_filters_narrow_the_list(choosing, client_for):
    world = choosing
    (remote,) = _extra(world, 1, location_kind=LocationKind.REMOTE)
    sanne = client_for(world.cast.sanne)
    assert _titles(sanne.get(_url(world), {"company": world.cast.bakkerij.pk})) == [
        "Webshop voor Bakkerij Jansen"
    ]
    assert _titles(sanne.get(_url(world), {"location_kind": LocationKind.REMOTE})) == [remote.title]
    assert _titles(sanne.get(_url(world), {"q": "WEBSHOP"})) == ["Webshop voor Bakkerij Jansen"]
    assert _titles(sanne.get(_url(world), {"fits": "true"})) == []
    # A company that is not behind any of Sanne's challenges: nothing, not an error.
    assert sanne.get(_url(world), {"company": 10**9}).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "-1"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "9"}, "page"),
        ({"page": "1e3"}, "page"),
        ({"page": "10001"}, "page"),
        ({"page": str(2**63 - 1)}, "page"),
        ({"page": "99999999999999999999999"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "500"}, "page_size"),
        ({"page_size": "x"}, "page_size"),
        ({"location_kind": "maan"}, "location_kind"),
        ({"company": "abc"}, "company"),
        ({"company": "-3"}, "company"),
        ({"company": str(2**64)}, "company"),
        ({"fits": "misschien"}, "fits"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_garbage_in_the_query_string_is_a_400_naming_the_parameter(
    choosing, client_for, params, field
):
    response = client_for(choosing.cast.sanne).get(_url(choosing), params)
    assert response.status_code == 400
    body = response.json()
    assert list(body["extra"]["fields"]) == [field]
    assert body["message"].startswith(f"{field}: ")


def test_a_page_past_the_end_says_how_many_pages_there_are(choosing, client_for):
    response = client_for(choosing.cast.sanne).get(_url(choosing), {"page": 9})
    assert response.json()["extra"]["fields"]["page"] == ["Pagina 9 bestaat niet; er is 1 pagina."]


@pytest.mark.parametrize("extra_challenges", [0, 30])
def test_the_query_count_does_not_grow_with_the_round(
    choosing, client_for, django_assert_num_queries, extra_challenges
):
    world = choosing
    _extra(world, extra_challenges)
    for i in range(extra_challenges):
        student(school=world.cast.vista, kwalificatie=world.cast.ict_niveau2, first_name=f"X{i}")
    sanne = client_for(world.cast.sanne)
    sanne.get(_url(world))  # the session and the student's roles are read once per client
    with django_assert_num_queries(QUERIES) as captured:
        response = sanne.get(_url(world))
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(2 + extra_challenges, 20)
    assert captured  # the same number for a round of 2 and of 32 challenges


# The round (and its programmes), the student's enrolment, the student profile (level, crebo,
# school, certificates, choices, open goals, their werkprocessen) and the page (ids by title,
# counted in the same query, the rows, their open werkprocessen, the student's ranks): none of it depends on the round's size.
QUERIES = 15
