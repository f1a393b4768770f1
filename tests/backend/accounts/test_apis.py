import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from backend.accounts.models import Certificate, Invitation, Role, User
from backend.organisations.models import CertificatePolicy, Organisation
from tests.factories import UserFactory, member, student

STRONG = "Kantoortuin-Heerlen-2026"


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_a_token_is_issued_for_e_mail_and_password_and_works(cast):
    response = _client().post(
        reverse("api:auth-token"), {"email": "BOS@vista.test", "password": cast.password}
    )
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get(reverse("api:auth-me")).json()["email"] == "bos@vista.test"


def test_a_wrong_password_or_inactive_login_gets_no_token(cast):
    url = reverse("api:auth-token")
    wrong = _client().post(url, {"email": "bos@vista.test", "password": "fout"})
    assert wrong.status_code == 400
    assert wrong.json() == {"message": "Het e-mailadres of wachtwoord klopt niet.", "extra": {}}
    User.objects.filter(pk=cast.bos.pk).update(is_active=False)
    assert (
        _client().post(url, {"email": "bos@vista.test", "password": cast.password}).status_code
        == 400
    )


def test_session_login_works_for_the_api(cast):
    client = APIClient()
    assert client.login(email="bos@vista.test", password=cast.password)
    assert client.get(reverse("api:auth-me")).status_code == 200


def test_me_shows_memberships_and_the_enrolment_summary_without_care_notes(cast):
    enrolment = cast.sanne.enrolment
    enrolment.care_notes = "dyslexie"
    enrolment.save()
    data = _client(cast.sanne).get(reverse("api:auth-me")).json()
    assert data["roles"] == ["student"]
    assert [(m["organisation"]["name"], m["role"]) for m in data["memberships"]] == [
        ("Vista college", "student")
    ]
    assert data["enrolment"] == {
        "school": {"id": cast.vista.pk, "name": "Vista college", "kind": "school"},
        "student_number": enrolment.student_number,
        "kwalificatie": cast.ict_niveau2.title,
        "crebo": cast.ict_niveau2.crebo,
        "niveau": 2,
        "cohort": 2025,
        "leerweg": "BOL",
        "class_code": "",
    }
    assert "dyslexie" not in str(data)
    devries = _client(cast.devries).get(reverse("api:auth-me")).json()
    assert devries["roles"] == ["coach", "teacher"]
    assert devries["enrolment"] is None


