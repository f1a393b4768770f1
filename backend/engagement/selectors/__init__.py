"""Engagement selectors (reads). Import from the submodules; `access` holds who may see or do
what. Other layers use `meeting_attendance_for_person` and the reliability figures from here."""

from backend.engagement.selectors.meetings import (
    meeting_attendance_for_people,
    meeting_attendance_for_person,
)
from backend.engagement.selectors.reliability import (
    Reliability,
    reliability_for_organisation,
    reliability_for_person,
)

__all__ = [
    "Reliability",
    "meeting_attendance_for_people",
    "meeting_attendance_for_person",
    "reliability_for_organisation",
    "reliability_for_person",
]
