import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backend.accounts.models import Certificate
from backend.offers.models import Offer, OfferKind, OfferStatus, OfferTransition
from backend.organisations.models import CertificatePolicy
from tests.factories import OfferFactory

S = OfferStatus
LIST = reverse("api:offer-list")


def _detail(offer):
    return reverse("api:offer-detail", args=[offer.pk])


def _ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_a_company_creates_an_offer_and_gets_it_back(cast, client_for):
    response = client_for(cast.jan).post(
        LIST,
        {
            "kind": "guest_lesson",
            "title": "Gastles brood bakken",
            "description": "Een ochtend in de bakkerij.",
            "min_students": 5,
            "max_students": 20,
            "niveau_min": 1,
            "niveau_max": 2,
            "schools": [cast.vista.pk],
            "programmes": [cast.ict_niveau2.pk],
            "required_certificates": ["BHV"],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    offer = Offer.objects.get()
    assert body["id"] == offer.pk
    assert (body["status"], body["owner"], body["contact_name"]) == (
        "draft",
        {"id": cast.bakkerij.pk, "name": "Bakkerij Jansen"},
        "Jan Jansen",
    )
    assert body["schools"] == [{"id": cast.vista.pk, "name": "Vista college"}]
    assert body["programmes"] == [cast.ict_niveau2.pk]
    assert body["status_summary"]["text"] == "Concept"


def test_a_validation_error_names_the_fields(cast, client_for):
    response = client_for(cast.jan).post(
        LIST,
        {
            "kind": "challenge",
            "title": "X",
            "description": "Y",
            "min_students": 4,
            "max_students": 2,
            "niveau_min": 5,
            "schools": [cast.pixel.pk],
        },
    )
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "niveau_min": ["Een mbo-niveau ligt tussen 1 en 4."],
        "max_students": ["Het maximum (2) is lager dan het minimum (4) aantal studenten."],
        "schools": ["Pixelfabriek is geen school."],
    }
    assert not Offer.objects.exists()


def test_a_missing_field_is_named_in_the_error(cast, client_for):
    response = client_for(cast.jan).post(LIST, {"kind": "challenge", "description": "Y"})
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["title"]


def test_editing_a_published_offer_says_why_not(cast, make_offer, client_for):
    offer = make_offer(S.PUBLISHED, title="Oud")
    response = client_for(cast.jan).patch(_detail(offer), {"title": "Nieuw"})
    assert response.status_code == 409
    assert "studenten hebben het al gezien" in response.json()["message"]
    offer.refresh_from_db()
    assert offer.title == "Oud"


def test_publishing_twice_is_a_conflict_with_a_clear_message(cast, make_offer, client_for):
    offer = make_offer(S.PUBLISHED)
    response = client_for(cast.devries).post(reverse("api:offer-publish", args=[offer.pk]))
    assert response.status_code == 409
    assert response.json()["message"] == "Dit aanbod is al gepubliceerd."


def test_the_whole_lifecycle_through_the_api(cast, make_offer, client_for):
    offer = make_offer(S.DRAFT)
    jan, devries, bos = client_for(cast.jan), client_for(cast.devries), client_for(cast.bos)

    def post(client, action, data=None):
        response = client.post(reverse(f"api:offer-{action}", args=[offer.pk]), data or {})
        assert response.status_code == 200, response.json()
        return response.json()

    assert post(jan, "submit")["status"] == "submitted"
    assert post(devries, "review")["reviewer_name"] == "Karin de Vries"
    assert (
        post(devries, "request-changes", {"message": "Welke week?"})["review"]["change_request"]
        == "Welke week?"
    )
    assert post(jan, "submit", {"note": "Week 16"})["status"] == "submitted"
    assert post(devries, "publish")["status"] == "published"
    assert post(bos, "start")["status"] == "running"
    assert post(bos, "complete")["status"] == "completed"
    assert post(bos, "archive")["status"] == "archived"

    history = jan.get(reverse("api:offer-transition-list", args=[offer.pk])).json()
    assert [(row["to_status"], row["actor_name"], row["note"]) for row in history] == [
        ("submitted", "Jan Jansen", ""),
        ("in_review", "Karin de Vries", ""),
        ("changes_requested", "Karin de Vries", "Welke week?"),
        ("submitted", "Jan Jansen", "Week 16"),
        ("published", "Karin de Vries", ""),
        ("running", "Marleen Bos", ""),
        ("completed", "Marleen Bos", ""),
        ("archived", "Marleen Bos", ""),
    ]


def test_reject_needs_a_reason(cast, make_offer, client_for):
    offer = make_offer(S.IN_REVIEW)
    response = client_for(cast.devries).post(
        reverse("api:offer-reject", args=[offer.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["reason"]
    offer.refresh_from_db()
    assert offer.status == S.IN_REVIEW


def test_the_company_sees_its_rejection_reason(cast, make_offer, client_for):
    offer = make_offer(S.REJECTED, rejection_reason="Geen leerwaarde.")
    body = client_for(cast.jan).get(_detail(offer)).json()
    assert body["review"]["rejection_reason"] == "Geen leerwaarde."
    assert client_for(cast.devries).get(_detail(offer)).json()["review"] is not None


def test_students_never_see_review_notes(cast, make_offer, client_for):
    offer = make_offer(S.PUBLISHED, rejection_reason="", change_request="oude vraag")
    body = client_for(cast.sanne).get(_detail(offer)).json()
    assert body["review"] is None
    assert "oude vraag" not in str(body)
    rejected = make_offer(S.REJECTED)
    assert client_for(cast.sanne).get(_detail(rejected)).status_code == 404


def test_the_vog_refusal_reaches_the_api_as_a_conflict(cast, make_offer, client_for):
    CertificatePolicy.objects.create(
        organisation=cast.vista, certificate="VOG", applies_to="guest_teacher"
    )
    Certificate.objects.create(
        holder=cast.jan, kind="VOG", issued_on=dt.date(2022, 1, 1), valid_until=dt.date(2025, 1, 1)
    )
    offer = make_offer(S.SUBMITTED, kind=OfferKind.GUEST_LESSON)
    response = client_for(cast.devries).post(reverse("api:offer-publish", args=[offer.pk]))
    assert response.status_code == 409
    assert response.json()["message"].startswith("Vista college vereist een geldige VOG")
    assert "verlopen op 1 januari 2025" in response.json()["message"]
    assert response.json()["extra"]["certificates"][0]["school_id"] == cast.vista.pk


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=guest_lesson", ["lesson"]),
        ("kind=guest_lesson&kind=challenge", ["lesson", "web", "app"]),
        ("status=running", ["app"]),
        ("level=4", ["web", "app"]),
        ("level=1", ["lesson"]),
        ("search=bestel", ["web"]),
        ("owner=pixel", ["app"]),
        ("programme=niveau4", ["lesson", "web", "app"]),
        ("programme=niveau2", ["lesson", "app"]),
        ("ordering=title", ["app", "web", "lesson"]),
        ("ordering=-starts_on", ["app", "lesson", "web"]),
    ],
)
def test_the_list_filters_searches_and_orders(cast, make_offer, client_for, query, expected):
    offers = {
        "lesson": make_offer(
            S.PUBLISHED,
            kind=OfferKind.GUEST_LESSON,
            title="Gastles",
            niveau_max=2,
            starts_on=dt.date(2026, 4, 20),
        ),
        "web": make_offer(
            S.PUBLISHED,
            title="Bestelsite",
            description="Een bestelmodule",
            niveau_min=3,
            starts_on=dt.date(2026, 4, 10),
        ),
        "app": make_offer(
            S.RUNNING,
            owner=cast.pixel,
            contact=cast.eva,
            title="App",
            niveau_min=2,
            starts_on=dt.date(2026, 4, 30),
        ),
    }
    offers["web"].programmes.set([cast.ict_niveau4])
    ids = {"pixel": cast.pixel.pk, "niveau4": cast.ict_niveau4.pk, "niveau2": cast.ict_niveau2.pk}
    for name, value in ids.items():
        query = query.replace(f"={name}", f"={value}")
    response = client_for(cast.bos).get(f"{LIST}?{query}")
    assert response.status_code == 200
    got = _ids(response)
    want = [offers[name].pk for name in expected]
    assert got == want if "ordering" in query else sorted(got) == sorted(want)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("who", ["jan", "devries", "sanne", "bos"])
@pytest.mark.parametrize(
    "url",
    [LIST, reverse("api:offer-review-queue"), reverse("api:notification-list")],
)
def test_list_endpoints_cost_the_same_number_of_queries_for_1_or_12_rows(
    cast, make_offer, client_for, who, url
):
    from backend.notifications.services import notify

    user = getattr(cast, who)
    client = client_for(user)

    def add_rows():
        for status in (S.PUBLISHED, S.SUBMITTED, S.RUNNING):
            offer = make_offer(status)
            offer.programmes.set([cast.ict_niveau2])
        notify(recipient=user, category="offer_status", title="Hallo")

    add_rows()
    client.get(url)  # the person's memberships are read once and then reused
    if url == reverse("api:offer-review-queue") and who in ("jan", "sanne"):
        assert client.get(url).status_code == 403
        return
    few = _queries(client, url)
    for _ in range(3):
        add_rows()
    many = _queries(client, url)
    assert few == many
    assert many <= 8


def test_the_history_lists_transitions_with_a_fixed_number_of_queries(
    cast, make_offer, client_for, django_assert_max_num_queries
):
    offer = make_offer(S.ARCHIVED)
    client = client_for(cast.bos)
    with django_assert_max_num_queries(9):
        rows = client.get(reverse("api:offer-transition-list", args=[offer.pk])).json()
    assert len(rows) == 5


def test_a_denied_transition_over_the_api_leaves_no_trace(cast, make_offer, client_for):
    offer = make_offer(S.IN_REVIEW)
    response = client_for(cast.jan).post(reverse("api:offer-publish", args=[offer.pk]))
    assert response.status_code == 403
    assert response.json()["message"] == (
        "Alleen docenten, coaches en coördinatoren van de school mogen dit aanbod publiceren."
    )
    offer.refresh_from_db()
    assert offer.status == S.IN_REVIEW
    assert OfferTransition.objects.filter(offer=offer).count() == 2


def test_an_offer_of_a_company_outside_the_list_stays_hidden(cast, client_for):
    hidden = OfferFactory(status=S.PUBLISHED)
    assert client_for(cast.jan).get(_detail(hidden)).status_code == 404
    assert hidden.pk not in _ids(client_for(cast.jan).get(LIST))
