"""The partner digest: each company contact hears, daily or weekly, what happened and what is
expected of them — so no partner is left "hearing nothing" (DOMAIN.md §5.1)."""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from backend.engagement.models import BookingStatus, DigestFrequency, DigestPreference
from backend.engagement.selectors.digests import (
    Item,
    Recipient,
    digest_items,
    digest_recipients,
    items_by_recipient,
)
from backend.engagement.services.common import Category, page_url, when
from backend.notifications.services import Message, notify_many
from backend.offers.models import OfferStatus

PERIOD = {DigestFrequency.DAILY: dt.timedelta(days=1), DigestFrequency.WEEKLY: dt.timedelta(days=7)}
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


def digest_preference_set(*, user, frequency: str) -> DigestPreference:
    preference, _created = DigestPreference.objects.update_or_create(
        user=user, defaults={"frequency": frequency}
    )
    return preference


def _status(value: str) -> str:
    return str(dict(OfferStatus.choices).get(value, value))


def _activity_line(item: Item) -> str:
    a = item.text_args
    if item.kind == "offer":
        return _("Je aanbod '%(title)s' is nu: %(status)s.") % {
            "title": a["title"],
            "status": _status(a["status"]),
        }
    if item.kind == "booking":
        return _("Gastles '%(topic)s' bij %(school)s (%(when)s): %(status)s.") % {
            "topic": a["topic"],
            "school": a["school"],
            "when": when(a["starts_at"]),
            "status": dict(BookingStatus.choices)[a["status"]],
        }
    if item.kind == "team":
        return _("%(n)d student(en) ingedeeld bij '%(title)s'.") % {
            "n": a["count"],
            "title": a["title"],
        }
    if item.kind == "agreement":
        return _("Afspraak '%(title)s': %(status)s.") % {"title": a["title"], "status": a["status"]}
    return _("%(title)s (%(when)s): %(n)d gesprekken aan jullie tafel.") % {
        "title": a["title"],
        "when": when(a["starts_at"]),
        "n": a["booked"],
    }


def _expected_line(item: Item) -> str:
    a = item.text_args
    if item.kind == "booking_answer":
        return _("Beantwoord het gastlesverzoek '%(topic)s' van %(school)s voor %(when)s.") % {
            "topic": a["topic"],
            "school": a["school"],
            "when": when(a["starts_at"]),
        }
    if item.kind == "agreement_accept":
        return _("Lees en accepteer de afspraak '%(title)s'.") % {"title": a["title"]}
    if item.kind == "commitment":
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
    if item.kind == "booking_feedback":
        return _("Geef korte feedback op de gastles '%(topic)s' bij %(school)s.") % {
            "topic": a["topic"],
            "school": a["school"],
        }
    if item.kind == "booking_upcoming":
        return _("Gastles '%(topic)s' bij %(school)s op %(when)s.") % {
            "topic": a["topic"],
            "school": a["school"],
            "when": when(a["starts_at"]),
        }
    if item.kind == "event_upcoming":
        return _("%(title)s op %(when)s: %(n)d gesprekken geboekt aan jullie tafel.") % {
            "title": a["title"],
            "when": when(a["starts_at"]),
            "n": a["booked"],
        }
    return _("Overleg '%(title)s' op %(when)s.") % {
        "title": a["title"],
        "when": when(a["starts_at"]),
    }


def digest_compose(
    *, recipient: Recipient, items: list[Item], since: dt.datetime, now: dt.datetime
) -> tuple[str, str]:
    """Title and body of one digest, in the recipient's language."""
    activity = [i for i in items if i.kind in ACTIVITY_KINDS and (i.at is None or i.at >= since)]
    expected = [i for i in items if i.kind in EXPECTED_KINDS]
    status = [i for i in items if i.kind == "status"]
    daily = recipient.frequency == DigestFrequency.DAILY
    local = timezone.localtime(now).date()
    period = (
        _("vandaag %(date)s") % {"date": date_format(local, "j F")}
        if daily
        else _("week %(week)d") % {"week": local.isocalendar()[1]}
    )
    if activity:
        title = _("Koppel-overzicht %(period)s: %(n)d nieuwe gebeurtenis(sen)") % {
            "period": period,
            "n": len(activity),
        }
    else:
        title = _("Koppel-overzicht %(period)s: geen nieuws") % {"period": period}
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
    return title, "\n".join(lines)


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
    url = page_url("engagement-digest-preferences")
    messages = []
    for recipient in recipients:
        since = now - PERIOD[recipient.frequency]
        with override(recipient.language):
            title, body = digest_compose(
                recipient=recipient, items=grouped[recipient.user_id], since=since, now=now
            )
        messages.append(
            Message(
                recipient_id=recipient.user_id,
                category=Category.DIGEST,
                title=title,
                body=body,
                url=url,
                dedupe_key=f"digest:{recipient.user_id}:{period_key(recipient.frequency, now)}",
            )
        )
    return len(notify_many(messages=messages, now=now))
