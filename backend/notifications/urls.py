from django.urls import path

from backend.notifications import apis

urlpatterns = [
    path("", apis.NotificationListApi.as_view(), name="notification-list"),
    path(
        "unread-count/", apis.NotificationUnreadCountApi.as_view(), name="notification-unread-count"
    ),
    path("read/", apis.NotificationMarkReadApi.as_view(), name="notification-mark-read"),
    path(
        "<int:notification_id>/read/", apis.NotificationReadApi.as_view(), name="notification-read"
    ),
    path("preferences/", apis.PreferenceListApi.as_view(), name="notification-preference-list"),
    path(
        "preferences/<str:category>/",
        apis.PreferenceDetailApi.as_view(),
        name="notification-preference-detail",
    ),
]
