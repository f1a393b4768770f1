"""Access table for the governance pages (frontend/urls_governance.py): the collaboration hub,
a consortium's partners and co-financing, umbrella and consortium agreements, VOG policies and
scheduling a meeting. The cast's consortium (Digiwise Limburg: Vista, Gilde, Pixelfabriek) is
Bos's (coordinator at Vista); Jan's Bakkerij Jansen is no member, so its pages answer him 404."""

from tests.frontend.role_access import COMPANY, COORDINATOR, STAFF, Page


def _consortium(cast):
    return {"pk": cast.consortium.pk}


def _pledge(cast):
    import datetime as dt

    from backend.agreements.services import pledge_create
    from backend.organisations.models import OrganisationKind
    from tests.factories import OrganisationFactory

    pledge = pledge_create(
        consortium=cast.consortium,
        partner=cast.pixel,
        funder=OrganisationFactory(name="Provincie Limburg", kind=OrganisationKind.FUNDER),
        kind="cash",
        amount=1000,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        actor=cast.bos,
    )
    return {"pk": cast.consortium.pk, "pledge_pk": pledge.pk}


PAGES = {
    "frontend:governance-consortium-list": Page(COMPANY | COORDINATOR),
    "frontend:governance-consortium-detail": Page(
        COORDINATOR, kwargs=_consortium, refused=(403, 404)
    ),
    "frontend:governance-cofinancing": Page(COORDINATOR, kwargs=_consortium, refused=(403, 404)),
    "frontend:governance-pledge-new": Page(COORDINATOR, kwargs=_consortium, refused=(403, 404)),
    "frontend:governance-realisation-new": Page(COORDINATOR, kwargs=_pledge, refused=(403, 404)),
    "frontend:governance-agreements": Page(COORDINATOR),
    "frontend:governance-policies": Page(STAFF),
    "frontend:engagement-meeting-new": Page(STAFF),
}
