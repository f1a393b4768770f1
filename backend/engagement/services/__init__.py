"""Engagement services (writes). Import from the submodules; the most used are re-exported."""

from backend.engagement.services.booking_answers import (
    booking_accept,
    booking_cancel,
    booking_decline,
    booking_proposal_accept,
    booking_proposal_decline,
    booking_propose,
)
from backend.engagement.services.bookings import booking_request
from backend.engagement.services.calendar import calendar_feed_regenerate
from backend.engagement.services.digests import (
    digest_preference_set,
    partner_digests_send,
    preferences_update,
)
from backend.engagement.services.events import (
    event_attendance_record,
    event_book_slot,
    event_booking_cancel,
    event_create,
    event_follow_up_send,
    event_follow_ups_due,
    event_table_register,
)
from backend.engagement.services.expert_certificates import expert_certificate_register
from backend.engagement.services.experts import expert_profile_create, expert_profile_update
from backend.engagement.services.feedback import booking_feedback_give
from backend.engagement.services.meetings import (
    meeting_attendance_record,
    meeting_cancel,
    meeting_reminders_send,
    meeting_schedule,
    meeting_sign_off,
)

__all__ = [
    "booking_accept",
    "booking_cancel",
    "booking_decline",
    "booking_feedback_give",
    "booking_proposal_accept",
    "booking_proposal_decline",
    "booking_propose",
    "booking_request",
    "calendar_feed_regenerate",
    "digest_preference_set",
    "event_attendance_record",
    "event_book_slot",
    "event_booking_cancel",
    "event_create",
    "event_follow_up_send",
    "event_follow_ups_due",
    "event_table_register",
    "expert_certificate_register",
    "expert_profile_create",
    "expert_profile_update",
    "meeting_attendance_record",
    "meeting_cancel",
    "meeting_reminders_send",
    "meeting_schedule",
    "meeting_sign_off",
    "partner_digests_send",
    "preferences_update",
]
