"""Engagement pages: expert search and profiles, guest lesson bookings, events, meetings,
preferences and the coordinators' attention list. Views call the same selectors and services as
the API; permissions are enforced there and by the role checks here (403 for other roles).

- `experts`: expert search, profile and booking request; a company's own expert profiles
- `bookings`: guest lesson bookings and their actions
- `events`: meet & match / bedrijvenarena events, tables, slots, attendance and contacts
- `meetings`: meetings, signing off and attendance
- `preferences`: digest and notification preferences, the calendar feed link
- `partners`: the organisers' attention list
- `common`: helpers shared by these modules
"""

from frontend.views.engagement.bookings import (
    BOOKING_ACTIONS,
    BOOKING_DONE,
    FeedbackForm,
    NoteForm,
    ProposeForm,
    booking_detail_page,
    booking_list_page,
)
from frontend.views.engagement.events import (
    EventForm,
    TableForm,
    event_attendance_page,
    event_contacts_page,
    event_detail_page,
    event_list_page,
)
from frontend.views.engagement.experts import (
    BookingRequestForm,
    ExpertForm,
    SearchForm,
    expert_detail_page,
    expert_edit_page,
    expert_mine_page,
    expert_search_page,
)
from frontend.views.engagement.meetings import SignOffForm, meeting_detail_page, meeting_list_page
from frontend.views.engagement.partners import attention_page
from frontend.views.engagement.preferences import PreferencesForm, preferences_page

__all__ = [
    "BOOKING_ACTIONS",
    "BOOKING_DONE",
    "BookingRequestForm",
    "EventForm",
    "ExpertForm",
    "FeedbackForm",
    "NoteForm",
    "PreferencesForm",
    "ProposeForm",
    "SearchForm",
    "SignOffForm",
    "TableForm",
    "attention_page",
    "booking_detail_page",
    "booking_list_page",
    "event_attendance_page",
    "event_contacts_page",
    "event_detail_page",
    "event_list_page",
    "expert_detail_page",
    "expert_edit_page",
    "expert_mine_page",
    "expert_search_page",
    "meeting_detail_page",
    "meeting_list_page",
    "preferences_page",
]
