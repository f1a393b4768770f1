from django.urls import path

from backend.engagement.apis import bookings, events, experts, meetings, partners, reliability

urlpatterns = [
    path("experts/", experts.ExpertSearchApi.as_view(), name="expert-list"),
    path("experts/create/", experts.ExpertCreateApi.as_view(), name="expert-create"),
    path("experts/mine/", experts.ExpertManagedListApi.as_view(), name="expert-mine"),
    path("experts/<int:pk>/", experts.ExpertDetailApi.as_view(), name="expert-detail"),
    path("bookings/", bookings.BookingListApi.as_view(), name="booking-list"),
    path("bookings/request/", bookings.BookingRequestApi.as_view(), name="booking-request"),
    path("bookings/<int:pk>/", bookings.BookingDetailApi.as_view(), name="booking-detail"),
    path("bookings/<int:pk>/accept/", bookings.BookingAcceptApi.as_view(), name="booking-accept"),
    path(
        "bookings/<int:pk>/decline/", bookings.BookingDeclineApi.as_view(), name="booking-decline"
    ),
    path(
        "bookings/<int:pk>/propose/", bookings.BookingProposeApi.as_view(), name="booking-propose"
    ),
    path(
        "bookings/<int:pk>/proposal/accept/",
        bookings.BookingProposalAcceptApi.as_view(),
        name="booking-proposal-accept",
    ),
    path(
        "bookings/<int:pk>/proposal/decline/",
        bookings.BookingProposalDeclineApi.as_view(),
        name="booking-proposal-decline",
    ),
    path("bookings/<int:pk>/cancel/", bookings.BookingCancelApi.as_view(), name="booking-cancel"),
    path(
        "bookings/<int:pk>/feedback/",
        bookings.BookingFeedbackApi.as_view(),
        name="booking-feedback",
    ),
    path("bookings/<int:pk>/ics/", bookings.BookingIcsApi.as_view(), name="booking-ics"),
    path("calendar/feed/", bookings.CalendarFeedApi.as_view(), name="calendar-feed"),
    path(
        "calendar/<str:token>.ics", bookings.CalendarFeedIcsApi.as_view(), name="calendar-feed-ics"
    ),
    path("events/", events.EventListApi.as_view(), name="event-list"),
    path("events/create/", events.EventCreateApi.as_view(), name="event-create"),
    path("events/mine/", events.MyEventBookingsApi.as_view(), name="event-my-bookings"),
    path("events/<int:pk>/", events.EventDetailApi.as_view(), name="event-detail"),
    path(
        "events/<int:pk>/tables/",
        events.EventTableRegisterApi.as_view(),
        name="event-table-register",
    ),
    path(
        "events/<int:pk>/bookings/", events.EventBookingListApi.as_view(), name="event-booking-list"
    ),
    path("events/<int:pk>/book/", events.EventBookApi.as_view(), name="event-book"),
    path(
        "events/<int:pk>/attendance/", events.EventAttendanceApi.as_view(), name="event-attendance"
    ),
    path("events/<int:pk>/contacts/", events.EventContactsApi.as_view(), name="event-contacts"),
    path(
        "event-bookings/<int:pk>/cancel/",
        events.EventBookingCancelApi.as_view(),
        name="event-booking-cancel",
    ),
    path(
        "event-bookings/<int:pk>/attendance/",
        events.EventBookingAttendanceApi.as_view(),
        name="event-booking-attendance",
    ),
    path(
        "event-bookings/<int:pk>/ics/",
        events.EventBookingIcsApi.as_view(),
        name="event-booking-ics",
    ),
    path("meetings/", meetings.MeetingListApi.as_view(), name="meeting-list"),
    path("meetings/schedule/", meetings.MeetingScheduleApi.as_view(), name="meeting-schedule"),
    path("meetings/reliability/", meetings.ReliabilityApi.as_view(), name="meeting-reliability"),
    path("meetings/<int:pk>/", meetings.MeetingDetailApi.as_view(), name="meeting-detail"),
    path(
        "meetings/<int:pk>/sign-off/", meetings.MeetingSignOffApi.as_view(), name="meeting-sign-off"
    ),
    path("meetings/<int:pk>/cancel/", meetings.MeetingCancelApi.as_view(), name="meeting-cancel"),
    path(
        "meetings/<int:pk>/attendance/",
        meetings.MeetingAttendanceApi.as_view(),
        name="meeting-attendance",
    ),
    path("meetings/<int:pk>/ics/", meetings.MeetingIcsApi.as_view(), name="meeting-ics"),
    path("preferences/", partners.PreferencesApi.as_view(), name="engagement-preferences"),
    path("attention/", partners.AttentionListApi.as_view(), name="partner-attention"),
]

# Reliability of agreement parties: served under /api/agreements/reliability/ (the URLs clients
# know) by backend.config.urls; engagement builds it because it adds meeting attendance.
reliability_urlpatterns = [
    path(
        "organisations/<int:pk>/",
        reliability.OrganisationReliabilityApi.as_view(),
        name="reliability-organisation",
    ),
    path(
        "people/<int:pk>/",
        reliability.PersonReliabilityApi.as_view(),
        name="reliability-person",
    ),
]
