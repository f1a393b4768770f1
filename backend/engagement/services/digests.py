"""The partner digest: each company contact hears, daily or weekly, what happened and what is
expected of them — so no partner is left "hearing nothing" (DOMAIN.md §5.1)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.accounts.models import User
from backend.core.i18n import in_language
from backend.core.links import PageLink, page_url
from backend.engagement.models import (
    BookingStatus,
    DigestFrequency,
    DigestPreference,
    NotificationCategory,
)
from backend.engagement.selectors.digests import (
    Item,
    Recipient,
    digest_items,
    digest_recipients,
    items_by_recipient,
)
from backend.engagement.selectors.preferences import Preferences, preferences_of
from backend.engagement.services.common import when
from backend.notifications.services import Message, notify_many, preference_set
from backend.offers.models import OfferStatus

PERIOD: dict[str, dt.timedelta] = {
    DigestFrequency.DAILY: dt.timedelta(days=1),
    DigestFrequency.WEEKLY: dt.timedelta(days=7),
}
ACTIVITY_KINDS = ("offer", "booking", "team", "agreement", "event")
EXPECTED_KINDS = (
    "booking_answer",
    "agreement_accept",
    "commitment",
    "booking_feedback",
    "booking_upcoming",
    "event_upcoming",
    "meeting",
)


def period_key(frequency: str, now: dt.datetime) -> str:
    """'2026-11-28' for daily digests, '2026-W48' for weekly ones (ISO week, Amsterdam time)."""
    local = timezone.localtime(now).date()
    if frequency == DigestFrequency.DAILY:
        return local.isoformat()
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


def digest_preference_set(*, user: User, frequency: str) -> DigestPreference:
    preference, _created = DigestPreference.objects.update_or_create(
        user=user, defaults={"frequency": frequency}
    )
    return preference


def preferences_update(
    *,
    user: User,
    digest_frequency: str | None = None,
    categories: dict[str, dict[str, bool]] | None = None,
) -> Preferences:
    """Change the digest frequency and, per notification category, in-app and e-mail. Values
    left out keep what is stored (a category given with only `email` keeps its `in_app`)."""
    if digest_frequency is not None:
        digest_preference_set(user=user, frequency=digest_frequency)
    current = preferences_of(user)["categories"]
    for category, values in (categories or {}).items():
        stored = current[category]
        preference_set(
            user=user,
            category=category,
            in_app=values.get("in_app", stored["in_app"]),
            email=values.get("email", stored["email"]),
        )
    return preferences_of(user)


def _status(value: str) -> str:
    return str(dict(OfferStatus.choices).get(value, value))


def _offer_line(a: dict[str, Any]) -> str:
    return _("Je aanbod '%(title)s' is nu: %(status)s.") % {
        "title": a["title"],
        "status": _status(a["status"]),
    }


def _booking_line(a: dict[str, Any]) -> str:
    return _("Gastles '%(topic)s' bij %(school)s (%(when)s): %(status)s.") % {
        "topic": a["topic"],
        "school": a["school"],
        "when": when(a["starts_at"]),
        "status": dict(BookingStatus.choices)[a["status"]],
    }


def _team_line(a: dict[str, Any]) -> str:
    return ngettext(
        "%(n)d student ingedeeld bij '%(title)s'.",
        "%(n)d studenten ingedeeld bij '%(title)s'.",
        a["count"],
    ) % {
        "n": a["count"],
        "title": a["title"],
    }


def _agreement_line(a: dict[str, Any]) -> str:
    return _("Afspraak '%(title)s': %(status)s.") % {"title": a["title"], "status": a["status"]}


def _event_line(a: dict[str, Any]) -> str:
    return _("%(title)s (%(when)s): %(n)d gesprekken aan jullie tafel.") % {
        "title": a["title"],
        "when": when(a["starts_at"]),
        "n": a["booked"],
    }


def _booking_answer_line(a: dict[str, Any]) -> str:
    return _("Beantwoord het gastlesverzoek '%(topic)s' van %(school)s voor %(when)s.") % {
        "topic": a["topic"],
        "school": a["school"],
        "when": when(a["starts_at"]),
    }


def _agreement_accept_line(a: dict[str, Any]) -> str:
    return _("Lees en accepteer de afspraak '%(title)s'.") % {"title": a["title"]}


def _commitment_line(a: dict[str, Any]) -> str:
    template = (
        _("Te laat: '%(title)s' (afspraak '%(agreement)s') moest af op %(due)s.")
        if a["overdue"]
        else _("'%(title)s' (afspraak '%(agreement)s') uiterlijk %(due)s.")
    )
    return template % {
        "title": a["title"],
        "agreement": a["agreement"],
        "due": date_format(a["due_on"], "j F Y"),
    }


def _booking_feedback_line(a: dict[str, Any]) -> str:
    return _("Geef korte feedback op de gastles '%(topic)s' bij %(school)s.") % {
        "topic": a["topic"],
        "school": a["school"],
    }


def _booking_upcoming_line(a: dict[str, Any]) -> str:
    return _("Gastles '%(topic)s' bij %(school)s op %(when)s.") % {
        "topic": a["topic"],
        "school": a["school"],
        "when": when(a["starts_at"]),
    }


def _event_upcoming_line(a: dict[str, Any]) -> str:
    return _("%(title)s op %(when)s: %(n)d gesprekken geboekt aan jullie tafel.") % {
        "title": a["title"],
        "when": when(a["starts_at"]),
        "n": a["booked"],
    }


def _meeting_line(a: dict[str, Any]) -> str:
    return _("Overleg '%(title)s' op %(when)s.") % {
        "title": a["title"],
        "when": when(a["starts_at"]),
    }


# One line per kind of item, written in the active language. The last of each group is the
# fall-back for a kind without its own line (as before: events, and meetings).
ACTIVITY_LINES: dict[str, Callable[[dict[str, Any]], str]] = {
    "offer": _offer_line,
    "booking": _booking_line,
    "team": _team_line,
    "agreement": _agreement_line,
    "event": _event_line,
}
EXPECTED_LINES: dict[str, Callable[[dict[str, Any]], str]] = {
    "booking_answer": _booking_answer_line,
    "agreement_accept": _agreement_accept_line,
    "commitment": _commitment_line,
    "booking_feedback": _booking_feedback_line,
    "booking_upcoming": _booking_upcoming_line,
    "event_upcoming": _event_upcoming_line,
    "meeting": _meeting_line,
}


def _activity_line(item: Item) -> str:
    return ACTIVITY_LINES.get(item.kind, _event_line)(item.text_args)


def _expected_line(item: Item) -> str:
    return EXPECTED_LINES.get(item.kind, _meeting_line)(item.text_args)


def _digest_title(*, recipient: Recipient, activity: list[Item], now: dt.datetime) -> str:
    local = timezone.localtime(now).date()
    period = (
        _("vandaag %(date)s") % {"date": date_format(local, "j F")}
        if recipient.frequency == DigestFrequency.DAILY
        else _("week %(week)d") % {"week": local.isocalendar()[1]}
    )
    if activity:
        return _("Koppel-overzicht %(period)s: %(n)d nieuwe gebeurtenis(sen)") % {
            "period": period,
            "n": len(activity),
        }
    return _("Koppel-overzicht %(period)s: geen nieuws") % {"period": period}


def _digest_body(
    *, recipient: Recipient, activity: list[Item], expected: list[Item], status: list[Item]
) -> str:
    lines = [_("Hallo %(name)s,") % {"name": recipient.first_name}, ""]
    lines.append(_("Wat er gebeurde:"))
    if activity:
        lines += [f"- {_activity_line(i)}" for i in activity]
    else:
        lines.append(
            _(
                "- Er gebeurde in deze periode niets nieuws bij jullie aanbod, gastlessen, "
                "teams, afspraken of evenementen."
            )
        )
    lines += ["", _("Wat we van je verwachten:")]
    if expected:
        lines += [f"- {_expected_line(i)}" for i in expected]
    else:
        lines.append(
            _("- Op dit moment niets. Heb je een nieuwe vraag of opdracht? Zet die in Koppel.")
        )
    if status:
        lines += ["", _("Stand van je aanbod:")]
        lines += [f"- {i.text_args['title']}: {_status(i.text_args['status'])}" for i in status]
    return "\n".join(lines)


def digest_compose(
    *, recipient: Recipient, items: list[Item], since: dt.datetime, now: dt.datetime
) -> tuple[str, str]:
    """Title and body of one digest, in the active language (the caller picks the recipient's)."""
    activity = [i for i in items if i.kind in ACTIVITY_KINDS and (i.at is None or i.at >= since)]
    expected = [i for i in items if i.kind in EXPECTED_KINDS]
    status = [i for i in items if i.kind == "status"]
    title = _digest_title(recipient=recipient, activity=activity, now=now)
    body = _digest_body(recipient=recipient, activity=activity, expected=expected, status=status)
    return title, body


def partner_digests_send(*, now: dt.datetime) -> int:
    """Send each company contact their digest for the current period (daily or weekly).

    Idempotent: the dedupe key `digest:<user>:<period>` makes a second run in the same period a
    no-op. Batched: recipients and all content are read in a fixed number of queries, and the
    digests are stored with one bulk insert (split in chunks of ~90 rows by SQLite's parameter
    limit; one statement on PostgreSQL). Returns the number of digests sent."""
    recipients = digest_recipients()
    if not recipients:
        return 0
    longest = max(PERIOD[r.frequency] for r in recipients)
    items = digest_items(since=now - longest, now=now, ahead=longest)
    grouped = items_by_recipient(recipients, items)
    url = page_url(PageLink("engagement-digest-preferences"))
    messages = []
    for recipient in recipients:
        since = now - PERIOD[recipient.frequency]
        with in_language(recipient.language):
            title, body = digest_compose(
                recipient=recipient, items=grouped[recipient.user_id], since=since, now=now
            )
        messages.append(
            Message(
                recipient_id=recipient.user_id,
                category=NotificationCategory.DIGEST,
                title=title,
                body=body,
                url=url,
                dedupe_key=f"digest:{recipient.user_id}:{period_key(recipient.frequency, now)}",
            )
        )
    return len(notify_many(messages=messages, now=now))
