"""Small helpers shared by the engagement services."""

import datetime as dt

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy, override

from backend.notifications.services import Message, notify_many


class Category:
    """Notification categories of engagement (people choose in-app / e-mail per category)."""

    DIGEST = "digest"
    BOOKING = "booking"
    EVENT = "event"
    MEETING = "meeting"

    ALL = ("digest", "booking", "event", "meeting")
    LABELS = {
        "digest": gettext_lazy("Partneroverzicht"),
        "booking": gettext_lazy("Gastlessen"),
        "event": gettext_lazy("Evenementen"),
        "meeting": gettext_lazy("Overleggen"),
    }


def page_url(name: str, **kwargs) -> str:
    try:
        return reverse(f"frontend:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return ""


def when(moment: dt.datetime) -> str:
    """'di 3 maart 2026 14:00' in the active language and Amsterdam time."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'D j F Y')} {local:%H:%M}"


def message_for(
    recipient, *, category: str, title, body="", url: str = "", dedupe_key: str = ""
) -> Message:
    """A Message whose lazy texts are rendered in the recipient's language."""
    with override(recipient.preferred_language or "nl"):
        return Message(
            recipient_id=recipient.pk,
            category=category,
            title=str(title() if callable(title) else title),
            body=str(body() if callable(body) else body),
            url=url,
            dedupe_key=dedupe_key,
        )


def send(messages: list[Message], *, now=None) -> list:
    """Store and e-mail the messages; returns the notifications that were new (not deduplicated)."""
    return notify_many(messages=messages, now=now) if messages else []
