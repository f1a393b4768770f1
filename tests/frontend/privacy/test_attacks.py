"""An attacker's review of the privacy pages (issue 14): another school's officer, an ended
membership, Koppel staff, people with two roles, bad input, double submissions and leaks."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import (
    Consent,
    ConsentPurpose,
    Membership,
    PersonalDataRead,
    PersonalDataReadKind,
    Role,
    StudentEnrolment,
    User,
)
from backend.accounts.services.sensitive_reads import record_sensitive_read
from backend.notifications.models import Notification
from backend.privacy.models import (
    DataRequest,
    RequestKind,
    RequestStatus,
    RetentionPolicy,
    RetentionRule,
    RetentionRun,
)
from backend.privacy.retention import DEFAULT_MONTHS
from backend.privacy.selectors.requests import may_be_erased_for
from tests.backend.privacy.factories import data_request
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def _request(cast, subject=None, *, kind=RequestKind.ERASURE, school=None, **fields):
    return data_request(school or cast.vista, subject or cast.sanne, kind=kind, **fields)


def _run(school):
    now = timezone.now()
    return RetentionRun.objects.create(
        school=school, dry_run=True, started_at=now, finished_at=now, as_of=now
    )


@pytest.fixture
def gilde_officer(cast):
    return member(UserFactory(first_name="Gijs"), cast.gilde, Role.PRIVACY_OFFICER)


# --- another school's officer ------------------------------------------------------------------


def test_another_schools_officer_reaches_none_of_vistas_objects(cast, gilde_officer, page_client):
    request = _request(cast)
    run = _run(cast.vista)
    client = page_client(gilde_officer)
    sanne = cast.sanne.pk
    not_found = [
        ("get", reverse("frontend:privacy-request", args=[request.pk]), {}),
        ("post", reverse("frontend:privacy-request", args=[request.pk]), {"status": "done"}),
        ("get", reverse("frontend:privacy-request-erase", args=[request.pk]), {}),
        ("post", reverse("frontend:privacy-request-erase", args=[request.pk]), {}),
        ("get", reverse("frontend:privacy-retention-run", args=[run.pk]), {}),
        ("get", reverse("frontend:privacy-student-data", args=[sanne]), {"reden": "x"}),
        ("post", reverse("frontend:privacy-student-data", args=[sanne]), {"reden": "x"}),
        ("get", reverse("frontend:privacy-student-data-json", args=[sanne]), {}),
        ("get", reverse("frontend:privacy-register"), {"school": cast.vista.pk}),
        ("get", reverse("frontend:privacy-retention"), {"school": cast.vista.pk}),
        ("post", reverse("frontend:privacy-retention"), {"school": cast.vista.pk}),
        ("post", reverse("frontend:privacy-retention-dry-run"), {"school": cast.vista.pk}),
    ]
    for method, url, data in not_found:
        assert getattr(client, method)(url, data).status_code == 404, (method, url)
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    assert not PersonalDataRead.objects.exists()
    assert RetentionRun.objects.count() == 1
    assert not RetentionPolicy.objects.exists()


def test_another_schools_officer_finds_no_vista_student_request_or_read(
    cast, gilde_officer, page_client
):
    _request(cast)
    record_sensitive_read(
        reader=cast.devries,
        student=cast.sanne,
        kind=PersonalDataReadKind.CARE_NOTES,
        purpose="api:student-detail",
    )
    client = page_client(gilde_officer)
    sanne = cast.sanne
    number = sanne.enrolment.student_number
    pages = [
        reverse("frontend:privacy-students") + f"?q={sanne.first_name}",
        reverse("frontend:privacy-students") + f"?q={number}",
        reverse("frontend:privacy-students") + "?q=%25",
        reverse("frontend:privacy-requests"),
        reverse("frontend:privacy-requests") + "?status=open",
        reverse("frontend:privacy-requests") + "?status=submitted",
        reverse("frontend:privacy-access-log") + f"?student={sanne.first_name}",
        reverse("frontend:privacy-access-log") + "?kind=care_notes",
        reverse("frontend:privacy-home"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert sanne.get_full_name() not in text, url
        assert reverse("frontend:privacy-student-data", args=[sanne.pk]) not in text, url
        assert cast.devries.get_full_name() not in text, url


# --- ended memberships, two roles, Koppel staff -----------------------------------------------

OFFICER_PAGES = [
    "frontend:privacy-home",
    "frontend:privacy-register",
    "frontend:privacy-students",
    "frontend:privacy-requests",
    "frontend:privacy-access-log",
    "frontend:privacy-retention",
]


def test_an_officer_whose_membership_ended_is_refused_everywhere(cast, page_client):
    request = _request(cast)
    Membership.objects.filter(user=cast.fenna, role=Role.PRIVACY_OFFICER).update(
        ended_at=timezone.now()
    )
    client = page_client(cast.fenna)
    for name in OFFICER_PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    detail = reverse("frontend:privacy-request", args=[request.pk])
    assert client.get(detail).status_code == 403
    erase = reverse("frontend:privacy-request-erase", args=[request.pk])
    assert client.post(erase).status_code == 403
    data = reverse("frontend:privacy-student-data-json", args=[cast.sanne.pk])
    assert client.get(data).status_code == 403
    assert not PersonalDataRead.objects.exists()


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_staff": True, "is_superuser": True}])
def test_koppel_staff_and_superusers_do_not_get_the_officers_pages(cast, page_client, flags):
    """Koppel's own staff are not a school's officer: they answer for no school's requests."""
    request = _request(cast)
    admin = UserFactory(**flags)
    client = page_client(admin)
    for name in OFFICER_PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    for url in (
        reverse("frontend:privacy-request", args=[request.pk]),
        reverse("frontend:privacy-student-data-json", args=[cast.sanne.pk]),
        reverse("frontend:my-data"),
        reverse("frontend:my-privacy"),
    ):
        assert client.get(url).status_code == 403, url
    assert not PersonalDataRead.objects.exists()


