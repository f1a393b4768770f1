"""An agreement is made only about an offer submitted to the school, once it is published (issue
10, finding 6 follow-up). Before, a coordinator could name any offer id, including another
company's draft that never reached the school, and read its title and details in the answer."""

import pytest
from django.urls import reverse

from backend.agreements import services
from backend.agreements.models import Agreement, AgreementEvent, Commitment
from backend.core.errors import ApplicationError
from backend.offers.models import Offer, OfferKind, OfferStatus
from tests.factories import OfferFactory

URL = reverse("api:agreement-create-from-offer")
NOT_SUBMITTED_OR_PUBLISHED = (
    "Over dit aanbod maakt u alleen een afspraak met een school waarbij het is ingediend, "
    "zolang het gepubliceerd is of loopt."
)


def _unavailable(offer_id: int) -> dict:
    message = f"Aanbod {offer_id} bestaat niet of u kunt er geen afspraak over maken."
    return {"message": message, "extra": {"fields": {"offer": [message]}}}


def _nothing_made() -> bool:
    return not (
        Agreement.objects.exists() or Commitment.objects.exists() or AgreementEvent.objects.exists()
    )


def _pixel_offer(cast, **fields) -> Offer:
    return OfferFactory(
        kind=OfferKind.CHALLENGE,
        owner=cast.pixel,
        contact=cast.eva,
        title="Geheim prototype",
        description="Nog niet ingediend: alleen Pixelfabriek weet hiervan.",
        **fields,
    )


def test_another_companys_draft_answers_like_an_unknown_id(cast, client_for):
    draft = _pixel_offer(cast, status=OfferStatus.DRAFT)
    unknown = Offer.objects.order_by("pk").last().pk + 100
    client = client_for(cast.bos)

    foreign = client.post(URL, {"offer": draft.pk, "school": cast.vista.pk}, format="json")
    missing = client.post(URL, {"offer": unknown, "school": cast.vista.pk}, format="json")

    assert (foreign.status_code, foreign.json()) == (400, _unavailable(draft.pk))
    assert (missing.status_code, missing.json()) == (400, _unavailable(unknown))
    assert "Geheim" not in foreign.content.decode()
    assert _nothing_made()


def test_an_offer_published_only_to_another_school_answers_like_an_unknown_id(cast, client_for):
    gilde_only = _pixel_offer(cast, status=OfferStatus.PUBLISHED, schools=[cast.gilde])

    response = client_for(cast.bos).post(
        URL, {"offer": gilde_only.pk, "school": cast.vista.pk}, format="json"
    )

    assert (response.status_code, response.json()) == (400, _unavailable(gilde_only.pk))
    assert _nothing_made()


def test_the_company_cannot_name_a_school_its_offer_was_not_submitted_to(cast, client_for):
    gilde_only = _pixel_offer(cast, status=OfferStatus.PUBLISHED, schools=[cast.gilde])

    response = client_for(cast.eva).post(
        URL, {"offer": gilde_only.pk, "school": cast.vista.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "message": NOT_SUBMITTED_OR_PUBLISHED,
        "extra": {"fields": {"offer": [NOT_SUBMITTED_OR_PUBLISHED]}},
    }
    assert _nothing_made()


def test_an_offer_still_in_review_at_the_school_is_refused(cast, offer, now):
    offer.status = OfferStatus.IN_REVIEW
    offer.save()

    with pytest.raises(ApplicationError) as error:
        services.agreement_create_from_offer(
            offer=offer, school=cast.vista, actor=cast.bos, now=now
        )

    assert error.value.extra == {"fields": {"offer": [NOT_SUBMITTED_OR_PUBLISHED]}}
    assert _nothing_made()


def test_an_offer_submitted_through_the_consortium_may_become_an_agreement(cast, client_for):
    # Vista belongs to Digiwise Limburg; the offer went to the consortium, not to Vista by name.
    running = _pixel_offer(cast, status=OfferStatus.RUNNING, consortium=cast.consortium)

    response = client_for(cast.bos).post(
        URL, {"offer": running.pk, "school": cast.vista.pk}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Geheim prototype"
    assert Agreement.objects.get().offer == running


def test_an_id_beyond_any_table_answers_like_an_unknown_id(cast, client_for):
    huge = 2**40  # past a 32-bit key: still the plain answer, not a database error
    response = client_for(cast.bos).post(
        URL, {"offer": huge, "school": cast.vista.pk}, format="json"
    )

    assert (response.status_code, response.json()) == (400, _unavailable(huge))
    assert _nothing_made()
