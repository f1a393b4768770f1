"""Engagement pages through the Django test client: the journeys, and roles refused."""

import pytest
import time_machine
from django.test import Client

from backend.engagement.models import BookingStatus, EventBooking, GuestLessonBooking
from backend.engagement.services import event_table_register
from tests.backend.engagement import conftest as engagement
from tests.backend.engagement.conftest import NOW, vista_requires_vog

# The engagement fixtures (an expert, a meet & match day), shared with the backend tests.
expert = engagement.expert
meet_and_match = engagement.meet_and_match


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _request_form(school, **fields) -> dict:
    """The expert page's request form: a one-hour guest lesson on 12 March (Gilde's by default)."""
    return {
        "school": school.pk,
        "starts_at": "2026-03-12T10:00",
        "duration_minutes": 60,
        "group": "ICT4B",
        "topic": "UX-testen",
        "format": "guest_lesson",
        "location": "Lokaal 3",
        **fields,
    }


def _peters_requests_ux_testing(cast, expert):
    return login(cast.peters).post(f"/engagement/experts/{expert.pk}/", _request_form(cast.gilde))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_teacher_finds_an_expert_and_sees_the_vog_badge(cast, expert):
    vista_requires_vog(cast)
    response = login(cast.devries).get("/engagement/experts/", {"q": "UX"})
    assert response.status_code == 200
    assert "Eva Smit" in response.content.decode()
    assert "VOG nodig voor Vista college" in response.content.decode()


def test_students_and_companies_cannot_search_experts(cast, expert):
    assert login(cast.sanne).get("/engagement/experts/").status_code == 403
    assert login(cast.jan).get("/engagement/experts/").status_code == 403


