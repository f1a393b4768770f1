"""Reads for notifications: a person only ever sees their own."""

from dataclasses import dataclass

from django.db.models import QuerySet

from backend.accounts.models import User
from backend.notifications.models import Notification, NotificationPreference


def notifications_for(user: User, *, unread: bool = False) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    notifications = Notification.objects.filter(recipient_id=user.pk)
    if unread:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    return notifications_for(user, unread=True).count()


@dataclass(frozen=True)
class PreferenceView:
    category: str
    in_app: bool
    email: bool


def preferences_for(user: User) -> list[PreferenceView]:
    """Every category the person has a preference for or has received, with its settings
    (no stored preference means both on). Two queries."""
    stored = {p.category: p for p in NotificationPreference.objects.filter(user_id=user.pk)}
    received = set(
        Notification.objects.filter(recipient_id=user.pk)
        .values_list("category", flat=True)
        .distinct()
    )
    return [
        PreferenceView(
            category=category,
            in_app=stored[category].in_app if category in stored else True,
            email=stored[category].email if category in stored else True,
        )
        for category in sorted(set(stored) | received)
    ]
