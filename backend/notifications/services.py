"""The notification service every app uses: an in-app message plus e-mail after commit."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.utils import timezone
from django.utils.functional import Promise

from backend.accounts.models import User
from backend.core.i18n import HasLanguage, in_language_of
from backend.core.links import PageLink, page_url
from backend.core.outbox import outbox_enqueue
from backend.notifications.models import Notification, NotificationPreference


@dataclass(frozen=True)
class Message:
    """One message for one recipient; texts are already in the recipient's language."""

    recipient_id: int
    category: str
    title: str
    body: str = ""
    url: str = ""
    dedupe_key: str = ""


# A text to render in the recipient's language: a lazy translation, or a function that builds
# the text (for interpolations), called with the recipient's language active.
Text = str | Promise | Callable[[], str]


class Recipient(HasLanguage, Protocol):
    pk: int


def _render(text: Text) -> str:
    return text() if callable(text) else str(text)


def message_for(
    recipient: Recipient,
    *,
    category: str,
    title: Text,
    body: Text = "",
    link: PageLink | None = None,
    dedupe_key: str = "",
) -> Message:
    """A message for `recipient`, written in their language and linking to a named page.
    The one way apps build notifications: they never pick a language or reverse a URL."""
    with in_language_of(recipient):
        return Message(
            recipient_id=recipient.pk,
            category=category,
            title=_render(title),
            body=_render(body),
            url=page_url(link),
            dedupe_key=dedupe_key,
        )


def _preferences(messages: list[Message]) -> dict[tuple[int, str], NotificationPreference]:
    """The stored preferences of the messages' recipients, by (user id, category): one query."""
    return {
        (preference.user_id, preference.category): preference
        for preference in NotificationPreference.objects.filter(
            user_id__in={m.recipient_id for m in messages},
            category__in={m.category for m in messages},
        )
    }


def _store(rows: list[Notification], now: dt.datetime) -> list[Notification]:
    """Insert the rows and return the ones that are really new.

    Rows without a dedupe key cannot conflict, so they are inserted plainly and come back with
    their primary keys. Keyed rows use ignore_conflicts (another process may have got there
    first with the same key) and are read back by their keys: only rows stamped `now` by us."""
    plain = [row for row in rows if not row.dedupe_key]
    keyed = [row for row in rows if row.dedupe_key]
    created = Notification.objects.bulk_create(plain) if plain else []
    if keyed:
        Notification.objects.bulk_create(keyed, ignore_conflicts=True)
        wanted = {(row.recipient_id, row.dedupe_key) for row in keyed}
        created += [
            notification
            for notification in Notification.objects.filter(
                recipient_id__in={key[0] for key in wanted},
                dedupe_key__in={key[1] for key in wanted},
                created_at=now,
            )
            if (notification.recipient_id, notification.dedupe_key) in wanted
        ]
    return created


def _already_sent(messages: list[Message]) -> set[tuple[int, str]]:
    """(recipient id, dedupe key) of the keyed messages that were stored before: one query."""
    keyed = [m for m in messages if m.dedupe_key]
    if not keyed:
        return set()
    return set(
        Notification.objects.filter(
            recipient_id__in={m.recipient_id for m in keyed},
            dedupe_key__in={m.dedupe_key for m in keyed},
        ).values_list("recipient_id", "dedupe_key")
    )


def _row(
    message: Message, preference: NotificationPreference | None, now: dt.datetime
) -> Notification:
    return Notification(
        recipient_id=message.recipient_id,
        category=message.category,
        title=message.title[:200],
        body=message.body,
        url=message.url,
        dedupe_key=message.dedupe_key,
        created_at=now,
        # An in-app-off preference still keeps the row (as already read) for the record.
        read_at=None if (preference is None or preference.in_app) else now,
        wants_email=preference.email if preference else True,
    )


def _new_rows(messages: list[Message], now: dt.datetime) -> list[Notification]:
    """A row per message, except duplicates (a key used before, or twice now) and messages
    whose recipient turned the category off entirely."""
    preferences = _preferences(messages)
    already = _already_sent(messages)
    rows: list[Notification] = []
    seen: set[tuple[int, str]] = set()
    for message in messages:
        key = (message.recipient_id, message.dedupe_key)
        if message.dedupe_key and (key in already or key in seen):
            continue
        seen.add(key)
        preference = preferences.get((message.recipient_id, message.category))
        if preference and not preference.in_app and not preference.email:
            continue
        rows.append(_row(message, preference, now))
    return rows


def notify_many(*, messages: list[Message], now: dt.datetime | None = None) -> list[Notification]:
    """Store messages in bulk and queue their e-mails. Idempotent per (recipient, dedupe_key):
    a message whose key was already used for that recipient is skipped, so a task that runs twice
    sends one reminder. Returns the notifications that were new. Queries: a fixed handful."""
    if not messages:
        return []
    now = now or timezone.now()
    created = _store(_new_rows(messages, now), now)
    email_ids = [n.pk for n in created if n.wants_email and n.emailed_at is None]
    if email_ids:
        # Recorded with the notifications (the caller's transaction); sent after commit, once.
        outbox_enqueue(
            task="backend.notifications.tasks.send_notification_emails_task",
            kwargs={"notification_ids": email_ids},
        )
    return created


def notify(
    *,
    recipient: Recipient,
    category: str,
    title: Text,
    body: Text = "",
    link: PageLink | None = None,
    dedupe_key: str = "",
    now: dt.datetime | None = None,
) -> Notification | None:
    """Send one message in the recipient's language. Returns None when it was a duplicate or
    the user turned it off."""
    message = message_for(
        recipient, category=category, title=title, body=body, link=link, dedupe_key=dedupe_key
    )
    created = notify_many(messages=[message], now=now)
    return created[0] if created else None


def notification_mark_read(
    *, user: User, notification_ids: list[int], now: dt.datetime | None = None
) -> int:
    now = now or timezone.now()
    return Notification.objects.filter(
        recipient=user, pk__in=notification_ids, read_at__isnull=True
    ).update(read_at=now)


def preference_set(
    *, user: User, category: str, in_app: bool, email: bool
) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, category=category, defaults={"in_app": in_app, "email": email}
    )
    return preference
