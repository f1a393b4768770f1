"""Engagement journeys in a real browser: a teacher finds an expert and requests a guest lesson,
the expert accepts; a student books a meet & match slot on a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backend.engagement.models import BookingStatus, EventBooking, GuestLessonBooking
from backend.engagement.services import event_create, event_table_register, expert_profile_create

pytestmark = pytest.mark.browser


def test_a_teacher_finds_an_expert_requests_a_lesson_and_the_expert_accepts(
    cast, page, login, shot
):
    expert_profile_create(
        actor=cast.eva,
        user=cast.eva,
        organisation=cast.pixel,
        data={
            "headline": "UX-design en toegankelijkheid",
            "tags": ["UX", "toegankelijkheid"],
            "formats": ["guest_lesson", "workshop"],
            "languages": ["nl", "en"],
        },
    )

    login(page, cast.devries)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Gastdocenten"
    ).click()
    page.get_by_label("Zoekwoorden").fill("toegankelijk")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Eva Smit").click()
    page.get_by_label("Datum en tijd").fill("2027-03-11T10:00")
    page.get_by_label("Duur (minuten)").fill("90")
    page.get_by_label("Klas of groep").fill("ICT2A")
    page.get_by_label("Onderwerp").fill("Toegankelijke websites")
    page.get_by_label("Locatie").fill("Vista college, lokaal 2.14")
    shot(page, "engagement-booking-request")
    page.get_by_role("button", name="Verzoek versturen").click()
    expect(page.locator("#booking-status")).to_have_text("aangevraagd")
    booking = GuestLessonBooking.objects.get()
    assert (booking.school, booking.requested_by, booking.group) == (
        cast.vista,
        cast.devries,
        "ICT2A",
    )

    login(page, cast.eva)
    page.goto(f"/engagement/bookings/{booking.pk}/")
    page.get_by_role("button", name="Accepteren").click()
    expect(page.locator("#booking-status")).to_have_text("bevestigd")
    shot(page, "engagement-booking-accepted")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED


def test_a_student_books_a_meet_and_match_slot_on_a_phone(cast, phone_page, login, shot):
    day = timezone.localdate() + dt.timedelta(days=7)
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(13, 0)))
    event = event_create(
        actor=cast.bos,
        school=cast.vista,
        consortium=cast.consortium,
        kind="meet_and_match",
        title="Meet & match ICT",
        location="Aula",
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=30),
    )
    event_table_register(
        actor=cast.eva,
        event=event,
        company=cast.pixel,
        capacity=1,
        topic="Stages",
        now=timezone.now(),
    )

    login(phone_page, cast.sanne)
    phone_page.goto(f"/engagement/events/{event.pk}/")
    phone_page.get_by_role("button", name="Boek Pixelfabriek om 13:00").click()
    expect(phone_page.get_by_text("Jouw gesprek: Pixelfabriek")).to_be_visible()
    fits = phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the slot page scrolls sideways on a 360px phone"
    shot(phone_page, "engagement-event-booked")
    booking = EventBooking.objects.get()
    assert (booking.student, booking.table.company) == (cast.sanne, cast.pixel)
