"""Privacy (AVG) pages: the student's own data, consents and requests; the school's privacy
officer (functionaris gegevensbescherming): requests, access log, retention and the register."""

from django.urls import path

from frontend.views.privacy import access_log, consent, export, officer, requests, retention

urlpatterns = [
    # The student's own privacy page and data.
    path("mijn-privacy/", consent.my_privacy, name="my-privacy"),
    path(
        "mijn-privacy/toestemming/<str:purpose>/", consent.consent_change, name="my-consent-change"
    ),
    path("mijn-privacy/gegevens/", export.my_data, name="my-data"),
    path("mijn-privacy/gegevens.json", export.my_data_json, name="my-data-json"),
    path("mijn-privacy/verzoek/", requests.request_new, name="my-request-new"),
    # The privacy officer.
    path("privacy/", officer.home, name="privacy-home"),
    path("privacy/verwerkingsregister/", officer.register, name="privacy-register"),
    path("privacy/studenten/", export.student_search, name="privacy-students"),
    path("privacy/studenten/<int:pk>/gegevens/", export.student_data, name="privacy-student-data"),
    path(
        "privacy/studenten/<int:pk>/gegevens.json",
        export.student_data_json,
        name="privacy-student-data-json",
    ),
    path("privacy/verzoeken/", requests.request_list, name="privacy-requests"),
    path("privacy/verzoeken/<int:pk>/", requests.request_detail, name="privacy-request"),
    path(
        "privacy/verzoeken/<int:pk>/verwijderen/",
        requests.request_erase,
        name="privacy-request-erase",
    ),
    path("privacy/inzagelog/", access_log.access_log, name="privacy-access-log"),
    path("privacy/bewaartermijnen/", retention.retention, name="privacy-retention"),
    path(
        "privacy/bewaartermijnen/proefdraai/",
        retention.retention_dry_run,
        name="privacy-retention-dry-run",
    ),
    path(
        "privacy/bewaartermijnen/rondes/<int:pk>/",
        retention.retention_run,
        name="privacy-retention-run",
    ),
]
