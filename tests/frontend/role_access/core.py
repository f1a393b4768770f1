"""Access table for the core pages (accounts, dashboard, offers, review and curation)."""

from backend.offers.models import OfferStatus
from tests.factories import OfferFactory
from tests.frontend.role_access import COMPANY, COORDINATOR, EVERYONE, STAFF, Page


def _submitted_offer(cast):
    """An offer of Bakkerij Jansen (Jan) submitted to Vista (De Vries, Bos)."""
    offer = OfferFactory(owner=cast.bakkerij, contact=cast.jan, status=OfferStatus.SUBMITTED)
    offer.schools.set([cast.vista])
    return offer


def _offer(cast):
    return {"pk": _submitted_offer(cast).pk}


def _mapping(cast):
    from backend.offers.models import Coverage, WerkprocesMapping

    offer = _submitted_offer(cast)
    werkproces = cast.ict_niveau2.werkprocessen().first()
    mapping = WerkprocesMapping.objects.create(
        offer=offer, werkproces=werkproces, coverage=Coverage.FULL, mapped_by=cast.devries
    )
    return {"pk": offer.pk, "mapping_pk": mapping.pk}


PAGES = {
    "frontend:dashboard": Page(EVERYONE),
    "frontend:login": Page(EVERYONE, public=True),
    "frontend:logout": Page(EVERYONE, public=True),
    "frontend:password-reset": Page(EVERYONE, public=True),
    "frontend:password-reset-done": Page(EVERYONE, public=True),
    "frontend:password-reset-complete": Page(EVERYONE, public=True),
    "frontend:password-reset-confirm": Page(
        EVERYONE, public=True, kwargs=lambda cast: {"uidb64": "MQ", "token": "x-y"}
    ),
    "frontend:invitation-accept": Page(EVERYONE, public=True, kwargs=lambda cast: {"token": "x"}),
    "frontend:company-signup": Page(EVERYONE, public=True),
    "frontend:organisation-team": Page(COMPANY),
    "frontend:offer-list": Page(COMPANY),
    "frontend:offer-brief": Page(COMPANY),
    "frontend:offer-autosave": Page(COMPANY),
    "frontend:offer-werkprocessen-hint": Page(COMPANY),
    "frontend:offer-edit": Page(COMPANY, kwargs=_offer),
    "frontend:offer-submit": Page(COMPANY, kwargs=_offer),
    "frontend:offer-withdraw": Page(COMPANY, kwargs=_offer),
    "frontend:offer-detail": Page(COMPANY | STAFF, kwargs=_offer),
    "frontend:review-queue": Page(STAFF),
    "frontend:offer-review-start": Page(STAFF, kwargs=_offer),
    "frontend:offer-publish": Page(STAFF, kwargs=_offer),
    "frontend:offer-request-changes": Page(STAFF, kwargs=_offer),
    "frontend:offer-reject": Page(STAFF, kwargs=_offer),
    "frontend:offer-mapping": Page(STAFF, kwargs=_offer),
    "frontend:werkproces-search": Page(STAFF, kwargs=_offer),
    "frontend:offer-map": Page(STAFF, kwargs=_offer),
    "frontend:offer-unmap": Page(STAFF, kwargs=_mapping),
    "frontend:offer-agreement": Page(COORDINATOR, kwargs=_offer),
    "frontend:coverage": Page(STAFF),
}
