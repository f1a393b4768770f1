import datetime as dt

from django.urls import reverse

from backend.notifications.services import notify
from tests.factories import UserFactory


def test_staff_browse_notifications_read_only(cast, client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    notification = notify(
        recipient=cast.jan,
        category="offer_status",
        title="Gepubliceerd",
        now=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
    )
    client.force_login(admin)
    listing = client.get(reverse("admin:notifications_notification_changelist") + "?q=jan")
    assert listing.status_code == 200
    assert b"Gepubliceerd" in listing.content
    change = client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))
    assert change.status_code == 200
    assert b'name="title"' not in change.content  # read-only: no form fields
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
    assert (
        client.get(reverse("admin:notifications_notificationpreference_changelist")).status_code
        == 200
    )
