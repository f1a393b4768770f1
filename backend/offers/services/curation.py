"""Curation: a teacher maps an offer onto werkprocessen of one or more dossiers."""

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.curriculum.models import Werkproces
from backend.offers.access import may_curate
from backend.offers.models import Coverage, Offer, OfferStatus, WerkprocesMapping
from backend.offers.services.coverage import coverage_sync_offer


def _check_curator(actor: User, offer: Offer) -> None:
    if not may_curate(actor, offer):
        raise PermissionDenied(
            _("Alleen docenten, coaches en coördinatoren van de school koppelen werkprocessen.")
        )
    if not offer.is_mappable:
        raise Conflict(
            _("Werkprocessen koppelen kan niet: dit aanbod is %(status)s.")
            % {"status": OfferStatus(offer.status).label}
        )


@transaction.atomic
def offer_map_werkproces(
    *, actor: User, offer: Offer, werkproces: Werkproces, coverage: str, note: str = ""
) -> WerkprocesMapping:
    """Record that the offer lets students work on `werkproces` (partly or fully). Mapping the
    same werkproces again updates coverage and note; it never makes a second row."""
    _check_curator(actor, offer)
    if coverage not in Coverage.values:
        message = _("Kies ‘gedeeltelijk’ (partial) of ‘volledig’ (full).")
        raise ApplicationError(message, extra={"fields": {"coverage": [message]}})
    mapping, _created = WerkprocesMapping.objects.update_or_create(
        offer=offer,
        werkproces=werkproces,
        defaults={"coverage": coverage, "note": note.strip(), "mapped_by": actor},
    )
    coverage_sync_offer(offer.pk)
    return mapping


@transaction.atomic
def offer_unmap_werkproces(*, actor: User, mapping: WerkprocesMapping) -> None:
    _check_curator(actor, mapping.offer)
    offer_id = mapping.offer_id
    mapping.delete()
    coverage_sync_offer(offer_id)