def test_the_reset_request_answers_the_same_for_known_and_unknown_addresses(
    cast, django_capture_on_commit_callbacks
):
    url = reverse("api:password-reset")
    with django_capture_on_commit_callbacks(execute=True):
        known = _client().post(url, {"email": "bos@vista.test"})
        unknown = _client().post(url, {"email": "niemand@vista.test"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert len(mail.outbox) == 1
    uid, token = re.search(r"/wachtwoord/reset/([^/]+)/([^/]+)/", mail.outbox[0].body).groups()
    confirmed = _client().post(
        reverse("api:password-reset-confirm"), {"uid": uid, "token": token, "new_password": STRONG}
    )
    assert confirmed.status_code == 200
    assert (
        _client()
        .post(reverse("api:auth-token"), {"email": "bos@vista.test", "password": STRONG})
        .status_code
        == 200
    )


def test_a_company_signs_up_over_the_api(db):
    response = _client().post(
        reverse("api:company-sign-up"),
        {
            "name": "Studio Maas",
            "kvk": "65432109",
            "contact_email": "ilse@studiomaas.test",
            "contact_first_name": "Ilse",
            "contact_last_name": "Maas",
            "password": STRONG,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["message"].startswith("Check je e-mail")
    assert Organisation.objects.get(kvk="65432109").name == "Studio Maas"
    bad = _client().post(
        reverse("api:company-sign-up"),
        {
            "name": "Studio Maas 2",
            "kvk": "65432109",
            "contact_email": "x@studiomaas.test",
            "contact_first_name": "X",
            "contact_last_name": "Y",
            "password": STRONG,
        },
    )
    assert bad.status_code == 400
    assert bad.json()["extra"]["fields"]["kvk"][0].startswith(
        "KvK-nummer 65432109 is al geregistreerd voor Studio Maas."
    )


def test_an_invitation_round_trip_over_the_api(cast, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = _client(cast.bos).post(
            reverse("api:invitation-list"),
            {"organisation": cast.vista.pk, "email": "nina@vista.test", "role": "teacher"},
        )
    assert created.status_code == 201
    assert "token" not in str(created.json())
    token = re.search(r"/uitnodiging/([^/]+)/", mail.outbox[0].body).group(1)
    lookup = _client().get(reverse("api:invitation-lookup"), {"token": token}).json()
    assert (lookup["email"], lookup["role"], lookup["has_account"]) == (
        "nina@vista.test",
        "teacher",
        False,
    )
    accepted = _client().post(
        reverse("api:invitation-accept"),
        {"token": token, "password": STRONG, "first_name": "Nina", "last_name": "Kuipers"},
    )
    assert accepted.status_code == 201
    again = _client().post(
        reverse("api:invitation-accept"),
        {"token": token, "password": STRONG, "first_name": "Nina", "last_name": "Kuipers"},
    )
    assert again.status_code == 409
    unknown = _client().get(reverse("api:invitation-lookup"), {"token": "fout"})
    assert unknown.status_code == 404


def test_staff_see_only_their_own_schools_students(cast):
    rows = _client(cast.peters).get(reverse("api:student-list")).json()["results"]
    assert [row["id"] for row in rows] == [cast.ahmed.pk]
    vista = _client(cast.devries).get(reverse("api:student-list")).json()["results"]
    assert [row["id"] for row in vista] == [cast.sanne.pk]
    assert set(vista[0]) == {
        "id",
        "name",
        "first_name",
        "last_name",
        "student_number",
        "school",
        "kwalificatie",
        "crebo",
        "niveau",
        "cohort",
        "leerweg",
        "class_code",
    }
    assert (
        _client(cast.peters).get(reverse("api:student-detail", args=[cast.sanne.pk])).status_code
        == 404
    )


def test_care_notes_are_only_for_the_students_own_coach_by_default(cast, people):
    enrolment = cast.sanne.enrolment
    enrolment.care_notes = "Heeft extra tijd nodig bij toetsen."
    enrolment.coach = people.coach
    enrolment.save()
    url = reverse("api:student-detail", args=[cast.sanne.pk])
    assert _client(people.coach).get(url).json()["care_notes"] == (
        "Heeft extra tijd nodig bij toetsen."
    )
    # De Vries coaches at Vista too, but not Sanne.
    for user in (
        cast.devries,
        people.teacher,
        people.coordinator,
        people.programme_lead,
        people.institution_admin,
    ):
        data = _client(user).get(url).json()
        assert "care_notes" not in data
        assert "toetsen" not in str(data)
    assert _client(cast.jan).get(url).status_code == 403


def test_the_student_list_filters_and_searches(cast):
    student(
        school=cast.vista,
        kwalificatie=cast.ict_niveau4,
        first_name="Bram",
        class_code="ICT4A",
        cohort=2024,
    )
    client = _client(cast.bos)
    url = reverse("api:student-list")
    assert [
        r["first_name"] for r in client.get(url, {"class_code": "ICT4A"}).json()["results"]
    ] == ["Bram"]
    assert [
        r["first_name"] for r in client.get(url, {"kwalificatie__niveau": 2}).json()["results"]
    ] == ["Sanne"]
    assert [r["first_name"] for r in client.get(url, {"search": "bram"}).json()["results"]] == [
        "Bram"
    ]
    assert client.get(url, {"cohort": 2030}).json()["count"] == 0


def test_school_staff_check_a_guest_teachers_certificates(cast):
    CertificatePolicy.objects.create(
        organisation=cast.vista, certificate="VOG", applies_to="guest_teacher"
    )
    url = reverse("api:certificate-check")
    params = {
        "person": cast.eva.pk,
        "school": cast.vista.pk,
        "subject": "guest_teacher",
        "on": "2026-03-10",
    }
    data = _client(cast.devries).get(url, params).json()
    assert data == {
        "ok": False,
        "violations": [
            "Vista college vereist een geldige VOG voor gastdocenten; Eva Smit heeft geen VOG in "
            "Koppel. Vraag een nieuwe VOG aan via Justis."
        ],
    }
    vog = Certificate.objects.create(
        holder=cast.eva, kind="VOG", issued_on=dt.date(2026, 1, 1), valid_until=dt.date(2029, 1, 1)
    )
    # Self-declared: not enough until a school has checked the original.
    assert _client(cast.eva).get(url, params).json() == {
        "ok": False,
        "violations": [
            "Vista college vereist een geldige VOG voor gastdocenten; de VOG van Eva Smit is nog "
            "niet gecontroleerd. Laat de school of Koppel het originele document controleren."
        ],
    }
    Certificate.objects.filter(pk=vog.pk).update(verified_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    assert _client(cast.eva).get(url, params).json() == {"ok": True, "violations": []}
    # Students' certificates are not for other schools' or companies' eyes (answered as if the
    # person did not exist, so ids cannot be probed).
    student_params = {**params, "person": cast.sanne.pk}
    assert _client(cast.peters).get(url, student_params).status_code == 404


def test_people_add_and_see_their_own_certificates(cast):
    client = _client(cast.eva)
    created = client.post(
        reverse("api:certificate-list"),
        {"kind": "VOG", "issued_on": "2026-01-01", "valid_until": "2029-01-01"},
    )
    assert created.status_code == 201
    assert [c["kind"] for c in client.get(reverse("api:certificate-list")).json()["results"]] == [
        "VOG"
    ]
    assert _client(cast.jan).get(reverse("api:certificate-list")).json()["count"] == 0
    assert _client(cast.bos).get(reverse("api:certificate-list")).json()["count"] == 1


def _queries(user_pk: int, url: str) -> int:
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user_pk))
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    assert response.json()["count"] > 0
    return len(context.captured_queries)


def _grow(cast, what: str, count: int) -> None:
    for _ in range(count):
        if what == "students":
            coach = member(UserFactory(), cast.vista, Role.COACH)
            student(school=cast.vista, kwalificatie=cast.ict_niveau2, coach=coach)
        elif what == "invitations":
            Invitation.objects.create(
                email=f"x{Invitation.objects.count()}@vista.test",
                organisation=cast.vista,
                role=Role.TEACHER,
                token_hash=f"{Invitation.objects.count():064d}",
                invited_by=UserFactory(),
                expires_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
            )
        elif what == "certificates":
            holder = UserFactory()
            Certificate.objects.create(
                holder=holder,
                kind="VOG",
                issued_on=dt.date(2026, 1, 1),
                valid_until=dt.date(2027, 1, 1),
                verified_by=UserFactory(),
            )


@pytest.mark.parametrize(
    ("what", "url_name"),
    [
        ("students", "api:student-list"),
        ("invitations", "api:invitation-list"),
        ("certificates", "api:certificate-list"),
    ],
)
def test_list_endpoints_use_the_same_number_of_queries_for_3_and_10_rows(cast, what, url_name):
    _grow(cast, what, 3)
    few = _queries(cast.bos.pk, reverse(url_name))
    _grow(cast, what, 7)
    many = _queries(cast.bos.pk, reverse(url_name))
    assert few == many
    assert many <= 6


def test_me_uses_the_same_number_of_queries_for_3_and_10_memberships(cast):
    from tests.factories import CompanyFactory

    user = UserFactory()
    for _ in range(3):
        member(user, CompanyFactory(), Role.COMPANY_CONTACT)
    few = _queries_me(user.pk)
    for _ in range(7):
        member(user, CompanyFactory(), Role.COMPANY_CONTACT)
    assert _queries_me(user.pk) == few


def _queries_me(user_pk: int) -> int:
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user_pk))
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("api:auth-me")).status_code == 200
    return len(context.captured_queries)
