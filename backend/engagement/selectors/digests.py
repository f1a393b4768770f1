"""What happened to each partner's offers, guest lessons, teams, agreements and events, and what is
expected of them next — for all company contacts at once, in a fixed number of queries."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from backend.accounts.models import Membership
from backend.accounts.roles import COMPANY_ROLES
from backend.agreements.models import AgreementParty, AgreementStatus, Commitment
from backend.agreements.models.commitments import PENDING_STATUSES
from backend.allocations.models import Assignment
from backend.engagement.models import (
    BookingStatus,
    DigestFrequency,
    EventTable,
    GuestLessonBooking,
    MeetingParticipant,
)
from backend.offers.models import Offer, OfferStatus, OfferTransition
from backend.organisations.models import OrganisationKind

OPEN_OFFER_STATUSES = (
    OfferStatus.DRAFT,
    OfferStatus.SUBMITTED,
    OfferStatus.IN_REVIEW,
    OfferStatus.CHANGES_REQUESTED,
    OfferStatus.PUBLISHED,
    OfferStatus.RUNNING,
)


@dataclass
class Recipient:
    user_id: int
    first_name: str
    language: str
    frequency: str
    company_ids: set[int] = field(default_factory=set)


@dataclass
class Item:
    """One line of a digest; `at` orders it, `kind` says which section it belongs to."""

    kind: str  # offer, booking, event, agreement, team, meeting, commitment, status
    at: dt.datetime | dt.date | None
    text_args: dict[str, Any]
    company_id: int | None = None
    user_id: int | None = None


def digest_recipients() -> list[Recipient]:
    """Active company contacts who did not switch the digest off (no preference = weekly)."""
    rows = (
        Membership.objects.active()
        .filter(
            role__in=COMPANY_ROLES,
            organisation__kind=OrganisationKind.COMPANY,
            user__is_active=True,
            user__left_at__isnull=True,
        )
        .values_list(
            "user_id",
            "organisation_id",
            "user__first_name",
            "user__preferred_language",
            "user__digest_preference__frequency",
        )
        .order_by("user_id")
    )
    recipients: dict[int, Recipient] = {}
    for user_id, company_id, first_name, language, frequency in rows:
        frequency = frequency or DigestFrequency.WEEKLY
        if frequency == DigestFrequency.OFF:
            continue
        recipient = recipients.setdefault(
            user_id, Recipient(user_id, first_name, language or "nl", frequency)
        )
        recipient.company_ids.add(company_id)
    return list(recipients.values())


def _company_filter(prefix: str) -> Q:
    return Q(**{f"{prefix}__kind": OrganisationKind.COMPANY})


def digest_items(*, since: dt.datetime, now: dt.datetime, ahead: dt.timedelta) -> list[Item]:
    """Every digest line for every partner between `since` and `now`, plus what is due before
    `now + ahead`. Nine queries."""
    items: list[Item] = []
    items += _offer_items(since=since, now=now)
    items += _booking_items(since=since, now=now, ahead=ahead)
    items += _event_items(since=since, now=now, ahead=ahead)
    items += _meeting_items(now=now, ahead=ahead)
    items += _agreement_items(since=since, now=now)
    items += _commitment_items(now=now, ahead=ahead)
    items += _team_items(since=since, now=now)
    return items


def _offer_items(*, since: dt.datetime, now: dt.datetime) -> list[Item]:
    items = [
        Item("offer", at, {"title": title, "status": to_status}, company_id=owner_id)
        for owner_id, title, to_status, at in OfferTransition.objects.filter(
            _company_filter("offer__owner"), at__gte=since, at__lt=now
        )
        .values_list("offer__owner_id", "offer__title", "to_status", "at")
        .order_by("at", "pk")
    ]
    items += [
        Item("status", None, {"title": title, "status": status}, company_id=owner_id)
        for owner_id, title, status in Offer.objects.filter(
            _company_filter("owner"), status__in=OPEN_OFFER_STATUSES
        )
        .values_list("owner_id", "title", "status")
        .order_by("title", "pk")
    ]
    return items


def _booking_rows(
    *, since: dt.datetime, now: dt.datetime, ahead: dt.timedelta
) -> QuerySet[GuestLessonBooking, tuple[Any, ...]]:
    """Partners' bookings that changed in the period, wait for an answer, come up soon, or took
    place in the last month; with whether the expert gave feedback."""
    return (
        GuestLessonBooking.objects.filter(_company_filter("expert__organisation"))
        .filter(
            Q(status_changed_at__gte=since, status_changed_at__lt=now)
            | Q(status=BookingStatus.REQUESTED)
            | Q(status=BookingStatus.ACCEPTED, starts_at__gte=now, starts_at__lt=now + ahead)
            | Q(
                status=BookingStatus.ACCEPTED,
                starts_at__gte=now - dt.timedelta(days=30),
                starts_at__lt=now,
            )
        )
        .annotate(
            expert_feedback=Count("feedback", filter=Q(feedback__author_id=F("expert__user_id")))
        )
        .values_list(
            "expert__organisation_id",
            "expert__user_id",
            "topic",
            "status",
            "status_changed_at",
            "starts_at",
            "school__name",
            "expert_feedback",
        )
        .order_by("starts_at", "pk")
    )


def _booking_items(*, since: dt.datetime, now: dt.datetime, ahead: dt.timedelta) -> list[Item]:
    rows = _booking_rows(since=since, now=now, ahead=ahead)
    items = []
    for company_id, expert_id, topic, status, changed, starts, school, feedback in rows:
        args = {"topic": topic, "status": status, "starts_at": starts, "school": school}
        if changed and since <= changed < now:
            items.append(Item("booking", changed, args, company_id=company_id))
        if status == BookingStatus.REQUESTED:
            items.append(
                Item("booking_answer", starts, args, company_id=company_id, user_id=expert_id)
            )
        elif status == BookingStatus.ACCEPTED and now <= starts < now + ahead:
            items.append(Item("booking_upcoming", starts, args, company_id=company_id))
        elif status == BookingStatus.ACCEPTED and starts < now and not feedback:
            items.append(
                Item("booking_feedback", starts, args, company_id=company_id, user_id=expert_id)
            )
    return items


def _event_items(*, since: dt.datetime, now: dt.datetime, ahead: dt.timedelta) -> list[Item]:
    rows = (
        EventTable.objects.filter(
            _company_filter("company"),
            event__ends_at__gte=since,
            event__starts_at__lt=now + ahead,
        )
        .annotate(booked=Count("bookings", filter=Q(bookings__cancelled_at__isnull=True)))
        .values_list("company_id", "event__title", "event__starts_at", "event__ends_at", "booked")
        .order_by("event__starts_at", "pk")
    )
    return [
        Item(
            "event" if ends < now else "event_upcoming",
            starts,
            {"title": title, "starts_at": starts, "booked": booked},
            company_id=company_id,
        )
        for company_id, title, starts, ends, booked in rows
    ]


def _meeting_items(*, now: dt.datetime, ahead: dt.timedelta) -> list[Item]:
    rows = (
        MeetingParticipant.objects.filter(
            user__memberships__role__in=COMPANY_ROLES,
            user__memberships__ended_at__isnull=True,
            meeting__starts_at__gte=now,
            meeting__starts_at__lt=now + ahead,
            meeting__cancelled_at__isnull=True,
            signed_off_at__isnull=True,
        )
        .values_list("user_id", "meeting__title", "meeting__starts_at")
        .distinct()
        .order_by("meeting__starts_at")
    )
    return [
        Item("meeting", starts, {"title": title, "starts_at": starts}, user_id=user_id)
        for user_id, title, starts in rows
    ]


def _agreement_items(*, since: dt.datetime, now: dt.datetime) -> list[Item]:
    """Agreements of partners that changed in the period, and those waiting for acceptance."""
    labels = dict(AgreementStatus.choices)
    items = []
    for company_id, title, status, changed in (
        AgreementParty.objects.filter(_company_filter("organisation"))
        .filter(
            Q(agreement__status_changed_at__gte=since, agreement__status_changed_at__lt=now)
            | Q(agreement__status=AgreementStatus.PROPOSED)
        )
        .values_list(
            "organisation_id",
            "agreement__title",
            "agreement__status",
            "agreement__status_changed_at",
        )
        .order_by("agreement__status_changed_at")
    ):
        args = {"title": title, "status": str(labels.get(status, status))}
        if changed and since <= changed < now:
            items.append(Item("agreement", changed, args, company_id=company_id))
        if status == AgreementStatus.PROPOSED:
            items.append(Item("agreement_accept", changed, args, company_id=company_id))
    return items


def _commitment_items(*, now: dt.datetime, ahead: dt.timedelta) -> list[Item]:
    """Company contacts' open commitments due before `now + ahead` (overdue ones too)."""
    today = timezone.localtime(now).date()
    rows = (
        Commitment.objects.filter(
            owner__memberships__role__in=COMPANY_ROLES,
            owner__memberships__ended_at__isnull=True,
            due_on__lt=today + ahead,
        )
        .filter(status__in=PENDING_STATUSES)
        .values_list("owner_id", "title", "due_on", "agreement__title")
        .distinct()
        .order_by("due_on")
    )
    return [
        Item(
            "commitment",
            due_on,
            {
                "title": title,
                "due_on": due_on,
                "agreement": agreement_title,
                "overdue": due_on < today,
            },
            user_id=owner_id,
        )
        for owner_id, title, due_on, agreement_title in rows
    ]


def _team_items(*, since: dt.datetime, now: dt.datetime) -> list[Item]:
    """How many students were placed on each of the company's challenges in the period."""
    rows = (
        Assignment.objects.filter(
            _company_filter("offer__owner"), changed_at__gte=since, changed_at__lt=now
        )
        .values_list("offer__owner_id", "offer__title")
        .annotate(n=Count("pk"), last=Max("changed_at"))
        .order_by("offer__title")
    )
    return [
        Item("team", last, {"title": title, "count": n}, company_id=company_id)
        for company_id, title, n, last in rows
    ]


def items_by_recipient(recipients: list[Recipient], items: list[Item]) -> dict[int, list[Item]]:
    by_company: dict[int, list[Item]] = defaultdict(list)
    by_user: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        if item.user_id is not None and item.kind in ("meeting", "commitment"):
            by_user[item.user_id].append(item)
        elif item.company_id is not None:
            by_company[item.company_id].append(item)
    result: dict[int, list[Item]] = {}
    for recipient in recipients:
        mine = list(by_user.get(recipient.user_id, []))
        for company_id in sorted(recipient.company_ids):
            mine += by_company.get(company_id, [])
        result[recipient.user_id] = mine
    return result
