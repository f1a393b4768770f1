from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backend.notifications.services import preference_set
from backend.offers.models import OfferStatus, WerkprocesMapping

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


def test_the_coverage_report_lists_gaps(cast, make_offer, client_for):
    offer = make_offer(S.PUBLISHED, title="Webshop")
    offer.werkproces_mappings.create(
        werkproces=cast.ict_niveau2.werkprocessen().get(code="B1-K1-W1"),
        coverage="full",
        mapped_by=cast.devries,
    )
    response = client_for(cast.devries).get(
        reverse("api:offer-coverage") + f"?kwalificatie={cast.ict_niveau2.pk}"
    )
    body = response.json()
    assert body["uncovered"] == ["B1-K1-W2", "P1-K1-W1"]
    assert body["rows"][0]["coverage"] == "full"
    assert body["rows"][0]["offers"][0]["title"] == "Webshop"


def test_the_coverage_report_needs_a_known_kwalificatie_and_one_of_my_schools(cast, client_for):
    url = reverse("api:offer-coverage")
    assert list(client_for(cast.devries).get(url).json()["extra"]["fields"]) == ["kwalificatie"]
    response = client_for(cast.devries).get(
        f"{url}?kwalificatie={cast.ict_niveau2.pk}&school={cast.gilde.pk}"
    )
    assert list(response.json()["extra"]["fields"]) == ["school"]


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
