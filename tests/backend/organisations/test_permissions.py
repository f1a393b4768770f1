"""Every organisations endpoint × every role: allowed and denied, and a denied write changes
nothing."""

import pytest
from django.urls import reverse

from backend.accounts.models import Membership
from backend.organisations.models import (
    CertificatePolicy,
    Consortium,
    ConsortiumMembership,
    Location,
    Organisation,
)
from tests.backend.accounts.people import ROLES
from tests.backend.permission_matrix import ALL_SIGNED_IN, Case, client_as, snapshot

# The organisation directory: everyone signed in but a privacy officer (issue 14: the officer
# sees the privacy pages and their own account only).
DIRECTORY = ALL_SIGNED_IN - {"privacy_officer"}
INTAKE = {"coordinator", "programme_lead", "institution_admin", "other_school_staff"}


def _state():
    """Everything these endpoints may write, to prove a denied request changed nothing."""
    return snapshot(
        Organisation, Location, Consortium, ConsortiumMembership, CertificatePolicy, Membership
    )


def _location(w):
    return Location.objects.get_or_create(
        organisation=w.vista,
        name="Campus Heerlen",
        defaults={"postcode": "6411 AB", "city": "Heerlen"},
    )[0]


def _policy(w):
    return CertificatePolicy.objects.get_or_create(
        organisation=w.vista, certificate="VOG", applies_to="guest_teacher"
    )[0]


CASES = [
    Case("organisation list", "get", lambda w: reverse("api:organisation-list"), DIRECTORY),
    Case(
        "organisation create company",
        "post",
        lambda w: reverse("api:organisation-list"),
        INTAKE,
        lambda w: {"name": "Nieuw BV", "kind": "company", "kvk": "55554444"},
    ),
    Case(
        "organisation detail school",
        "get",
        lambda w: reverse("api:organisation-detail", args=[w.vista.pk]),
        DIRECTORY,
    ),
    Case(
        "organisation detail other company",
        "get",
        lambda w: reverse("api:organisation-detail", args=[w.pixel.pk]),
        DIRECTORY - {"company_contact"},
    ),
    Case(
        "organisation update school",
        "patch",
        lambda w: reverse("api:organisation-detail", args=[w.vista.pk]),
        {"institution_admin"},
        lambda w: {"description": "Nieuw"},
    ),
    Case(
        "organisation update company",
        "patch",
        lambda w: reverse("api:organisation-detail", args=[w.bakkerij.pk]),
        {"company_contact"},
        lambda w: {"employee_count": 5},
    ),
    Case(
        "organisation succeed",
        "post",
        lambda w: reverse("api:organisation-succeed", args=[w.bakkerij.pk]),
        set(),
        lambda w: {"successor": w.pixel.pk, "on": "2026-03-01"},
    ),
    Case(
        "organisation staff list",
        "get",
        lambda w: reverse("api:organisation-memberships", args=[w.vista.pk]),
        {"coordinator", "programme_lead", "institution_admin"},
    ),
    Case("location list", "get", lambda w: reverse("api:location-list"), DIRECTORY),
    Case(
        "location create",
        "post",
        lambda w: reverse("api:location-list"),
        {"institution_admin"},
        lambda w: {
            "organisation": w.vista.pk,
            "name": "Sittard",
            "postcode": "6131 AA",
            "city": "Sittard",
        },
    ),
    Case(
        "location update",
        "patch",
        lambda w: reverse("api:location-detail", args=[_location(w).pk]),
        {"institution_admin"},
        lambda w: {"city": "Heerlen-Noord"},
    ),
    Case(
        "location delete",
        "delete",
        lambda w: reverse("api:location-detail", args=[_location(w).pk]),
        {"institution_admin"},
    ),
    Case(
        "location detail",
        "get",
        lambda w: reverse("api:location-detail", args=[_location(w).pk]),
        DIRECTORY,
    ),
    Case("consortium list", "get", lambda w: reverse("api:consortium-list"), DIRECTORY),
    Case(
        "consortium detail",
        "get",
        lambda w: reverse("api:consortium-detail", args=[w.consortium.pk]),
        DIRECTORY,
    ),
    Case(
        "consortium member list",
        "get",
        lambda w: reverse("api:consortium-member-list", args=[w.consortium.pk]),
        DIRECTORY,
    ),
    Case(
        "consortium create",
        "post",
        lambda w: reverse("api:consortium-list"),
        {"institution_admin"},
        lambda w: {"name": "Zorg Zuid", "lead": w.vista.pk},
    ),
    Case(
        "consortium update",
        "patch",
        lambda w: reverse("api:consortium-detail", args=[w.consortium.pk]),
        {"institution_admin"},
        lambda w: {"description": "RIF-project"},
    ),
    Case(
        "consortium member add",
        "post",
        lambda w: reverse("api:consortium-member-list", args=[w.consortium.pk]),
        {"institution_admin"},
        lambda w: {"organisation": w.bakkerij.pk, "role": "associate"},
    ),
    Case(
        "consortium member role",
        "patch",
        lambda w: reverse(
            "api:consortium-member-detail",
            args=[ConsortiumMembership.objects.get(organisation=w.pixel).pk],
        ),
        {"institution_admin"},
        lambda w: {"role": "associate"},
    ),
    Case(
        "consortium member end",
        "post",
        lambda w: reverse(
            "api:consortium-member-end",
            args=[ConsortiumMembership.objects.get(organisation=w.pixel).pk],
        ),
        {"institution_admin"},
        lambda w: {"left_on": "2026-06-30"},
    ),
    Case(
        "certificate policy list",
        "get",
        lambda w: reverse("api:certificate-policy-list", args=[w.vista.pk]),
        DIRECTORY,
    ),
    Case(
        "certificate policy create",
        "post",
        lambda w: reverse("api:certificate-policy-list", args=[w.vista.pk]),
        {"institution_admin"},
        lambda w: {"certificate": "VOG", "applies_to": "guest_teacher"},
    ),
    Case(
        "school policy",
        "get",
        lambda w: reverse("api:school-policy", args=[w.vista.pk]),
        {"teacher", "coach", "coordinator", "programme_lead", "institution_admin"},
    ),
    Case(
        "school policy change",
        "patch",
        lambda w: reverse("api:school-policy", args=[w.vista.pk]),
        {"institution_admin"},
        lambda w: {"coordinators_may_import_students": True, "care_notes_roles": ["coordinator"]},
    ),
    Case(
        "certificate policy delete",
        "delete",
        lambda w: reverse("api:certificate-policy-detail", args=[_policy(w).pk]),
        {"institution_admin"},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_organisation_endpoint_permissions(cast, people, case, role):
    url, data = case.url(cast), case.data(cast)
    client = client_as(people, role)
    before = _state()
    response = case.send(client, url, data)
    if role in case.allowed:
        assert response.status_code in (200, 201, 204), response.content
    else:
        assert response.status_code in (401, 403, 404), response.content
        assert response.json()["message"]
        assert _state() == before
