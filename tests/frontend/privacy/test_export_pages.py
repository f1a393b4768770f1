"""The export pages: the student's own data (page and JSON), and the privacy officer's search,
reason form, page and JSON for a student of their school (logged; another school's is a 404)."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import PersonalDataRead, PersonalDataReadKind, Role
from tests.factories import UserFactory, member, student


def _student_data(pk):
    return reverse("frontend:privacy-student-data", args=[pk])


def _student_json(pk):
    return reverse("frontend:privacy-student-data-json", args=[pk])


@pytest.fixture
def sanne(cast):
    enrolment = cast.sanne.enrolment
    enrolment.coach = cast.devries
    enrolment.class_code = "ICT2A"
    enrolment.care_notes = "Extra tijd bij toetsen."
    enrolment.save()
    return cast.sanne


@pytest.mark.django_db
def test_the_student_reads_their_own_data_grouped_by_category(cast, sanne, page_client):
    response = page_client(sanne).get(reverse("frontend:my-data"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Jouw gegevens in Koppel" in page
    for text in (
        "Identiteit",
        "Zorg en begeleiding",
        sanne.enrolment.student_number,
        "Extra tijd bij toetsen.",
        "ICT2A",
        "docent bij Vista college",
        reverse("frontend:my-data-json"),
        "data-print",
    ):
        assert text in page, text
    assert cast.devries.get_full_name() not in page
    assert cast.ahmed.get_full_name() not in page
    assert "no-store" in response["Cache-Control"]
    assert not PersonalDataRead.objects.exists()


@pytest.mark.django_db
def test_the_student_downloads_their_data_as_json(cast, sanne, page_client):
    response = page_client(sanne).get(reverse("frontend:my-data-json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="koppel-gegevens-{today}.json"'
    )
    assert response["Cache-Control"] == "no-store"
    exported = json.loads(response.content)
    assert exported["format"] == "koppel-personal-data/1"
    assert exported["subject"]["id"] == sanne.pk
    assert exported["subject"]["student_number"] == sanne.enrolment.student_number
    assert "Extra tijd bij toetsen." in response.content.decode()
    assert cast.ahmed.email not in response.content.decode()
    assert not PersonalDataRead.objects.exists()


@pytest.mark.django_db
def test_the_officer_searches_their_schools_students_by_name_or_number(
    cast, page_client, django_assert_max_num_queries
):
    client = page_client(cast.fenna)
    url = reverse("frontend:privacy-students")

    by_name = client.get(url, {"q": cast.sanne.last_name})
    by_number = client.get(url, {"q": cast.sanne.enrolment.student_number})
    other_school = client.get(url, {"q": cast.ahmed.enrolment.student_number})

    for response in (by_name, by_number):
        assert response.status_code == 200
        assert _student_data(cast.sanne.pk) in response.content.decode()
    assert _student_data(cast.ahmed.pk) not in other_school.content.decode()
    assert "Geen student gevonden" in other_school.content.decode()

    for number in range(30):
        student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name=f"Noor{number:02d}")
    with django_assert_max_num_queries(8):
        first = client.get(url)
    assert first.content.decode().count('href="/privacy/studenten/') == 25
    assert "Pagina 1 van 2" in first.content.decode()
    second = client.get(url, {"pagina": 2})
    assert second.content.decode().count('href="/privacy/studenten/') == 6
    assert _student_data(cast.ahmed.pk) not in first.content.decode() + second.content.decode()


@pytest.mark.django_db
def test_the_officer_gives_a_reason_and_the_export_is_logged(cast, sanne, page_client):
    client = page_client(cast.fenna)

    form = client.get(_student_data(sanne.pk))
    assert form.status_code == 200
    assert "Waarom bekijkt u deze gegevens?" in form.content.decode()
    assert "Extra tijd bij toetsen." not in form.content.decode()
    assert not PersonalDataRead.objects.exists()

    response = client.post(_student_data(sanne.pk), {"reden": "verzoek om inzage #12"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Extra tijd bij toetsen." in page
    assert f"{_student_json(sanne.pk)}?reden=verzoek+om+inzage+%2312" in page
    read = PersonalDataRead.objects.get()
    assert (read.reader, read.student, read.school, read.kind) == (
        cast.fenna,
        sanne,
        cast.vista,
        PersonalDataReadKind.EXPORT,
    )
    assert (read.purpose, read.reason) == ("frontend:privacy-student-data", "verzoek om inzage #12")


@pytest.mark.django_db
def test_a_get_with_a_reason_shows_and_logs_too(cast, sanne, page_client):
    response = page_client(cast.fenna).get(_student_data(sanne.pk), {"reden": ""})

    assert response.status_code == 200
    assert "Extra tijd bij toetsen." in response.content.decode()
    assert PersonalDataRead.objects.get().reason == ""


@pytest.mark.django_db
def test_the_officers_json_download_is_logged_with_its_reason(cast, sanne, page_client):
    response = page_client(cast.fenna).get(_student_json(sanne.pk), {"reden": "verzoek #3"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="koppel-gegevens-')
    exported = json.loads(response.content)
    assert exported["format"] == "koppel-personal-data/1"
    assert exported["subject"]["id"] == sanne.pk
    read = PersonalDataRead.objects.get()
    assert (read.reader, read.kind, read.purpose, read.reason) == (
        cast.fenna,
        PersonalDataReadKind.EXPORT,
        "frontend:privacy-student-data-json",
        "verzoek #3",
    )


@pytest.mark.django_db
def test_an_officer_of_another_school_gets_404(cast, sanne, page_client):
    gilde_officer = UserFactory()
    member(gilde_officer, cast.gilde, Role.PRIVACY_OFFICER)
    client = page_client(gilde_officer)

    assert client.get(_student_data(sanne.pk)).status_code == 404
    assert client.post(_student_data(sanne.pk), {"reden": "x"}).status_code == 404
    assert client.get(_student_data(sanne.pk), {"reden": "x"}).status_code == 404
    assert client.get(_student_json(sanne.pk)).status_code == 404
    # Fenna herself: a student of Gilde, or no student at all, is not found either.
    fenna = page_client(cast.fenna)
    assert fenna.get(_student_data(cast.ahmed.pk), {"reden": ""}).status_code == 404
    assert fenna.get(_student_json(cast.bos.pk)).status_code == 404
    assert not PersonalDataRead.objects.exists()


@pytest.mark.django_db
def test_students_and_staff_cannot_open_the_officer_pages(cast, sanne, page_client):
    for user in (sanne, cast.devries, cast.bos, cast.jan):
        client = page_client(user)
        assert client.get(_student_json(sanne.pk)).status_code == 403
        assert client.post(_student_data(sanne.pk), {"reden": "x"}).status_code == 403
    assert page_client(cast.fenna).get(reverse("frontend:my-data")).status_code == 403
    assert not PersonalDataRead.objects.exists()
