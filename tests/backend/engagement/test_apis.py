"""The engagement API: permissions per role, error shape, query budgets on list endpoints."""

import datetime as dt

import time_machine

from backend.engagement.models import EventBooking, GuestLessonBooking
from backend.engagement.services import booking_request, event_book_slot, event_table_register
from tests.backend.engagement.conftest import AMS, NOW, make_expert, vista_requires_vog
from tests.factories import CompanyFactory, consortium_member


def _request_payload(cast, expert, school):
    return {
        "expert": expert.pk,
        "school": school.pk,
        "starts_at": "2026-03-12T10:00:00+01:00",
        "duration_minutes": 60,
        "group": "ICT2A",
        "topic": "Security",
        "location": "Lokaal 2",
    }


def test_a_vog_refusal_has_the_error_shape_with_the_field(cast, expert, client_for):
    vista_requires_vog(cast)
    with time_machine.travel(NOW, tick=False):
        response = client_for(cast.devries).post(
            "/api/engagement/bookings/request/",
            _request_payload(cast, expert, cast.vista),
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["message"].startswith("Vista college vereist een geldige VOG")
    assert list(response.json()["extra"]["fields"]) == ["expert"]
    assert not GuestLessonBooking.objects.exists()


def test_teachers_search_experts_with_badges_students_and_companies_may_not(
    cast, expert, client_for
):
    vista_requires_vog(cast)
    response = client_for(cast.devries).get("/api/engagement/experts/", {"tag": "ux"})
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["name"] == "Eva Smit"
    assert [b["badge"] for b in row["policy_badges"]] == ["VOG nodig voor Vista college"]
    assert (
        client_for(cast.peters)
        .get("/api/engagement/experts/")
        .json()["results"][0]["policy_badges"]
        == []
    )
    assert client_for(cast.sanne).get("/api/engagement/experts/").status_code == 403
    assert client_for(cast.jan).get("/api/engagement/experts/").status_code == 403


def test_expert_search_uses_a_fixed_number_of_queries(
    cast, client_for, django_assert_max_num_queries
):
    vista_requires_vog(cast)
    for i in range(15):
        company = CompanyFactory()
        consortium_member(cast.consortium, company)
        make_expert(company, first=f"Expert{i}", tags=["security", f"tag{i}"])
    client = client_for(cast.devries)
    with django_assert_max_num_queries(9):
        response = client.get("/api/engagement/experts/", {"q": "security"})
    assert len(response.json()["results"]) == 15


def test_experts_outside_the_consortium_are_not_found(cast, client_for):
    make_expert(cast.bakkerij, user=cast.jan, headline="Brood")  # bakkerij: no consortium
    assert (
        client_for(cast.devries).get("/api/engagement/experts/", {"q": "brood"}).json()["results"]
        == []
    )


def test_a_company_edits_only_its_own_experts(cast, expert, client_for):
    response = client_for(cast.jan).patch(
        f"/api/engagement/experts/{expert.pk}/", {"headline": "X"}, format="json"
    )
    assert response.status_code == 404
    response = client_for(cast.eva).patch(
        f"/api/engagement/experts/{expert.pk}/", {"headline": "UX lead"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["headline"] == "UX lead"
    expert.refresh_from_db()
    assert expert.headline == "UX lead"


def test_bookings_list_shows_each_side_only_theirs_with_a_query_budget(
    cast, expert, client_for, django_assert_max_num_queries
):
    for day in range(10):
        booking_request(
            actor=cast.peters,
            expert=expert,
            school=cast.gilde,
            starts_at=dt.datetime(2026, 3, 12 + day, 10, tzinfo=AMS),
            duration_minutes=60,
            group="ICT4B",
            topic=f"Les {day}",
            location="Lokaal",
            now=NOW,
        )
    client = client_for(cast.eva)
    with django_assert_max_num_queries(5):
        assert len(client.get("/api/engagement/bookings/").json()["results"]) == 10
    assert client_for(cast.devries).get("/api/engagement/bookings/").json()["results"] == []
    assert client_for(cast.sanne).get("/api/engagement/bookings/").json()["results"] == []
    assert client_for(cast.jan).get("/api/engagement/bookings/").json()["results"] == []


def test_the_expert_accepts_but_the_teacher_cannot_accept_for_them(cast, expert, client_for):
    booking = booking_request(
        actor=cast.peters,
        expert=expert,
        school=cast.gilde,
        starts_at=dt.datetime(2027, 3, 12, 10, tzinfo=AMS),
        duration_minutes=60,
        group="ICT4B",
        topic="UX",
        location="Lokaal",
        now=NOW,
    )
    denied = client_for(cast.peters).post(
        f"/api/engagement/bookings/{booking.pk}/accept/", {}, format="json"
    )
    assert denied.status_code == 403
    assert denied.json()["message"] == "Alleen de expert of het bedrijf beantwoordt dit verzoek."
    booking.refresh_from_db()
    assert booking.status == "requested"
    ok = client_for(cast.eva).post(
        f"/api/engagement/bookings/{booking.pk}/accept/", {}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == "accepted"
    again = client_for(cast.eva).post(
        f"/api/engagement/bookings/{booking.pk}/accept/", {}, format="json"
    )
    assert again.status_code == 409


def test_students_see_only_their_own_event_bookings(
    cast, meet_and_match, client_for, django_assert_max_num_queries
):
    table = event_table_register(
        actor=cast.eva, event=meet_and_match, company=cast.pixel, capacity=2, now=NOW
    )
    slots = list(meet_and_match.slots.all())
    with time_machine.travel(NOW, tick=False):
        event_book_slot(actor=cast.sanne, slot=slots[0], table=table, now=NOW)
        event_book_slot(actor=cast.ahmed, slot=slots[1], table=table, now=NOW)
        url = f"/api/engagement/events/{meet_and_match.pk}/bookings/"
        mine = client_for(cast.sanne).get(url).json()["results"]
        assert [b["student"] for b in mine] == ["Sanne"]
        with django_assert_max_num_queries(8):
            assert len(client_for(cast.bos).get(url).json()["results"]) == 2
        assert len(client_for(cast.eva).get(url).json()["results"]) == 2


def test_a_student_books_through_the_api_and_a_second_booking_in_the_slot_is_409(
    cast, meet_and_match, client_for
):
    table = event_table_register(
        actor=cast.eva, event=meet_and_match, company=cast.pixel, capacity=2, now=NOW
    )
    other = event_table_register(
        actor=cast.jan, event=meet_and_match, company=cast.bakkerij, capacity=1, now=NOW
    )
    slot = meet_and_match.slots.first()
    client = client_for(cast.sanne)
    with time_machine.travel(NOW, tick=False):
        first = client.post(
            f"/api/engagement/events/{meet_and_match.pk}/book/",
            {"slot": slot.pk, "table": table.pk},
            format="json",
        )
        second = client.post(
            f"/api/engagement/events/{meet_and_match.pk}/book/",
            {"slot": slot.pk, "table": other.pk},
            format="json",
        )
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json() == {"message": "Je hebt om 13:00 al een gesprek.", "extra": {}}
    assert EventBooking.objects.count() == 1


def test_attendance_overview_is_for_the_organiser(cast, meet_and_match, client_for):
    url = f"/api/engagement/events/{meet_and_match.pk}/attendance/"
    assert client_for(cast.bos).get(url).status_code == 200
    assert client_for(cast.sanne).get(url).status_code == 403
    assert client_for(cast.eva).get(url).status_code == 403


def test_preferences_round_trip(cast, client_for):
    client = client_for(cast.jan)
    response = client.put(
        "/api/engagement/preferences/",
        {"digest_frequency": "off", "categories": {"booking": {"email": False}}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["digest_frequency"] == "off"
    assert response.json()["categories"]["booking"] == {"in_app": True, "email": False}
    bad = client.put(
        "/api/engagement/preferences/", {"categories": {"spam": {"email": False}}}, format="json"
    )
    assert bad.status_code == 400
    assert "categories" in bad.json()["extra"]["fields"]


def test_the_attention_list_is_for_coordinators(cast, client_for):
    assert client_for(cast.bos).get("/api/engagement/attention/").status_code == 200
    assert client_for(cast.devries).get("/api/engagement/attention/").status_code == 403
    assert client_for(cast.eva).get("/api/engagement/attention/").status_code == 403


def test_meeting_list_and_sign_off_through_the_api(cast, client_for, django_assert_max_num_queries):
    from backend.engagement.services import meeting_schedule

    start = dt.datetime(2027, 3, 3, 9, 0, tzinfo=AMS)
    meetings = [
        meeting_schedule(
            actor=cast.devries,
            kind="working_group",
            title=f"Werkgroep {i}",
            starts_at=start + dt.timedelta(days=i),
            ends_at=start + dt.timedelta(days=i, hours=1),
            participants=[cast.eva, cast.jan],
            now=NOW,
        )
        for i in range(8)
    ]
    client = client_for(cast.eva)
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/engagement/meetings/").json()["results"]) == 8
    assert client_for(cast.ahmed).get("/api/engagement/meetings/").json()["results"] == []

    url = f"/api/engagement/meetings/{meetings[0].pk}/sign-off/"
    assert client_for(cast.ahmed).post(url, {"reason": "?"}, format="json").status_code == 404
    missing = client.post(url, {}, format="json")
    assert missing.status_code == 400
    assert list(missing.json()["extra"]["fields"]) == ["reason"]
    assert client.post(url, {"reason": "Bij een klant"}, format="json").status_code == 200
    detail = client.get(f"/api/engagement/meetings/{meetings[0].pk}/").json()
    eva = next(p for p in detail["participants"] if p["user"] == cast.eva.pk)
    assert eva["sign_off_reason"] == "Bij een klant"
    reliability = client_for(cast.devries).get(
        "/api/engagement/meetings/reliability/", {"user": cast.eva.pk}
    )
    assert reliability.json() == {"user": cast.eva.pk, "kept": 0, "total": 0, "percentage": None}
    assert (
        client_for(cast.jan)
        .get("/api/engagement/meetings/reliability/", {"user": cast.eva.pk})
        .status_code
        == 404  # as for someone who does not exist: ids cannot be probed
    )


def test_event_list_has_a_query_budget(cast, client_for, django_assert_max_num_queries):
    from backend.engagement.services import event_create

    for i in range(6):
        event_create(
            actor=cast.bos,
            school=cast.vista,
            kind="company_arena",
            title=f"Arena {i}",
            location="Aula",
            starts_at=dt.datetime(2027, 1, 10 + i, 13, tzinfo=AMS),
            ends_at=dt.datetime(2027, 1, 10 + i, 14, tzinfo=AMS),
        )
    with django_assert_max_num_queries(6):
        assert len(client_for(cast.sanne).get("/api/engagement/events/").json()["results"]) == 6
    assert client_for(cast.ahmed).get("/api/engagement/events/").json()["results"] == []
