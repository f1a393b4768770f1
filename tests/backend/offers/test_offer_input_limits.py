"""Input too large for the database answers 400 naming the field, never a 500 (issue 10,
finding 8): a title over 200 characters on create and on update, ids beyond 64 bits."""

from django.urls import reverse

from backend.offers.models import Offer
from tests.factories import OfferFactory

TOO_LONG = "Zorg ervoor dat dit veld niet meer dan 200 karakters bevat."


def _offer_payload(cast, **fields):
    return {
        "kind": "guest_lesson",
        "title": "Gastles brood bakken",
        "description": "Een ochtend in de bakkerij.",
        "schools": [cast.vista.pk],
        **fields,
    }


def test_creating_an_offer_with_a_title_over_200_characters_answers_400(cast, client_for):
    response = client_for(cast.jan).post(
        reverse("api:offer-list"), _offer_payload(cast, title="B" * 201), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "message": f"title: {TOO_LONG}",
        "extra": {"fields": {"title": [TOO_LONG]}},
    }
    assert not Offer.objects.exists()


def test_a_title_of_exactly_200_characters_is_fine(cast, client_for):
    response = client_for(cast.jan).post(
        reverse("api:offer-list"), _offer_payload(cast, title="B" * 200), format="json"
    )
    assert response.status_code == 201, response.json()
    assert Offer.objects.get().title == "B" * 200


def test_updating_an_offer_with_a_title_over_200_characters_answers_400(cast, client_for):
    offer = OfferFactory(owner=cast.bakkerij, contact=cast.jan, title="Gastles")
    response = client_for(cast.jan).patch(
        reverse("api:offer-detail", args=[offer.pk]), {"title": "B" * 201}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {"title": [TOO_LONG]}
    offer.refresh_from_db()
    assert offer.title == "Gastles"


def test_ids_beyond_64_bits_answer_400_naming_the_field(cast, client_for):
    response = client_for(cast.jan).post(
        reverse("api:offer-list"),
        _offer_payload(cast, schools=[2**70], programmes=[2**64], location=2**63),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"schools.0", "programmes.0", "location"}
    assert not Offer.objects.exists()
