"""Engagement selectors (reads). Other apps use `dashboard_items_for` and
`meeting_attendance_for_person` from here."""

from backend.engagement.selectors.dashboard import dashboard_items_for
from backend.engagement.selectors.meetings import (
    meeting_attendance_for_people,
    meeting_attendance_for_person,
)

__all__ = [
    "dashboard_items_for",
    "meeting_attendance_for_people",
    "meeting_attendance_for_person",
]
