"""The engagement demo builds on the foundation demo: experts, bookings, events, meetings."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from backend.accounts.models import Certificate
from backend.engagement.models import (
    BookingStatus,
    EventAttendance,
    EventBooking,
    ExpertProfile,
    GuestLessonBooking,
    MeetingParticipant,
)
from backend.offers.models import Offer

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.django_db
def test_the_demo_has_experts_bookings_and_a_meet_and_match_day_with_no_shows(
    settings, monkeypatch
):
    from backend.demo import loader as demo

    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Only the foundation and engagement: the other areas' demos are tested by their owners.
    monkeypatch.setattr(demo, "AREA_DEMOS", (demo.engagement,))
    now = dt.datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM)
    result = demo.load(now=now)
    assert "backend.demo.engagement" in result.areas

    assert ExpertProfile.objects.count() >= 10
    with_vog = (
        ExpertProfile.objects.filter(
            user__certificates__kind="VOG", user__certificates__valid_until__gte=now.date()
        )
        .distinct()
        .count()
    )
    assert 0 < with_vog < ExpertProfile.objects.count()
    statuses = set(GuestLessonBooking.objects.values_list("status", flat=True))
    assert {BookingStatus.ACCEPTED, BookingStatus.REQUESTED, BookingStatus.PROPOSED} <= statuses
    assert EventBooking.objects.filter(attendance=EventAttendance.NO_SHOW).count() == 2
    assert EventBooking.objects.filter(attendance=EventAttendance.PRESENT).exists()
    assert MeetingParticipant.objects.filter(attendance="absent_no_notice").exists()
    # Companies registered VOGs that a school's coordinator still has to check.
    assert (
        Certificate.objects.filter(
            kind="VOG", verified_at__isnull=True, holder__expert_profile__isnull=False
        ).count()
        == 2
    )
    # Lesson-like offers with a date have a time of day and a length.
    lessons = Offer.objects.filter(
        kind__in=["guest_lesson", "workshop", "masterclass"], starts_on__isnull=False
    )
    assert lessons.exists()
    assert not lessons.filter(start_time__isnull=True).exists()
    assert set(lessons.values_list("duration_minutes", flat=True)) <= {45, 60, 90, 120}


@pytest.mark.django_db
def test_every_demo_school_has_upcoming_events_its_students_and_coordinators_see(monkeypatch):
    """Issue 12: only MICA had events; Digiwise and GLR users saw an empty events page. Every
    school of every scenario now has an upcoming event of its own scenario, shown on the events
    page to its students and coordinators."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.html import escape

    from backend.accounts.models import Membership, Role
    from backend.demo import loader as demo
    from backend.engagement.models import Event, EventKind
    from backend.engagement.selectors.events import events_visible_to
    from backend.organisations.models import Organisation

    monkeypatch.setattr(demo, "AREA_DEMOS", (demo.engagement,))
    now = timezone.now()
    demo.load(now=now)

    schools = Organisation.objects.filter(enrolments__isnull=False).distinct().order_by("name")
    assert set(schools.values_list("name", flat=True)) == {
        "Vista college",
        "Gilde Opleidingen",
        "Friesland College",
        "Grafisch Lyceum Rotterdam",
    }
    for school in schools:
        for role in (Role.STUDENT, Role.COORDINATOR):
            member = (
                Membership.objects.filter(organisation=school, role=role)
                .select_related("user")
                .order_by("user__email")
                .first()
            )
            assert member is not None, (school.name, role)
            upcoming = events_visible_to(member.user).filter(starts_at__gt=now)
            assert upcoming.exists(), (school.name, role)
            client = Client()
            client.force_login(member.user)
            page = client.get(reverse("frontend:engagement-event-list")).content.decode()
            for event in upcoming:
                assert escape(event.title) in page, (school.name, role, event.title)
            # Only events of the school's own scenario, with that scenario's companies at tables.
            domain = ".".join(member.user.email.split("@")[1].split(".")[-2:])  # "mica.demo"
            for event in upcoming:
                assert event.tables.exists(), event.title
                assert all(
                    t.company.memberships.filter(user__email__endswith=domain).exists()
                    for t in event.tables.select_related("company")
                ), event.title
    titles = dict(Event.objects.values_list("title", "kind"))
    assert titles["Meet & match-dag stages"] == EventKind.MEET_AND_MATCH  # GLR
    assert titles["Matchmakingdag challenges en stages"] == EventKind.MEET_AND_MATCH  # Digiwise
    assert titles["Gastcollegedag ICT in Limburg"] == EventKind.COMPANY_ARENA  # Digiwise
