"""Engagement: the expert directory, guest lesson bookings, events, meetings and digests."""

from backend.engagement.models.bookings import (
    BookingFeedback,
    BookingStatus,
    BookingTransition,
    CalendarFeed,
    GuestLessonBooking,
)
from backend.engagement.models.digests import (
    DigestFrequency,
    DigestPreference,
    NotificationCategory,
    PartnerAttentionSetting,
)
from backend.engagement.models.events import (
    Event,
    EventAttendance,
    EventBooking,
    EventBookingKind,
    EventKind,
    EventSlot,
    EventTable,
)
from backend.engagement.models.experts import ExpertFormat, ExpertProfile, Tag, tag_slug
from backend.engagement.models.meetings import (
    Meeting,
    MeetingAttendance,
    MeetingKind,
    MeetingParticipant,
)

__all__ = [
    "BookingFeedback",
    "BookingStatus",
    "BookingTransition",
    "CalendarFeed",
    "DigestFrequency",
    "DigestPreference",
    "Event",
    "EventAttendance",
    "EventBooking",
    "EventBookingKind",
    "EventKind",
    "EventSlot",
    "EventTable",
    "ExpertFormat",
    "ExpertProfile",
    "GuestLessonBooking",
    "Meeting",
    "MeetingAttendance",
    "MeetingKind",
    "MeetingParticipant",
    "NotificationCategory",
    "PartnerAttentionSetting",
    "Tag",
    "tag_slug",
]
