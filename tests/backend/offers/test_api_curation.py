import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backend.notifications.services import preference_set
from backend.offers.models import OfferStatus, WerkprocesMapping
from backend.offers.services.coverage import coverage_sync_offer

S = OfferStatus


def test_mappings_are_listed_created_and_deleted(cast, make_offer, client_for):
    offer = make_offer(S.PUBLISHED)
    werkproces = cast.ict_niveau2.werkprocessen().get(code="B1-K1-W2")
    url = reverse("api:offer-mapping-list", args=[offer.pk])
    teacher = client_for(cast.devries)

    created = teacher.post(
        url, {"werkproces": werkproces.pk, "coverage": "partial", "note": "Deels"}
    )
    assert created.status_code == 201
    assert created.json()["werkproces"]["code"] == "B1-K1-W2"
    listed = client_for(cast.sanne).get(url).json()
    assert [(row["werkproces"]["code"], row["coverage"], row["note"]) for row in listed] == [
        ("B1-K1-W2", "partial", "Deels")
    ]
    gone = teacher.delete(
        reverse("api:offer-mapping-detail", args=[offer.pk, created.json()["id"]])
    )
    assert gone.status_code == 204
    assert teacher.get(url).json() == []


def test_mapping_an_unknown_werkproces_names_the_field(cast, make_offer, client_for):
    offer = make_offer(S.PUBLISHED)
    response = client_for(cast.devries).post(
        reverse("api:offer-mapping-list", args=[offer.pk]), {"werkproces": 0, "coverage": "full"}
    )
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["werkproces"]


def _covering(cast, make_offer, titles, code="B1-K1-W1", coverage="full", **fields):
    werkproces = cast.ict_niveau2.werkprocessen().get(code=code)
    for title in titles:
        offer = make_offer(S.PUBLISHED, title=title, **fields)
        offer.werkproces_mappings.create(
            werkproces=werkproces, coverage=coverage, mapped_by=cast.devries
        )
        coverage_sync_offer(offer.pk)  # made past the service: counted as it counts
    return werkproces


def _coverage(client, kwalificatie, **params):
    return client.get(reverse("api:offer-coverage"), {"kwalificatie": kwalificatie.pk, **params})


def test_the_coverage_report_counts_per_werkproces_and_names_the_first_by_title(
    cast, make_offer, client_for
):
    werkproces = _covering(cast, make_offer, ["Webshop", "App", "Kassa"])
    _covering(cast, make_offer, ["Intranet"], code="B1-K1-W2", coverage="partial")

    response = _coverage(client_for(cast.devries), cast.ict_niveau2, top="2")

    assert response.status_code == 200
    body = response.json()
    assert body["kwalificatie"]["id"] == cast.ict_niveau2.pk
    assert body["uncovered"] == ["P1-K1-W1"]
    first, second, gap = body["rows"]
    assert first["werkproces"] == {
        "id": werkproces.pk,
        "code": "B1-K1-W1",
        "title": werkproces.title,
        "kerntaak": "B1-K1",
    }
    assert (first["coverage"], first["count"], first["full_count"], first["more"]) == (
        "full",
        3,
        3,
        1,
    )
    assert [o["title"] for o in first["offers"]] == ["App", "Kassa"]
    assert set(first["offers"][0]) == {"offer_id", "title", "owner_name", "coverage", "note"}
    assert first["offers"][0]["owner_name"] == cast.bakkerij.name
    assert (second["coverage"], second["count"], second["full_count"]) == ("partial", 1, 0)
    assert (gap["coverage"], gap["count"], gap["offers"], gap["more"]) == (None, 0, [], 0)


def test_the_coverage_report_names_five_by_default_and_none_with_top_0(
    cast, make_offer, client_for
):
    _covering(cast, make_offer, [f"Uitdaging {n}" for n in range(7)])
    client = client_for(cast.bos)

    default = _coverage(client, cast.ict_niveau2).json()["rows"][0]
    counted_only = _coverage(client, cast.ict_niveau2, top="0").json()["rows"][0]

    assert (len(default["offers"]), default["count"], default["more"]) == (5, 7, 2)
    assert (counted_only["offers"], counted_only["count"], counted_only["more"]) == ([], 7, 7)