def test_an_officer_who_also_teaches_at_gilde_sees_only_vista_students(cast, page_client):
    member(cast.fenna, cast.gilde, Role.TEACHER)
    client = page_client(cast.fenna)

    search = client.get(reverse("frontend:privacy-students"), {"q": "Ahmed"})
    assert cast.ahmed.get_full_name() not in search.content.decode()
    data = reverse("frontend:privacy-student-data-json", args=[cast.ahmed.pk])
    assert client.get(data).status_code == 404
    register = reverse("frontend:privacy-register")
    assert client.get(register, {"school": cast.gilde.pk}).status_code == 404


# --- a student and other students' data -------------------------------------------------------


def test_a_student_reaches_nothing_of_another_student(cast, page_client):
    request = _request(cast, cast.ahmed, school=cast.gilde, details="Ahmeds eigen woorden")
    client = page_client(cast.sanne)
    for url in (
        reverse("frontend:my-privacy"),
        reverse("frontend:my-data"),
        reverse("frontend:my-data-json"),
        reverse("frontend:my-request-new"),
    ):
        text = client.get(url).content.decode()
        assert cast.ahmed.get_full_name() not in text, url
        assert cast.ahmed.email not in text, url
        assert "Ahmeds eigen woorden" not in text, url
    for name in ("privacy-request", "privacy-request-erase"):
        response = client.get(reverse(f"frontend:{name}", args=[request.pk]))
        assert response.status_code == 403
    data = reverse("frontend:privacy-student-data-json", args=[cast.ahmed.pk])
    assert client.get(data).status_code == 403


def test_consent_takes_only_known_purposes_and_only_by_post(cast, page_client):
    client = page_client(cast.sanne)
    unknown = reverse("frontend:my-consent-change", args=["marketing"])
    assert client.post(unknown, {"action": "give"}).status_code == 404
    photos = reverse("frontend:my-consent-change", args=[ConsentPurpose.EVENT_PHOTOS])
    assert client.get(photos, {"action": "give"}).status_code == 302
    assert not Consent.objects.exists()

    client.post(photos, {"action": "give"})
    client.post(photos, {"action": "give"})
    assert Consent.objects.filter(person=cast.sanne, withdrawn_at=None).count() == 1
    client.post(photos, {"action": "withdraw"})
    withdrawn = Consent.objects.get().withdrawn_at
    client.post(photos, {"action": "withdraw"})
    assert Consent.objects.get().withdrawn_at == withdrawn


# --- CSRF ---------------------------------------------------------------------------------------


