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


def _invitation_token(cast):
    """A real open invitation: an unknown token rightly answers 404, even to allowed roles."""
    import datetime as dt

    from backend.accounts.models import Role
    from backend.accounts.services import invitation_create

    issued = invitation_create(
        organisation=cast.vista,
        email="gast@vista.test",
        role=Role.TEACHER,
        actor=cast.bos,
        now=dt.datetime.now(dt.UTC),
    )
    return {"token": issued.token}


def _email_change_token(cast):
    """A real pending e-mail change of Sanne (see _invitation_token)."""
    import datetime as dt

    from backend.accounts.models import EmailChange
    from backend.accounts.services.invitations import hash_token

    EmailChange.objects.get_or_create(
        token_hash=hash_token("bevestig-sanne"),
        defaults={
            "user": cast.sanne,
            "old_email": cast.sanne.email,
            "new_email": "sanne.nieuw@student.vista.test",
            "expires_at": dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
        },
    )
    return {"token": "bevestig-sanne"}


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
    "frontend:invitation-accept": Page(EVERYONE, public=True, kwargs=_invitation_token),
    "frontend:email-change-confirm": Page(EVERYONE, public=True, kwargs=_email_change_token),
    "frontend:company-signup": Page(EVERYONE, public=True),
    "frontend:company-signup-done": Page(EVERYONE, public=True),
    "frontend:company-signup-confirm": Page(
        EVERYONE, public=True, kwargs=lambda cast: {"uidb64": "MQ", "token": "x-y"}
    ),
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
    "frontend:coverage-werkproces": Page(
        STAFF, kwargs=lambda cast: {"pk": cast.ict_niveau2.werkprocessen().first().pk}
    ),
}