def test_the_coverage_report_needs_a_known_kwalificatie_and_one_of_my_schools(cast, client_for):
    url = reverse("api:offer-coverage")
    assert list(client_for(cast.devries).get(url).json()["extra"]["fields"]) == ["kwalificatie"]
    response = client_for(cast.devries).get(
        f"{url}?kwalificatie={cast.ict_niveau2.pk}&school={cast.gilde.pk}"
    )
    assert list(response.json()["extra"]["fields"]) == ["school"]


@pytest.mark.parametrize("value", ["abc", "-1", "21", "²", "1.5", "9" * 30])
def test_a_top_that_is_no_number_from_0_to_20_is_a_400_naming_it(cast, client_for, value):
    response = _coverage(client_for(cast.bos), cast.ict_niveau2, top=value)

    assert response.status_code == 400
    assert response.json() == {
        "message": "Kies een aantal van 0 tot en met 20.",
        "extra": {"fields": {"top": ["Kies een aantal van 0 tot en met 20."]}},
    }


def _detail(client, kwalificatie, werkproces, **params):
    url = reverse("api:offer-coverage-werkproces", args=[werkproces.pk])
    return client.get(url, {"kwalificatie": kwalificatie.pk, **params})


def test_the_challenges_covering_one_werkproces_are_paged_by_title(cast, make_offer, client_for):
    werkproces = _covering(cast, make_offer, ["Webshop", "App", "Kassa"])
    _covering(cast, make_offer, ["Elders"], schools=[cast.gilde])  # another school's
    client = client_for(cast.devries)

    first = _detail(client, cast.ict_niveau2, werkproces, page_size="2").json()
    second = _detail(client, cast.ict_niveau2, werkproces, page_size="2", page="2").json()

    assert first["count"] == 3
    assert [o["title"] for o in first["results"]] == ["App", "Kassa"]
    assert [o["title"] for o in second["results"]] == ["Webshop"]
    assert first["results"][0] == {
        "offer_id": first["results"][0]["offer_id"],
        "title": "App",
        "owner_name": cast.bakkerij.name,
        "coverage": "full",
        "note": "",
    }
    assert second["next"] is None
    assert "page_size=2" in first["next"]


def test_a_werkproces_that_is_not_the_kwalificatie_s_is_a_404(cast, client_for):
    other = cast.ict_niveau4.werkprocessen().exclude(
        pk__in=cast.ict_niveau2.werkprocessen().values("pk")
    )
    response = _detail(client_for(cast.bos), cast.ict_niveau2, other.first())
    assert response.status_code == 404
    missing = reverse("api:offer-coverage-werkproces", args=[10**9])
    response = client_for(cast.bos).get(missing, {"kwalificatie": cast.ict_niveau2.pk})
    assert response.status_code == 404
    assert set(response.json()) == {"message", "extra"}


def test_the_werkproces_list_checks_kwalificatie_and_school_like_the_report(cast, client_for):
    werkproces = cast.ict_niveau2.werkprocessen().get(code="B1-K1-W1")
    url = reverse("api:offer-coverage-werkproces", args=[werkproces.pk])
    client = client_for(cast.devries)
    assert list(client.get(url).json()["extra"]["fields"]) == ["kwalificatie"]
    response = client.get(url, {"kwalificatie": cast.ict_niveau2.pk, "school": cast.gilde.pk})
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["school"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"page": "abc"}, "page", "Een paginanummer is een getal vanaf 1."),
        ({"page": "0"}, "page", "Een paginanummer is een getal vanaf 1."),
        ({"page": "-1"}, "page", "Een paginanummer is een getal vanaf 1."),
        ({"page": "9" * 30}, "page", "Een paginanummer is een getal vanaf 1."),
        ({"page": "3"}, "page", "Pagina 3 bestaat niet; de laatste pagina is 1."),
        ({"page_size": "0"}, "page_size", "Kies een paginagrootte van 1 tot en met 200."),
        ({"page_size": "abc"}, "page_size", "Kies een paginagrootte van 1 tot en met 200."),
        ({"page_size": "201"}, "page_size", "Kies een paginagrootte van 1 tot en met 200."),
    ],
)
def test_garbage_paging_is_a_400_naming_the_parameter(
    cast, make_offer, client_for, params, field, message
):
    werkproces = _covering(cast, make_offer, ["Webshop"])
    client = client_for(cast.bos)
    urls = [
        (
            reverse("api:offer-coverage-werkproces", args=[werkproces.pk]),
            {"kwalificatie": cast.ict_niveau2.pk},
        ),
        (reverse("api:offer-review-queue"), {}),
        (reverse("api:offer-list"), {}),
    ]
    for url, scope in urls:
        response = client.get(url, {**scope, **params})

        assert response.status_code == 400, url
        assert response.json() == {"message": message, "extra": {"fields": {field: [message]}}}


