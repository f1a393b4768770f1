"""A person's engagement preferences: how often the partner digest comes, and per notification
category whether messages show in the app and go by e-mail."""

from typing import TypedDict

from backend.accounts.models import User
from backend.engagement.models import DigestFrequency, DigestPreference, NotificationCategory
from backend.notifications.models import NotificationPreference


class Channels(TypedDict):
    in_app: bool
    email: bool


class Preferences(TypedDict):
    digest_frequency: str
    categories: dict[str, Channels]


def preferences_of(user: User) -> Preferences:
    """What is stored, with the defaults for what is not (weekly digest; in-app and e-mail on).
    Two queries."""
    frequency = (
        DigestPreference.objects.filter(user=user).values_list("frequency", flat=True).first()
        or DigestFrequency.WEEKLY
    )
    stored = {
        p.category: p
        for p in NotificationPreference.objects.filter(
            user=user, category__in=NotificationCategory.values
        )
    }
    return {
        "digest_frequency": frequency,
        "categories": {
            category: {
                "in_app": stored[category].in_app if category in stored else True,
                "email": stored[category].email if category in stored else True,
            }
            for category in NotificationCategory.values
        },
    }
