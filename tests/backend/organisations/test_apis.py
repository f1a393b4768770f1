import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import Membership, Role, User
from backend.organisations.models import (
    CertificatePolicy,
    ConsortiumRole,
    Location,
    Organisation,
    OrganisationKind,
)
from tests.factories import (
    CompanyFactory,
    ConsortiumFactory,
    UserFactory,
    consortium_member,
    member,
)


def _queries(user_pk: int, url: str) -> int:
    # A fresh user object per request: role lookups are cached on the user instance.
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user_pk))
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


def _grow(cast, people, what: str, count: int) -> None:
    for index in range(count):
        if what == "organisations":
            company = CompanyFactory()
            consortium_member(cast.consortium, company)
        elif what == "locations":
            Location.objects.create(
                organisation=cast.vista, name=f"Locatie {index}", postcode="6411 AB", city="Heerlen"
            )
        elif what == "consortia":
            consortium = ConsortiumFactory()
            consortium_member(consortium, CompanyFactory())
            consortium_member(consortium, cast.vista, ConsortiumRole.LEAD)
        elif what == "members":
            consortium_member(cast.consortium, CompanyFactory())
        elif what == "staff":
            member(UserFactory(), cast.vista, Role.TEACHER)
        elif what == "policies":
            CertificatePolicy.objects.get_or_create(
                organisation=cast.vista,
                certificate=["VOG", "BHV", "VCA"][index % 3],
                applies_to=["guest_teacher", "company_mentor"][index // 3 % 2],
            )


LISTS = [
    ("organisations", lambda w: reverse("api:organisation-list")),
    ("locations", lambda w: reverse("api:location-list")),
    ("consortia", lambda w: reverse("api:consortium-list")),
    ("members", lambda w: reverse("api:consortium-member-list", args=[w.consortium.pk])),
    ("staff", lambda w: reverse("api:organisation-memberships", args=[w.vista.pk])),
    ("policies", lambda w: reverse("api:certificate-policy-list", args=[w.vista.pk])),
]


@pytest.mark.parametrize("role", ["student", "institution_admin"])
@pytest.mark.parametrize(("what", "url"), LISTS, ids=[name for name, _ in LISTS])
def test_list_endpoints_use_the_same_number_of_queries_for_3_and_10_rows(
    cast, people, what, url, role
):
    user = getattr(people, role)
    if what == "staff" and role == "student":
        user = people.coordinator
    _grow(cast, people, what, 3)
    few = _queries(user.pk, url(cast))
    _grow(cast, people, what, 7)
    many = _queries(user.pk, url(cast))
    assert few == many
    assert many <= 8


def test_a_company_contact_sees_their_own_company_and_the_schools_but_no_other_company(cast):
    response = APIClient()
    response.force_authenticate(cast.jan)
    names = [
        row["name"] for row in response.get(reverse("api:organisation-list")).json()["results"]
    ]
    assert names == ["Bakkerij Jansen", "Gilde Opleidingen", "Vista college"]


def test_a_student_sees_the_companies_of_their_schools_consortium_only(cast):
    client = APIClient()
    client.force_authenticate(cast.sanne)
    names = {
        row["name"]
        for row in client.get(reverse("api:organisation-list"), {"kind": "company"}).json()[
            "results"
        ]
    }
    assert names == {"Pixelfabriek"}


def test_the_organisation_list_filters_searches_and_orders(cast):
    client = APIClient()
    client.force_authenticate(cast.bos)
    url = reverse("api:organisation-list")
    assert [o["name"] for o in client.get(url, {"kind": "school"}).json()["results"]] == [
        "Gilde Opleidingen",
        "Vista college",
    ]
    assert [o["name"] for o in client.get(url, {"search": "87654321"}).json()["results"]] == [
        "Pixelfabriek"
    ]
    ordered = client.get(url, {"ordering": "-name", "page_size": 2}).json()
    assert [o["name"] for o in ordered["results"]] == ["Vista college", "Pixelfabriek"]
    assert ordered["count"] == 4


def test_company_contacts_are_shown_to_school_staff_but_not_to_students(cast):
    url = reverse("api:organisation-detail", args=[cast.pixel.pk])
    staff, student = APIClient(), APIClient()
    staff.force_authenticate(cast.bos)
    student.force_authenticate(cast.sanne)
    assert staff.get(url).json()["contacts"] == [
        {"id": cast.eva.pk, "name": "Eva Smit", "email": "eva@pixelfabriek.test", "job_title": ""}
    ]
    assert "contacts" not in student.get(url).json()


def test_creating_a_company_with_a_bad_kvk_names_the_field(cast):
    client = APIClient()
    client.force_authenticate(cast.bos)
    response = client.post(
        reverse("api:organisation-list"),
        {"name": "Nieuw", "kind": "company", "kvk": "1234"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["kvk"] == [
        "Een KvK-nummer bestaat uit precies 8 cijfers."
    ]
    assert not Organisation.objects.filter(name="Nieuw").exists()


def test_a_school_coordinator_cannot_register_a_school(cast):
    client = APIClient()
    client.force_authenticate(cast.bos)
    response = client.post(
        reverse("api:organisation-list"),
        {"name": "ROC Nieuw", "kind": OrganisationKind.SCHOOL, "brin": "40AB"},
        format="json",
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="ROC Nieuw").exists()


def test_koppel_staff_record_a_takeover_over_the_api(cast):
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True))
    response = client.post(
        reverse("api:organisation-succeed", args=[cast.bakkerij.pk]),
        {"successor": cast.pixel.pk, "on": "2026-03-01"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["succeeded_by"] == {
        "id": cast.pixel.pk,
        "name": "Pixelfabriek",
        "kind": "company",
    }
    assert response.json()["succeeded_on"] == "2026-03-01"


def test_the_staff_list_leaves_out_students_and_shows_ended_memberships(cast, people):
    Membership.objects.filter(user=cast.devries, role=Role.COACH).update(ended_at=timezone.now())
    client = APIClient()
    client.force_authenticate(people.institution_admin)
    url = reverse("api:organisation-memberships", args=[cast.vista.pk])
    rows = client.get(url, {"ordering": "created_at"}).json()["results"]
    assert Role.STUDENT not in {row["role"] for row in rows}
    assert [(r["email"], r["role"], r["ended_at"] is None) for r in rows[:3]] == [
        ("bos@vista.test", "coordinator", True),
        ("devries@vista.test", "teacher", True),
        ("devries@vista.test", "coach", False),
    ]
    active = client.get(url, {"active": "true"}).json()["results"]
    assert ("devries@vista.test", "coach") not in {(r["email"], r["role"]) for r in active}