def test_the_last_page_and_an_empty_first_page_are_served(cast, make_offer, client_for):
    werkproces = _covering(cast, make_offer, ["Webshop", "App"])
    empty = cast.ict_niveau2.werkprocessen().get(code="P1-K1-W1")
    client = client_for(cast.bos)

    last = _detail(client, cast.ict_niveau2, werkproces, page_size="1", page="last").json()
    none = _detail(client, cast.ict_niveau2, empty).json()

    assert [o["title"] for o in last["results"]] == ["Webshop"]
    assert (none["count"], none["results"]) == (0, [])


def _query_count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params).status_code == 200
    return len(context)


def test_the_coverage_report_and_werkproces_list_cost_the_same_for_1_or_30_challenges(
    cast, make_offer, client_for
):
    werkproces = _covering(cast, make_offer, ["Eerste"])
    client = client_for(cast.devries)
    report = (reverse("api:offer-coverage"), {"kwalificatie": cast.ict_niveau2.pk})
    listed = (
        reverse("api:offer-coverage-werkproces", args=[werkproces.pk]),
        {"kwalificatie": cast.ict_niveau2.pk, "page_size": "10"},
    )
    client.get(*report)  # memberships are read once per person
    few = (_query_count(client, *report), _query_count(client, *listed))
    small = (len(client.get(*report).content), len(client.get(*listed).content))

    for code in ("B1-K1-W1", "B1-K1-W2", "P1-K1-W1"):
        _covering(cast, make_offer, [f"Uitdaging {n:02}" for n in range(10)], code=code)

    assert (_query_count(client, *report), _query_count(client, *listed)) == few
    # Five names per werkproces and one page of ten: bounded, whatever exists.
    report_body = client.get(*report).json()
    assert [row["count"] for row in report_body["rows"]] == [11, 10, 10]
    assert all(len(row["offers"]) == 5 for row in report_body["rows"])
    assert len(client.get(*listed).json()["results"]) == 10
    assert len(client.get(*report).content) < 4 * small[0]


def test_the_openapi_schema_documents_each_transition_with_its_own_body():
    from django.urls import include, path
    from drf_spectacular.generators import SchemaGenerator

    patterns = [path("api/offers/", include(("backend.offers.urls", "api")))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    def body(action):
        content = schema["paths"][f"/api/offers/{{offer_id}}/{action}/"]["post"]["requestBody"]
        return content["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]

    assert body("publish") == "NoteInputRequest"
    assert body("reject") == "ReasonInputRequest"
    assert body("request-changes") == "ChangesInputRequest"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_mapping_list_costs_the_same_number_of_queries_for_1_or_3_rows(
    cast, make_offer, client_for
):
    offer = make_offer(S.PUBLISHED)
    werkprocessen = list(cast.ict_niveau2.werkprocessen().order_by("code"))
    url = reverse("api:offer-mapping-list", args=[offer.pk])
    client = client_for(cast.sanne)
    WerkprocesMapping.objects.create(
        offer=offer, werkproces=werkprocessen[0], coverage="full", mapped_by=cast.devries
    )
    client.get(url)  # memberships are read once per person
    few = _queries(client, url)
    for werkproces in werkprocessen[1:]:
        WerkprocesMapping.objects.create(
            offer=offer, werkproces=werkproces, coverage="partial", mapped_by=cast.bos
        )
    assert _queries(client, url) == few
    assert len(client.get(url).json()) == 3


def test_the_transition_history_costs_the_same_number_of_queries_for_1_or_5_rows(
    cast, make_offer, client_for
):
    short, long = make_offer(S.SUBMITTED), make_offer(S.ARCHIVED)
    client = client_for(cast.bos)
    client.get(reverse("api:offer-transition-list", args=[short.pk]))
    few = _queries(client, reverse("api:offer-transition-list", args=[short.pk]))
    assert _queries(client, reverse("api:offer-transition-list", args=[long.pk])) == few


def test_the_preference_list_costs_two_queries_whatever_the_number_of_categories(
    cast, client_for, django_assert_num_queries
):
    for number in range(6):
        preference_set(user=cast.jan, category=f"soort_{number}", in_app=True, email=False)
    client = client_for(cast.jan)
    with django_assert_num_queries(2):
        assert len(client.get(reverse("api:notification-preference-list")).json()) == 6
