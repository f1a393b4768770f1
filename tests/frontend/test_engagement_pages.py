"""Engagement pages through the Django test client: the journeys, and roles refused."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

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


# ---- VOG up front, plain errors, availability, kerntaak picker, certificates, events title ----


def test_the_vog_requirement_shows_before_the_request_is_sent(cast, expert):
    vista_requires_vog(cast)

    body = login(cast.devries).get(f"/engagement/experts/{expert.pk}/").content.decode()

    requirement = "Vista college vraagt een geldige VOG (verklaring omtrent het gedrag) van "
    assert requirement + "gastdocenten, gecontroleerd door de school." in body
    # Up front: inside the request form, above the fields and the send button.
    form = body[body.index('id="booking-request"') :]
    assert (
        form.index(requirement) < form.index('name="starts_at"') < form.index("Verzoek versturen")
    )


def test_a_refused_request_never_shows_the_services_field_name(cast, expert):
    vista_requires_vog(cast)

    body = (
        login(cast.devries)
        .post(f"/engagement/experts/{expert.pk}/", _request_form(cast.vista))
        .content.decode()
    )

    assert (
        "Vista college vereist een geldige VOG voor gastdocenten; Eva Smit heeft geen VOG" in body
    )
    assert "expert:" not in body
    assert not GuestLessonBooking.objects.exists()


def test_the_live_check_says_whether_the_vog_is_met_on_the_chosen_day(cast, expert):
    vista_requires_vog(cast)
    url = f"/engagement/experts/{expert.pk}/check/"

    body = login(cast.devries).get(url, _request_form(cast.vista)).content.decode()

    assert body.startswith('<div id="booking-check"')
    assert "Vista college vereist een geldige VOG voor gastdocenten" in body
    engagement.vog(cast.eva)
    body = login(cast.devries).get(url, _request_form(cast.vista)).content.decode()
    assert "Eva Smit voldoet op 12 maart 2026 aan wat de school vraagt." in body


def test_a_date_outside_the_experts_availability_warns_but_does_not_block(cast):
    eva = engagement.make_expert(
        cast.pixel,
        user=cast.eva,
        weekdays=[1, 2],  # Mondays and Tuesdays
        available_until=engagement.dt.date(2026, 3, 31),
    )
    client = login(cast.peters)

    # 12 March 2026 is a Thursday.
    check = client.get(f"/engagement/experts/{eva.pk}/check/", _request_form(cast.gilde))
    warning = "Eva Smit is meestal alleen beschikbaar op maandag, dinsdag; 12 maart 2026 is een donderdag."
    assert warning in check.content.decode()
    assert "Je kunt het verzoek toch versturen; de expert beslist." in check.content.decode()

    response = client.post(f"/engagement/experts/{eva.pk}/", _request_form(cast.gilde), follow=True)
    assert GuestLessonBooking.objects.count() == 1
    assert warning in response.content.decode()

    fits = client.get(
        f"/engagement/experts/{eva.pk}/check/",
        _request_form(cast.gilde, starts_at="2026-03-10T10:00"),  # a Tuesday
    ).content.decode()
    assert "meestal alleen beschikbaar" not in fits
    late = client.get(
        f"/engagement/experts/{eva.pk}/check/",
        _request_form(cast.gilde, starts_at="2026-04-07T10:00"),  # a Tuesday in April
    ).content.decode()
    assert "Eva Smit is beschikbaar tot en met 31 maart 2026." in late


def test_the_kerntaak_picker_shows_only_the_schools_dossier_grouped(cast, expert):
    body = login(cast.devries).get(f"/engagement/experts/{expert.pk}/").content.decode()

    select = body[
        body.index('name="kerntaak"') : body.index("</select>", body.index('name="kerntaak"'))
    ]
    vista_dossier = cast.ict_niveau2.dossier
    gilde_dossier = cast.ict_niveau4.dossier
    assert f'<optgroup label="{vista_dossier.crebo} {vista_dossier.title} (2024)">' in select
    assert select.count("<optgroup") == 1
    assert gilde_dossier.title not in select
    assert "B1-K1 Kerntaak B1-K1" in select
    assert "P1-K1 Kerntaak P1-K1" in select


def test_a_company_registers_a_vog_and_the_school_checks_it(cast, expert):
    vista_requires_vog(cast)
    jan_colleague = cast.eva  # Pixelfabriek's contact, who keeps the expert profiles
    page = f"/engagement/experts/{expert.pk}/certificates/"

    form = login(jan_colleague).get(page).content.decode()
    assert (
        "Vista college vraagt een geldige VOG (verklaring omtrent het gedrag) van gastdocenten"
        in form
    )
    assert "Gilde Opleidingen vraagt" not in form  # Gilde has no VOG policy
    response = login(jan_colleague).post(
        page, {"kind": "VOG", "issued_on": "2026-01-15", "valid_until": "2029-01-15"}
    )
    assert response.status_code == 302
    certificate = cast.eva.certificates.get()
    assert (certificate.kind, certificate.verified_at) == ("VOG", None)
    listing = login(jan_colleague).get(page).content.decode()
    assert "wacht op controle door de school" in listing

    dashboard = login(cast.bos).get(reverse("frontend:dashboard")).content.decode()
    assert "1 certificaat van een expert wacht op controle" in dashboard
    assert 'href="/engagement/certificates/"' in dashboard
    queue = login(cast.bos).get("/engagement/certificates/").content.decode()
    assert "Eva Smit" in queue
    assert "15 januari 2026" in queue
    assert login(cast.devries).get("/engagement/certificates/").status_code == 403

    response = login(cast.bos).post(f"/engagement/certificates/{certificate.pk}/verify/")
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.verified_by == cast.bos
    assert certificate.verified_for == cast.vista
    assert "Eva Smit" not in login(cast.bos).get("/engagement/certificates/").content.decode()
    assert "gecontroleerd" in login(jan_colleague).get(page).content.decode()


def test_a_certificate_with_an_impossible_validity_says_which_field(cast, expert):
    response = login(cast.eva).post(
        f"/engagement/experts/{expert.pk}/certificates/",
        {"kind": "VOG", "issued_on": "2026-01-15", "valid_until": "2099-01-15"},
    )

    body = response.content.decode()
    assert "Geldig tot en met: Een VOG geldt hoogstens 3 jaar na de datum van afgifte." in body
    assert not cast.eva.certificates.exists()


def test_another_company_cannot_register_or_verify_someone_elses_vog(cast, expert):
    page = f"/engagement/experts/{expert.pk}/certificates/"
    assert login(cast.jan).get(page).status_code == 404
    assert (
        login(cast.jan)
        .post(page, {"kind": "VOG", "issued_on": "2026-01-15", "valid_until": "2027-01-15"})
        .status_code
        == 404
    )
    assert login(cast.devries).get(page).status_code == 403
    assert not cast.eva.certificates.exists()
    # Gilde's coordinator has no VOG policy: nothing to check, and no check of Vista's queue.
    certificate = engagement.Certificate.objects.create(
        holder=cast.eva, kind="VOG", issued_on=NOW.date(), valid_until=NOW.date()
    )
    assert (
        login(cast.peters).post(f"/engagement/certificates/{certificate.pk}/verify/").status_code
        == 404
    )
    assert (
        login(cast.peters).get(f"/engagement/certificates/{certificate.pk}/verify/").status_code
        == 405
    )
    certificate.refresh_from_db()
    assert certificate.verified_at is None


def test_the_events_page_title_is_plain_text(cast):
    body = login(cast.bos).get("/engagement/events/").content.decode()

    title = body[body.index("<title>") : body.index("</title>") + len("</title>")]
    assert title == "<title>Evenementen · Koppel</title>"
    assert "csrfmiddlewaretoken" not in title


def test_every_engagement_page_title_is_plain_text(cast, expert, meet_and_match):
    import re

    vista_requires_vog(cast)
    pages = [
        (cast.bos, "/engagement/events/"),
        (cast.bos, f"/engagement/events/{meet_and_match.pk}/"),
        (cast.devries, f"/engagement/experts/{expert.pk}/"),
        (cast.devries, "/engagement/experts/"),
        (cast.eva, "/engagement/experts/mine/"),
        (cast.eva, f"/engagement/experts/{expert.pk}/certificates/"),
        (cast.bos, "/engagement/certificates/"),
        (cast.devries, "/engagement/bookings/"),
        (cast.devries, "/engagement/preferences/"),
    ]
    for user, url in pages:
        body = login(user).get(url).content.decode()
        title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
        assert not re.search(r"<|&lt;|\n", title), (url, title)


@pytest.mark.parametrize(
    "params",
    [
        {"school": "abc", "starts_at": "²"},
        {"school": "999999", "starts_at": "2026-13-45T99:99"},
        {"starts_at": "2026-03-12T10:00"},
        {},
    ],
)
def test_the_live_check_survives_nonsense_and_other_schools(cast, expert, params):
    vista_requires_vog(cast)

    response = login(cast.devries).get(f"/engagement/experts/{expert.pk}/check/", params)

    assert response.status_code == 200
    assert "Vista college vraagt een geldige VOG" in response.content.decode()
    # Gilde's id is not De Vries's school: no check against Gilde's rules is run for him.
    gilde = login(cast.devries).get(
        f"/engagement/experts/{expert.pk}/check/", _request_form(cast.gilde)
    )
    assert "Gilde Opleidingen" not in gilde.content.decode()


def test_the_live_check_is_for_teachers_of_a_visible_expert_only(cast, expert):
    url = f"/engagement/experts/{expert.pk}/check/"
    assert login(cast.sanne).get(url).status_code == 403
    assert login(cast.jan).get(url).status_code == 403
    assert login(cast.devries).get("/engagement/experts/999999/check/").status_code == 404


def test_the_certificate_queue_costs_the_same_for_many_experts(cast, django_assert_max_num_queries):
    vista_requires_vog(cast)
    for n in range(6):
        person = engagement.UserFactory(first_name=f"Expert{n}", last_name="Pixel")
        engagement.member(person, cast.pixel, engagement.Role.COMPANY_CONTACT)
        profile = engagement.make_expert(cast.pixel, user=person)
        engagement.Certificate.objects.create(
            holder=profile.user,
            kind="VOG",
            issued_on=NOW.date(),
            valid_until=NOW.date().replace(year=NOW.year + 2),
        )
    client = login(cast.bos)

    with django_assert_max_num_queries(12):
        body = client.get("/engagement/certificates/").content.decode()

    assert body.count("Gecontroleerd</button>") == 6
