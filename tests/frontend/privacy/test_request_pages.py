"""The request pages: a student files a request; the privacy officer lists, closes and erases."""

import pytest
from django.urls import reverse

from backend.accounts.models import Role, User
from backend.agreements.services import verify_chain
from backend.privacy.models import DataRequest, RequestKind, RequestStatus
from tests.backend.privacy.factories import data_request
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

NEW = reverse("frontend:my-request-new")
LIST = reverse("frontend:privacy-requests")


def _request(cast, subject=None, *, kind=RequestKind.ERASURE, school=None, due_in=30, **fields):
    return data_request(
        school or cast.vista, subject or cast.sanne, kind=kind, due_in=due_in, **fields
    )


def test_a_student_files_a_correction_and_sees_its_status(cast, page_client):
    client = page_client(cast.sanne)
    response = client.post(
        NEW, {"kind": RequestKind.CORRECTION, "details": "Mijn klas is ICT2B."}, follow=True
    )

    assert response.status_code == 200
    request = DataRequest.objects.get()
    assert (request.subject, request.school, request.kind) == (
        cast.sanne,
        cast.vista,
        RequestKind.CORRECTION,
    )
    text = response.content.decode()
    assert "Je verzoek is verstuurd" in text
    assert "correctie (art. 16)" in text
    assert "ingediend" in text


def test_a_correction_without_text_shows_the_error_on_the_field(cast, page_client):
    response = page_client(cast.sanne).post(NEW, {"kind": RequestKind.CORRECTION, "details": ""})

    assert response.status_code == 200
    assert "Schrijf op welke gegevens niet kloppen en hoe wel." in response.content.decode()
    assert not DataRequest.objects.exists()


def test_a_second_open_request_of_the_same_kind_is_refused_on_the_page(cast, page_client):
    _request(cast, kind=RequestKind.ERASURE)
    response = page_client(cast.sanne).post(NEW, {"kind": RequestKind.ERASURE, "details": ""})

    assert response.status_code == 200
    assert "Je hebt al een open verzoek van deze soort" in response.content.decode()
    assert DataRequest.objects.count() == 1


def test_the_student_sees_only_their_own_requests(cast, page_client):
    _request(cast, cast.ahmed, school=cast.gilde, details="Van Ahmed")
    _request(cast, kind=RequestKind.ACCESS, outcome="")
    text = page_client(cast.sanne).get(NEW).content.decode()
    assert "inzage en kopie (art. 15 en 20)" in text
    assert "Van Ahmed" not in text
    assert text.count("<tr>") == 2  # header + Sanne's one request


def test_the_officer_lists_overdue_requests_first_and_filters(
    cast, page_client, django_assert_max_num_queries
):
    late = _request(cast, kind=RequestKind.ACCESS, due_in=-3)
    _request(cast, kind=RequestKind.CORRECTION, due_in=10, details="x")
    _request(cast, cast.ahmed, school=cast.gilde, due_in=-9)
    client = page_client(cast.fenna)

    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count(reverse("frontend:privacy-request", args=[late.pk])) == 1
    assert text.index("te laat") < text.index("correctie (art. 16)")
    assert "Ahmed" not in text

    overdue = client.get(LIST, {"status": "overdue"}).content.decode()
    assert "inzage en kopie" in overdue
    assert "correctie (art. 16)" not in overdue


def test_the_list_pages_and_keeps_its_query_count(cast, page_client, django_assert_max_num_queries):
    for _ in range(30):
        _request(cast, kind=RequestKind.ACCESS)
    client = page_client(cast.fenna)
    with django_assert_max_num_queries(12):
        first = client.get(LIST).content.decode()
    assert "Pagina 1 van 2" in first
    assert 'rel="next"' in first
    second = client.get(LIST, {"pagina": 2}).content.decode()
    assert "Pagina 2 van 2" in second


def test_the_officer_closes_a_request_as_refused_with_a_reason(cast, page_client):
    request = _request(cast, kind=RequestKind.CORRECTION, details="Klas klopt niet")
    url = reverse("frontend:privacy-request", args=[request.pk])
    client = page_client(cast.fenna)

    missing = client.post(url, {"status": RequestStatus.REFUSED, "outcome": ""})
    assert "Schrijf waarom het verzoek wordt afgewezen" in missing.content.decode()

    response = client.post(
        url, {"status": RequestStatus.REFUSED, "outcome": "De klas klopt."}, follow=True
    )
    request.refresh_from_db()
    assert (request.status, request.outcome, request.handled_by) == (
        RequestStatus.REFUSED,
        "De klas klopt.",
        cast.fenna,
    )
    assert "Het verzoek is afgesloten" in response.content.decode()


def test_the_detail_shows_the_erasure_plan_and_a_link_to_erase(cast, page_client):
    request = _request(cast)
    text = page_client(cast.fenna).get(reverse("frontend:privacy-request", args=[request.pk]))
    text = text.content.decode()
    assert 'id="erasure-plan"' in text
    assert reverse("frontend:privacy-request-erase", args=[request.pk]) in text
    assert cast.sanne.enrolment.student_number in text


def test_erasing_asks_first_then_erases_and_shows_the_report(cast, page_client):
    request = _request(cast)
    url = reverse("frontend:privacy-request-erase", args=[request.pk])
    client = page_client(cast.fenna)

    confirm = client.get(url).content.decode()
    assert "data-confirm=" in confirm
    assert 'method="post"' in confirm
    assert User.objects.get(pk=cast.sanne.pk).is_active  # GET changes nothing

    response = client.post(url, follow=True)
    assert response.redirect_chain == [
        (reverse("frontend:privacy-request", args=[request.pk]), 302)
    ]
    text = response.content.decode()
    assert "De student is gewist" in text
    assert 'id="erasure-report"' in text
    sanne = User.objects.get(pk=cast.sanne.pk)
    assert (sanne.first_name, sanne.is_active) == ("Verwijderde", False)
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE
    assert verify_chain() == []


def test_a_company_contacts_request_cannot_be_erased_through_the_pages(cast, page_client):
    request = _request(cast, cast.jan)
    url = reverse("frontend:privacy-request-erase", args=[request.pk])
    client = page_client(cast.fenna)

    assert "geen open verzoek om verwijdering van een student" in client.get(url).content.decode()
    assert client.post(url).status_code == 404
    assert User.objects.get(pk=cast.jan.pk).is_active


def test_an_officer_of_another_school_gets_404(cast, page_client):
    request = _request(cast)
    gilde_officer = member(UserFactory(), cast.gilde, Role.PRIVACY_OFFICER)
    client = page_client(gilde_officer)

    assert client.get(reverse("frontend:privacy-request", args=[request.pk])).status_code == 404
    erase = reverse("frontend:privacy-request-erase", args=[request.pk])
    assert client.get(erase).status_code == 404
    assert client.post(erase).status_code == 404
    assert User.objects.get(pk=cast.sanne.pk).is_active
