"""Every offers and notifications endpoint × every role: allowed and denied, and a denied
request changes nothing. The offer belongs to Bakkerij Jansen (contact Jan) and is submitted
to Vista only; Peters teaches at Gilde, Eva is the contact of another company."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from rest_framework.test import APIClient

from backend.notifications.models import Notification, NotificationPreference
from backend.offers.models import Offer, OfferStatus, OfferTransition, WerkprocesMapping
from backend.offers.services.coverage import coverage_sync_offer
from tests.conftest import as_user

S = OfferStatus
ROLES = [
    "student",
    "teacher",
    "coach",
    "coordinator",
    "owner_contact",
    "other_company_contact",
    "programme_lead",
    "institution_admin",
    "other_school_teacher",
    "privacy_officer",
    "anonymous",
]
SCHOOL_STAFF = ["teacher", "coach", "coordinator", "programme_lead", "institution_admin"]
COORDINATORS = ["coordinator", "programme_lead", "institution_admin"]


def codes(default: int, **overrides: int) -> dict[str, int]:
    """Expected status per role: `default` unless overridden; anonymous is always refused."""
    expected = {role: overrides.get(role, default) for role in ROLES}
    expected["anonymous"] = 403
    return expected


def only(roles, allowed: int, default: int, **overrides) -> dict[str, int]:
    return codes(default, **dict.fromkeys(roles, allowed), **overrides)


PUBLISHED_VIEWERS = ["student", *SCHOOL_STAFF, "owner_contact"]

# name: (method, url name, offer status, payload, expected status per role)
MATRIX = {
    # The privacy officer sees no offers (issue 14), only their own notifications.
    "list": ("get", "offer-list", S.PUBLISHED, None, codes(200, privacy_officer=403)),
    "detail": ("get", "offer-detail", S.PUBLISHED, None, only(PUBLISHED_VIEWERS, 200, 404)),
    "create": (
        "post",
        "offer-list",
        S.DRAFT,
        {"owner": "bakkerij", "kind": "challenge", "title": "Nieuw", "description": "Vraag"},
        codes(403, owner_contact=201),
    ),
    "update draft": (
        "patch",
        "offer-detail",
        S.DRAFT,
        {"title": "Gewijzigd"},
        codes(404, owner_contact=200),
    ),
    "update submitted": (
        "patch",
        "offer-detail",
        S.SUBMITTED,
        {"title": "Gewijzigd"},
        only(SCHOOL_STAFF, 403, 404, owner_contact=409),
    ),
    "submit": ("post", "offer-submit", S.DRAFT, {}, codes(404, owner_contact=200)),
    "review": (
        "post",
        "offer-review",
        S.SUBMITTED,
        {},
        only(SCHOOL_STAFF, 200, 404, owner_contact=403),
    ),
    "publish": (
        "post",
        "offer-publish",
        S.IN_REVIEW,
        {},
        only(SCHOOL_STAFF, 200, 404, owner_contact=403),
    ),
    "request changes": (
        "post",
        "offer-request-changes",
        S.IN_REVIEW,
        {"message": "Voeg data toe."},
        only(SCHOOL_STAFF, 200, 404, owner_contact=403),
    ),
    "reject": (
        "post",
        "offer-reject",
        S.IN_REVIEW,
        {"reason": "Geen leerwaarde."},
        only(SCHOOL_STAFF, 200, 404, owner_contact=403),
    ),
    "start": (
        "post",
        "offer-start",
        S.PUBLISHED,
        {},
        only(COORDINATORS, 200, 404, teacher=403, coach=403, student=403, owner_contact=403),
    ),
    "complete": (
        "post",
        "offer-complete",
        S.RUNNING,
        {},
        only(COORDINATORS, 200, 404, teacher=403, coach=403, student=403, owner_contact=403),
    ),
    "archive": (
        "post",
        "offer-archive",
        S.COMPLETED,
        {},
        only(COORDINATORS, 200, 404, teacher=403, coach=403, owner_contact=403),
    ),
    "withdraw": (
        "post",
        "offer-withdraw",
        S.SUBMITTED,
        {},
        only(SCHOOL_STAFF, 403, 404, owner_contact=200),
    ),
    "transitions": (
        "get",
        "offer-transition-list",
        S.PUBLISHED,
        None,
        only([*SCHOOL_STAFF, "owner_contact"], 200, 404, student=403),
    ),
    "mappings": ("get", "offer-mapping-list", S.PUBLISHED, None, only(PUBLISHED_VIEWERS, 200, 404)),
    "map werkproces": (
        "post",
        "offer-mapping-list",
        S.PUBLISHED,
        {"werkproces": "wp", "coverage": "full"},
        only(SCHOOL_STAFF, 201, 404, student=403, owner_contact=403),
    ),
    "unmap werkproces": (
        "delete",
        "offer-mapping-detail",
        S.PUBLISHED,
        None,
        only(SCHOOL_STAFF, 204, 404, student=403, owner_contact=403),
    ),
    "review queue": (
        "get",
        "offer-review-queue",
        S.SUBMITTED,
        None,
        only([*SCHOOL_STAFF, "other_school_teacher"], 200, 403),
    ),
    "coverage": (
        "get",
        "offer-coverage",
        S.PUBLISHED,
        None,
        only([*SCHOOL_STAFF, "other_school_teacher"], 200, 403),
    ),
    "coverage werkproces": (
        "get",
        "offer-coverage-werkproces",
        S.PUBLISHED,
        None,
        only([*SCHOOL_STAFF, "other_school_teacher"], 200, 403),
    ),
    "notifications": ("get", "notification-list", S.DRAFT, None, codes(200)),
    "unread count": ("get", "notification-unread-count", S.DRAFT, None, codes(200)),
    "mark read": ("post", "notification-mark-read", S.DRAFT, {"ids": "jan's"}, codes(200)),
    "read one": ("post", "notification-read", S.DRAFT, None, codes(404, owner_contact=204)),
    "preferences": ("get", "notification-preference-list", S.DRAFT, None, codes(200)),
    "set preference": (
        "put",
        "notification-preference-detail",
        S.DRAFT,
        {"in_app": True, "email": False},
        codes(200),
    ),
}
CASES = [(endpoint, role) for endpoint in MATRIX for role in ROLES]


def _snapshot():
    return {
        "offers": [
            model_to_dict(offer) | {"updated_at": offer.updated_at}
            for offer in Offer.objects.order_by("pk")
        ],
        "programmes_schools": [
            (offer.pk, sorted(offer.schools.values_list("pk", flat=True)))
            for offer in Offer.objects.order_by("pk")
        ],
        "transitions": OfferTransition.objects.count(),
        "mappings": list(WerkprocesMapping.objects.values_list("pk", "coverage", "note")),
        "notifications": list(Notification.objects.values_list("pk", "read_at")),
        "preferences": list(NotificationPreference.objects.values_list("pk", "in_app", "email")),
    }


def _payload(payload, cast, werkproces, jans):
    """The matrix names objects ("bakkerij", "wp", "jan's"); the request needs their ids."""
    payload = dict(payload or {})
    if payload.get("owner") == "bakkerij":
        payload["owner"] = cast.bakkerij.pk
    if payload.get("werkproces") == "wp":
        payload["werkproces"] = werkproces.pk
    if payload.get("ids") == "jan's":
        payload["ids"] = [jans.pk]
    return payload


def _url(name, cast, offer, mapping, jans):
    args = {
        "offer-list": [],
        "offer-review-queue": [],
        "offer-coverage": [],
        "offer-coverage-werkproces": [mapping.werkproces_id],
        "offer-mapping-detail": [offer.pk, mapping.pk],
        "notification-list": [],
        "notification-unread-count": [],
        "notification-mark-read": [],
        "notification-read": [jans.pk],
        "notification-preference-list": [],
        "notification-preference-detail": ["offer_status"],
    }.get(name, [offer.pk])
    url = reverse(f"api:{name}", args=args)
    if name in {"offer-coverage", "offer-coverage-werkproces"}:
        url += f"?kwalificatie={cast.ict_niveau2.pk}"
    return url


@pytest.mark.parametrize(("endpoint", "role"), CASES)
def test_endpoint_permissions(cast, people, make_offer, endpoint, role):
    method, name, status, payload, expected = MATRIX[endpoint]
    offer = make_offer(status)
    werkproces = cast.ict_niveau2.werkprocessen().get(code="B1-K1-W1")
    mapping = WerkprocesMapping.objects.create(
        offer=offer,
        werkproces=cast.ict_niveau2.werkprocessen().get(code="B1-K1-W2"),
        coverage="partial",
        mapped_by=cast.devries,
    )
    coverage_sync_offer(offer.pk)  # made past the services: counted as they count
    jans = Notification.objects.create(
        recipient=cast.jan, category="offer_status", title="Voor Jan", created_at=offer.created_at
    )
    payload = _payload(payload, cast, werkproces, jans)
    url = _url(name, cast, offer, mapping, jans)
    user = getattr(people, role)
    client = as_user(user) if user else APIClient()
    before = _snapshot()

    response = getattr(client, method)(url, payload or None, format="json")

    assert response.status_code == expected[role], response.content
    if response.status_code >= 400:
        assert _snapshot() == before
        assert set(response.json()) == {"message", "extra"}
        return
    if endpoint == "list":
        ids = {row["id"] for row in response.json()["results"]}
        assert (offer.pk in ids) == (role in PUBLISHED_VIEWERS)
    if endpoint in {"coverage", "coverage werkproces"}:
        # The offer is Vista's: only Vista's staff see it cover B1-K1-W2.
        body = response.json()
        titles = (
            [row["title"] for row in body["results"]]
            if endpoint == "coverage werkproces"
            else [o["title"] for row in body["rows"] for o in row["offers"]]
        )
        assert (offer.title in titles) == (role in SCHOOL_STAFF), titles
    if endpoint == "mark read":
        jans.refresh_from_db()
        assert (jans.read_at is not None) == (role == "owner_contact")
    if endpoint == "notifications":
        titles = [row["title"] for row in response.json()["results"]]
        assert titles == (["Voor Jan"] if role == "owner_contact" else [])