def test_every_post_of_the_privacy_pages_needs_the_csrf_token(cast):
    request = _request(cast)
    posts = [
        (
            cast.sanne,
            reverse("frontend:my-consent-change", args=[ConsentPurpose.EVENT_PHOTOS]),
            {"action": "give"},
        ),
        (cast.sanne, reverse("frontend:my-request-new"), {"kind": "access"}),
        (cast.fenna, reverse("frontend:privacy-request", args=[request.pk]), {"status": "done"}),
        (cast.fenna, reverse("frontend:privacy-request-erase", args=[request.pk]), {}),
        (cast.fenna, reverse("frontend:privacy-retention"), {"care_notes": "3"}),
        (cast.fenna, reverse("frontend:privacy-retention-dry-run"), {}),
        (
            cast.fenna,
            reverse("frontend:privacy-student-data", args=[cast.sanne.pk]),
            {"reden": "x"},
        ),
    ]
    for user, url, data in posts:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        assert client.post(url, data).status_code == 403, url
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    assert not Consent.objects.exists()
    assert DataRequest.objects.count() == 1
    assert not RetentionRun.objects.exists()
    assert not PersonalDataRead.objects.exists()


# --- bad input ----------------------------------------------------------------------------------


def test_a_long_or_odd_reason_is_refused_on_the_page_and_never_reaches_the_log(cast, page_client):
    client = page_client(cast.fenna)
    page = reverse("frontend:privacy-student-data", args=[cast.sanne.pk])

    response = client.get(page, {"reden": "x" * 10_000})
    assert response.status_code == 200
    assert not PersonalDataRead.objects.exists()

    script = '<script>alert("x")</script>\nregel twee'
    response = client.post(page, {"reden": script})
    assert response.status_code == 200
    assert '<script>alert("x")</script>' not in response.content.decode()
    assert PersonalDataRead.objects.get().reason == script.strip()


