"""The engagement demo builds on the foundation demo: experts, bookings, events, meetings."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from backend.engagement.models import (
    BookingStatus,
    EventAttendance,
    EventBooking,
    ExpertProfile,
    GuestLessonBooking,
    MeetingParticipant,
)

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
