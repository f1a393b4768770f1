import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from backend.curriculum.models import Kwalificatiedossier, Werkproces
from tests.factories import kwalificatie_with_werkprocessen

ROLES = ("sanne", "devries", "bos", "jan", "peters")


@pytest.mark.parametrize("who", ROLES)
def test_every_signed_in_role_can_read_the_curriculum(cast, client_for, who):
    client = client_for(getattr(cast, who))

    dossiers = client.get(reverse("api:dossier-list"))
    kwalificaties = client.get(reverse("api:kwalificatie-list"))
    werkprocessen = client.get(reverse("api:werkproces-list"))

    assert dossiers.status_code == kwalificaties.status_code == werkprocessen.status_code == 200
    assert dossiers.data["count"] == 2
    assert kwalificaties.data["count"] == 2
    assert werkprocessen.data["count"] == 6


def test_an_anonymous_visitor_gets_the_error_shape_and_no_data(cast):
    response = APIClient().get(reverse("api:werkproces-list"))

    assert response.status_code in (401, 403)
    assert set(response.data) == {"message", "extra"}
    assert "results" not in response.data


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("api:dossier-list", {}),
        ("api:kwalificatie-list", {}),
        ("api:werkproces-list", {}),
        ("api:dossier-detail", {"pk": 1}),
    ],
)
def test_the_curriculum_cannot_be_written_through_the_api(cast, client_for, name, kwargs):
    before = (Kwalificatiedossier.objects.count(), Werkproces.objects.count())
    client = client_for(cast.bos)
    url = reverse(name, kwargs=kwargs)

    responses = [client.post(url, {"title": "x"}), client.delete(url), client.put(url, {})]

    assert {r.status_code for r in responses} == {405}
    assert (Kwalificatiedossier.objects.count(), Werkproces.objects.count()) == before


def test_werkproces_search_by_code_for_one_kwalificatie(cast, client_for):
    response = client_for(cast.devries).get(
        reverse("api:werkproces-list"), {"q": "P1-K1", "kwalificatie": cast.ict_niveau2.pk}
    )

    assert response.status_code == 200
    [result] = response.data["results"]
    assert result["code"] == "P1-K1-W1"
    assert result["kind"] == "profiel"
    assert result["dossier_id"] == cast.ict_niveau2.dossier_id


def test_werkproces_search_by_words(cast, client_for):
    Werkproces.objects.filter(code="B1-K1-W1", kerntaak__dossier=cast.ict_niveau4.dossier).update(
        title="Plant werkzaamheden en bewaakt de voortgang"
    )

    response = client_for(cast.devries).get(reverse("api:werkproces-list"), {"q": "bewaakt plant"})

    assert [r["code"] for r in response.data["results"]] == ["B1-K1-W1"]
    assert response.data["results"][0]["title"] == "Plant werkzaamheden en bewaakt de voortgang"


def test_an_unknown_kwalificatie_is_named_in_the_error(cast, client_for):
    client = client_for(cast.devries)

    missing = client.get(reverse("api:werkproces-list"), {"kwalificatie": 999999})
    not_a_number = client.get(reverse("api:werkproces-list"), {"kwalificatie": "ict"})

    assert missing.status_code == not_a_number.status_code == 400
    assert missing.data == {
        "message": "kwalificatie: Kwalificatie 999999 bestaat niet.",
        "extra": {"fields": {"kwalificatie": ["Kwalificatie 999999 bestaat niet."]}},
    }
    assert list(not_a_number.data["extra"]["fields"]) == ["kwalificatie"]


def test_an_impossible_niveau_filter_is_a_field_error(cast, client_for):
    response = client_for(cast.bos).get(reverse("api:kwalificatie-list"), {"niveau": 7})

    assert response.status_code == 400
    assert list(response.data["extra"]["fields"]) == ["niveau"]


def test_kwalificaties_filter_by_niveau_and_search_by_crebo(cast, client_for):
    client = client_for(cast.bos)

    by_niveau = client.get(reverse("api:kwalificatie-list"), {"niveau": 2})
    by_crebo = client.get(reverse("api:kwalificatie-list"), {"q": cast.ict_niveau4.crebo})

    assert [k["id"] for k in by_niveau.data["results"]] == [cast.ict_niveau2.pk]
    assert [k["crebo"] for k in by_crebo.data["results"]] == [cast.ict_niveau4.crebo]


def test_the_dossier_detail_shows_kerntaken_with_their_kwalificaties(cast, client_for):
    response = client_for(cast.sanne).get(
        reverse("api:dossier-detail", kwargs={"pk": cast.ict_niveau2.dossier_id})
    )

    assert response.status_code == 200
    kerntaken = {k["code"]: k for k in response.data["kerntaken"]}
    assert kerntaken["P1-K1"]["kwalificatie_crebos"] == [cast.ict_niveau2.crebo]
    assert kerntaken["B1-K1"]["kwalificatie_crebos"] == []
    assert [w["code"] for w in kerntaken["B1-K1"]["werkprocessen"]] == ["B1-K1-W1", "B1-K1-W2"]


def test_a_missing_dossier_is_a_404_in_the_error_shape(cast, client_for):
    response = client_for(cast.sanne).get(reverse("api:dossier-detail", kwargs={"pk": 999999}))

    assert response.status_code == 404
    assert response.data == {"message": "Dit kwalificatiedossier bestaat niet.", "extra": {}}


def test_the_kwalificatie_detail_lists_its_werkprocessen(cast, client_for):
    response = client_for(cast.jan).get(
        reverse("api:kwalificatie-detail", kwargs={"pk": cast.ict_niveau4.pk})
    )

    assert response.status_code == 200
    assert [w["code"] for w in response.data["werkprocessen"]] == [
        "B1-K1-W1",
        "B1-K1-W2",
        "P1-K1-W1",
    ]


def test_lists_are_paginated(cast, client_for):
    response = client_for(cast.bos).get(reverse("api:werkproces-list"), {"page_size": 2})

    assert response.data["count"] == 6
    assert len(response.data["results"]) == 2
    assert response.data["next"] is not None


@pytest.mark.parametrize(
    "name", ["api:dossier-list", "api:kwalificatie-list", "api:werkproces-list"]
)
def test_list_endpoints_use_a_fixed_number_of_queries(
    cast, client_for, django_assert_max_num_queries, name
):
    for niveau in (2, 3, 4, 4, 3):
        kwalificatie_with_werkprocessen(niveau=niveau)
    client = client_for(cast.bos)
    client.get(reverse(name))  # warm up: the membership cache, content types

    with django_assert_max_num_queries(4):
        response = client.get(reverse(name), {"page_size": 200})

    assert response.status_code == 200
    assert response.data["count"] >= 7
