"""Signing in with the school account: the flow's pages are public; the school's SSO settings,
waiting employees and log belong to its institution admin only (and Koppel staff). The shared cast
has no institution admin, so every cast role is refused those pages here; the admin's own access
(and an admin of another school being refused) is tested in tests/frontend/test_sso_pages.py."""

from django.utils import timezone

from backend.sso.models import PendingEmployee
from tests.backend.sso.factories import register_domain
from tests.frontend.role_access import EVERYONE, NOBODY, Page


def _domain(cast) -> dict:
    return {"pk": register_domain(cast.vista, "vista.nl").pk}


def _pending(cast) -> dict:
    now = timezone.now()
    pending = PendingEmployee.objects.create(
        organisation=cast.vista,
        issuer="https://idp.test",
        subject="waiting-1",
        email="nieuw@vista.nl",
        requested_at=now,
        last_seen_at=now,
    )
    return {"pk": pending.pk}


PAGES = {
    "frontend:sso-login": Page(EVERYONE, public=True),
    "frontend:sso-callback": Page(EVERYONE, public=True),
    "frontend:sso-refused": Page(
        EVERYONE, public=True, kwargs=lambda cast: {"reason": "unknown-institution"}
    ),
    "frontend:sso-pending": Page(EVERYONE, public=True),
    "frontend:sso-logout": Page(EVERYONE, public=True),
    "frontend:sso-admin": Page(NOBODY),
    "frontend:sso-school": Page(NOBODY, kwargs=lambda cast: {"pk": cast.vista.pk}),
    "frontend:sso-log": Page(NOBODY, kwargs=lambda cast: {"pk": cast.vista.pk}),
    "frontend:sso-domain-remove": Page(NOBODY, kwargs=_domain),
    "frontend:sso-pending-decide": Page(NOBODY, kwargs=_pending),
}
