from django.urls import reverse

from backend.offers.models import OfferStatus, WerkprocesMapping
from tests.factories import UserFactory


def test_staff_find_offers_and_see_their_history_read_only(cast, make_offer, client):
    offer = make_offer(OfferStatus.PUBLISHED, title="Bestelsite voor de bakkerij")
    WerkprocesMapping.objects.create(
        offer=offer,
        werkproces=cast.ict_niveau2.werkprocessen().get(code="B1-K1-W1"),
        coverage="full",
        mapped_by=cast.devries,
    )
    make_offer(OfferStatus.DRAFT, title="Iets anders")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    listing = client.get(
        reverse("admin:offers_offer_changelist") + "?q=bestelsite&status__exact=published"
    )
    assert listing.status_code == 200
    assert b"Bestelsite voor de bakkerij" in listing.content
    assert b"Iets anders" not in listing.content

    change = client.get(reverse("admin:offers_offer_change", args=[offer.pk]))
    assert change.status_code == 200
    assert b"transitions-TOTAL_FORMS" in change.content
    assert b'name="transitions-0-note"' not in change.content  # history is read-only
    assert b'name="status"' not in change.content  # status moves only through services
    assert b"werkproces_mappings-TOTAL_FORMS" in change.content

    mappings = client.get(reverse("admin:offers_werkprocesmapping_changelist") + "?q=B1-K1-W1")
    assert mappings.status_code == 200
    assert b"B1-K1-W1" in mappings.content
