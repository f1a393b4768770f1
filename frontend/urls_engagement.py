from django.urls import path

from frontend.views import engagement as views
from frontend.views.engagement import certificates, experts

urlpatterns = [
    path("engagement/experts/", views.expert_search_page, name="engagement-expert-search"),
    path("engagement/experts/mine/", views.expert_mine_page, name="engagement-expert-mine"),
    path("engagement/experts/new/", views.expert_edit_page, name="engagement-expert-new"),
    path("engagement/experts/<int:pk>/", views.expert_detail_page, name="engagement-expert-detail"),
    path(
        "engagement/experts/<int:pk>/edit/", views.expert_edit_page, name="engagement-expert-edit"
    ),
    path(
        "engagement/experts/<int:pk>/check/",
        experts.expert_booking_check_page,
        name="engagement-expert-booking-check",
    ),
    path(
        "engagement/experts/<int:pk>/certificates/",
        certificates.expert_certificates_page,
        name="engagement-expert-certificates",
    ),
    path(
        "engagement/certificates/",
        certificates.certificates_to_verify_page,
        name="engagement-certificates-to-verify",
    ),
    path(
        "engagement/certificates/<int:pk>/verify/",
        certificates.certificate_verify_page,
        name="engagement-certificate-verify",
    ),
    path("engagement/bookings/", views.booking_list_page, name="engagement-booking-list"),
    path(
        "engagement/bookings/<int:pk>/", views.booking_detail_page, name="engagement-booking-detail"
    ),
    path("engagement/events/", views.event_list_page, name="engagement-event-list"),
    path("engagement/events/<int:pk>/", views.event_detail_page, name="engagement-event-detail"),
    path(
        "engagement/events/<int:pk>/attendance/",
        views.event_attendance_page,
        name="engagement-event-attendance",
    ),
    path(
        "engagement/events/<int:pk>/contacts/",
        views.event_contacts_page,
        name="engagement-event-contacts",
    ),
    path("engagement/meetings/", views.meeting_list_page, name="engagement-meeting-list"),
    path(
        "engagement/meetings/<int:pk>/", views.meeting_detail_page, name="engagement-meeting-detail"
    ),
    path("engagement/preferences/", views.preferences_page, name="engagement-digest-preferences"),
    path("engagement/attention/", views.attention_page, name="engagement-attention"),
]