def test_a_nul_byte_is_a_400_in_the_address_and_a_field_error_in_a_form(cast, page_client):
    client = page_client(cast.fenna)
    page = reverse("frontend:privacy-student-data-json", args=[cast.sanne.pk])
    assert client.get(page, {"reden": "a\x00b"}).status_code == 400
    response = page_client(cast.sanne).post(
        reverse("frontend:my-request-new"), {"kind": "correction", "details": "a\x00b"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["details"]
    assert not DataRequest.objects.exists()
    assert not PersonalDataRead.objects.exists()


@pytest.mark.parametrize("value", ["-1", "abc", "241", "", "1.5", "99999999999999999999"])
def test_a_bad_retention_period_changes_nothing(cast, page_client, value):
    months = {rule.value: "30" for rule in RetentionRule}
    response = page_client(cast.fenna).post(
        reverse("frontend:privacy-retention"), {**months, "care_notes": value}
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["care_notes"]
    assert not RetentionPolicy.objects.exists()


def test_a_rule_that_does_not_exist_is_ignored(cast, page_client):
    months = {rule.value: "30" for rule in RetentionRule}
    response = page_client(cast.fenna).post(
        reverse("frontend:privacy-retention"), {**months, "no_such_rule": "5"}
    )
    assert response.status_code == 302
    assert sorted(RetentionPolicy.objects.values_list("rule", flat=True)) == sorted(
        rule.value for rule in RetentionRule if DEFAULT_MONTHS[rule] != 30
    )


@pytest.mark.parametrize("page", ["-1", "abc", "0", str(10**12), "1e3", "²"])
def test_odd_page_numbers_show_a_page(cast, page_client, page):
    _request(cast)
    client = page_client(cast.fenna)
    for name in (
        "frontend:privacy-requests",
        "frontend:privacy-students",
        "frontend:privacy-retention",
    ):
        assert client.get(reverse(name), {"pagina": page}).status_code == 200, name
    response = client.get(reverse("frontend:privacy-access-log"), {"page": page})
    assert response.status_code == 200


def test_search_wildcards_match_literally(cast, page_client):
    client = page_client(cast.fenna)
    for query in ("%", "_", "%%", "S_"):
        text = client.get(reverse("frontend:privacy-students"), {"q": query}).content.decode()
        assert cast.sanne.get_full_name() not in text, query
        log = client.get(reverse("frontend:privacy-access-log"), {"student": query})
        assert log.status_code == 200


# --- double submissions -------------------------------------------------------------------------


def test_closing_twice_and_erasing_a_closed_request_are_refused(cast, page_client):
    request = _request(cast)
    client = page_client(cast.fenna)
    detail = reverse("frontend:privacy-request", args=[request.pk])
    erase = reverse("frontend:privacy-request-erase", args=[request.pk])

    assert client.post(detail, {"status": "refused", "outcome": "Nee."}).status_code == 302
    assert client.post(detail, {"status": "done", "outcome": ""}).status_code == 404
    assert client.post(erase).status_code == 404
    request.refresh_from_db()
    assert (request.status, request.outcome) == (RequestStatus.REFUSED, "Nee.")
    assert User.objects.get(pk=cast.sanne.pk).is_active


def test_erasing_twice_erases_once(cast, page_client):
    request = _request(cast)
    client = page_client(cast.fenna)
    erase = reverse("frontend:privacy-request-erase", args=[request.pk])

    assert client.post(erase).status_code == 302
    report = DataRequest.objects.get().report
    assert client.post(erase).status_code == 404
    assert DataRequest.objects.get().report == report


def _enrol(user, school, kwalificatie):
    StudentEnrolment.objects.create(
        student=user,
        school=school,
        kwalificatie=kwalificatie,
        student_number=f"X{user.pk:06d}",
        cohort=2025,
    )
    member(user, school, Role.STUDENT)


@pytest.mark.parametrize("who", ["fenna", "devries", "staff"])
def test_a_crafted_request_never_erases_an_officer_or_a_staff_member(cast, page_client, who):
    """A person with a staff role (or Koppel staff) who also has an enrolment is not erased
    through a student's request: erasure would end their work account too."""
    person = UserFactory(is_staff=True) if who == "staff" else getattr(cast, who)
    _enrol(person, cast.vista, cast.ict_niveau2)
    request = _request(cast, person)
    assert not may_be_erased_for(request)

    client = page_client(cast.fenna)
    erase = reverse("frontend:privacy-request-erase", args=[request.pk])
    assert client.post(erase).status_code == 404
    assert User.objects.get(pk=person.pk).is_active
    assert DataRequest.objects.get().status == RequestStatus.SUBMITTED


# --- leaks and the access log -------------------------------------------------------------------


def test_the_officers_notification_names_no_student(cast, page_client):
    page_client(cast.sanne).post(reverse("frontend:my-request-new"), {"kind": "erasure"})

    notification = Notification.objects.get(recipient=cast.fenna)
    text = f"{notification.title} {notification.body}"
    assert cast.sanne.first_name not in text
    assert cast.sanne.last_name not in text
    assert cast.sanne.enrolment.student_number not in text


def test_every_officer_export_is_logged_and_the_students_own_is_not(cast, page_client):
    officer = page_client(cast.fenna)
    pk = cast.sanne.pk
    officer.post(reverse("frontend:privacy-student-data", args=[pk]), {"reden": "verzoek 1"})
    officer.get(reverse("frontend:privacy-student-data", args=[pk]), {"reden": "verzoek 2"})
    officer.get(reverse("frontend:privacy-student-data-json", args=[pk]), {"reden": "verzoek 3"})
    officer.get(reverse("frontend:privacy-student-data-json", args=[pk]))
    officer.get(reverse("frontend:privacy-student-data", args=[pk]))  # only the form
    student = page_client(cast.sanne)
    student.get(reverse("frontend:my-data"))
    student.get(reverse("frontend:my-data-json"))

    reads = PersonalDataRead.objects.order_by("id")
    assert [(r.reader, r.student, r.school, r.kind, r.reason) for r in reads] == [
        (cast.fenna, cast.sanne, cast.vista, PersonalDataReadKind.EXPORT, f"verzoek {n}")
        for n in (1, 2, 3)
    ] + [(cast.fenna, cast.sanne, cast.vista, PersonalDataReadKind.EXPORT, "")]


def test_the_officers_export_holds_no_other_student(cast, page_client):
    response = page_client(cast.fenna).get(
        reverse("frontend:privacy-student-data-json", args=[cast.sanne.pk])
    )
    text = response.content.decode()
    exported = json.loads(text)
    assert exported["subject"]["id"] == cast.sanne.pk
    for other in (cast.ahmed, cast.fenna, cast.devries, cast.bos):
        assert other.email not in text
        assert other.get_full_name() not in text


def test_a_404_shows_nothing_of_the_request(cast, gilde_officer, page_client):
    request = _request(cast, details="Geheime toelichting")
    response = page_client(gilde_officer).get(
        reverse("frontend:privacy-request", args=[request.pk])
    )
    assert response.status_code == 404
    text = response.content.decode()
    assert "Geheime toelichting" not in text
    assert cast.sanne.get_full_name() not in text