def test_a_refused_request_shows_why_and_keeps_what_was_typed(cast, expert):
    vista_requires_vog(cast)
    response = login(cast.devries).post(
        f"/engagement/experts/{expert.pk}/",
        _request_form(cast.vista, group="ICT2A", topic="Toegankelijk bouwen", location="Lokaal 1"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Vista college vereist een geldige VOG voor gastdocenten" in body
    assert 'value="Toegankelijk bouwen"' in body
    assert not GuestLessonBooking.objects.exists()


def test_the_booking_journey_request_then_accept(cast, expert):
    response = _peters_requests_ux_testing(cast, expert)
    booking = GuestLessonBooking.objects.get()
    assert response.status_code == 302
    assert response.url == f"/engagement/bookings/{booking.pk}/"

    page = login(cast.eva).get(f"/engagement/bookings/{booking.pk}/").content.decode()
    assert "Accepteren" in page
    login(cast.eva).post(
        f"/engagement/bookings/{booking.pk}/", {"action": "accept", "accept-note": ""}
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED


def test_other_people_cannot_open_or_answer_a_booking(cast, expert):
    _peters_requests_ux_testing(cast, expert)
    booking = GuestLessonBooking.objects.get()
    assert login(cast.jan).get(f"/engagement/bookings/{booking.pk}/").status_code == 404
    assert (
        login(cast.jan)
        .post(f"/engagement/bookings/{booking.pk}/", {"action": "accept"})
        .status_code
        == 404
    )
    assert (
        login(cast.peters)
        .post(f"/engagement/bookings/{booking.pk}/", {"action": "accept"})
        .status_code
        == 403
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_a_company_edits_its_expert_profile_and_sees_field_errors(cast):
    client = login(cast.jan)
    response = client.post("/engagement/experts/new/", {"headline": "", "languages": ["nl"]})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    response = client.post(
        "/engagement/experts/new/",
        {
            "headline": "Brood en banket",
            "tags": "bakken, ondernemen",
            "languages": ["nl"],
            "formats": ["company_visit"],
            "is_active": "on",
            "schools": [cast.vista.pk],
        },
    )
    assert response.status_code == 302
    assert cast.jan.expert_profile.headline == "Brood en banket"
    assert sorted(t.slug for t in cast.jan.expert_profile.tags.all()) == ["bakken", "ondernemen"]
    # Bakkerij is in no consortium; naming Vista makes Jan findable there, and only there.
    assert (
        "Jan Jansen"
        in login(cast.devries).get("/engagement/experts/", {"q": "brood"}).content.decode()
    )
    assert (
        "Jan Jansen"
        not in login(cast.peters).get("/engagement/experts/", {"q": "brood"}).content.decode()
    )
    assert login(cast.devries).get("/engagement/experts/new/").status_code == 403


def test_a_student_books_a_slot_on_the_event_page(cast, meet_and_match):
    event_table_register(
        actor=cast.eva, event=meet_and_match, company=cast.pixel, capacity=1, now=NOW
    )
    client = login(cast.sanne)
    page = client.get(f"/engagement/events/{meet_and_match.pk}/").content.decode()
    assert 'name="viewport"' in page or "viewport" in page
    slot = meet_and_match.slots.first()
    table = meet_and_match.tables.get()
    response = client.post(
        f"/engagement/events/{meet_and_match.pk}/",
        {"action": "book", "slot": slot.pk, "table": table.pk},
    )
    assert response.status_code == 302
    assert EventBooking.objects.get().student == cast.sanne
    page = client.get(f"/engagement/events/{meet_and_match.pk}/").content.decode()
    assert "Jouw gesprek: Pixelfabriek" in page


def test_a_company_registers_a_table_and_students_cannot(cast, meet_and_match):
    response = login(cast.jan).post(
        f"/engagement/events/{meet_and_match.pk}/",
        {"action": "table", "capacity": 2, "topic": "Bakken"},
    )
    assert response.status_code == 302
    assert meet_and_match.tables.get().company == cast.bakkerij
    assert (
        login(cast.sanne)
        .post(f"/engagement/events/{meet_and_match.pk}/", {"action": "table", "capacity": 2})
        .status_code
        == 403
    )


def test_only_the_organiser_sees_attendance_and_no_shows(cast, meet_and_match):
    assert (
        login(cast.bos).get(f"/engagement/events/{meet_and_match.pk}/attendance/").status_code
        == 200
    )
    assert (
        login(cast.sanne).get(f"/engagement/events/{meet_and_match.pk}/attendance/").status_code
        == 403
    )
    assert (
        login(cast.eva).get(f"/engagement/events/{meet_and_match.pk}/attendance/").status_code
        == 403
    )


def test_preferences_page_saves_the_digest_frequency(cast):
    client = login(cast.jan)
    data = {"digest_frequency": "daily"}
    for category in ("digest", "booking", "event", "meeting"):
        data[f"{category}_in_app"] = "on"
    assert client.post("/engagement/preferences/", data).status_code == 302
    assert cast.jan.digest_preference.frequency == "daily"
    page = client.get("/engagement/preferences/").content.decode()
    assert "/api/engagement/calendar/" in page


def test_the_attention_page_is_for_coordinators_only(cast):
    assert login(cast.bos).get("/engagement/attention/").status_code == 200
    assert login(cast.devries).get("/engagement/attention/").status_code == 403
    assert login(cast.jan).get("/engagement/attention/").status_code == 403


def test_pages_need_a_login(db):
    response = Client().get("/engagement/experts/")
    assert response.status_code == 302
    assert "/login/" in response.url


def test_a_coordinator_creates_an_event_and_a_teacher_cannot(cast):
    from backend.engagement.models import Event

    data = {
        "title": "Stage meet & match",
        "kind": "meet_and_match",
        "location": "Aula",
        "day": "2026-03-20",
        "start": "13:00",
        "end": "14:00",
        "slot_minutes": 10,
        "open_to_consortium": "on",
    }
    response = login(cast.bos).post("/engagement/events/", data)
    event = Event.objects.get()
    assert response.status_code == 302
    assert response.url == f"/engagement/events/{event.pk}/"
    assert (event.school, event.consortium, event.slots.count()) == (cast.vista, cast.consortium, 6)
    assert login(cast.devries).post("/engagement/events/", data).status_code == 403
    bad = login(cast.bos).post("/engagement/events/", {**data, "end": "12:00"})
    assert "Het evenement moet eindigen na het begin." in bad.content.decode()
    assert Event.objects.count() == 1


def test_a_portfolio_review_is_booked_from_the_event_page_and_the_company_sees_first_names(
    cast, meet_and_match
):
    event_table_register(
        actor=cast.eva,
        event=meet_and_match,
        company=cast.pixel,
        capacity=1,
        offers_portfolio_review=True,
        now=NOW,
    )
    slot, table = meet_and_match.slots.first(), meet_and_match.tables.get()
    login(cast.sanne).post(
        f"/engagement/events/{meet_and_match.pk}/",
        {"action": "book", "slot": slot.pk, "table": table.pk, "kind": "portfolio_review"},
    )
    assert EventBooking.objects.get().kind == "portfolio_review"

    page = login(cast.eva).get(f"/engagement/events/{meet_and_match.pk}/").content.decode()
    assert "Geboekt aan onze tafel" in page
    assert "Sanne" in page
    assert cast.sanne.last_name not in page
