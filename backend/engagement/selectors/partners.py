"""Partners (companies) seen from a school: who has gone quiet and needs a coordinator's call."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import DateTimeField, OuterRef, Q, QuerySet, Subquery

from backend.accounts.models import Membership, User
from backend.accounts.roles import COMPANY_ROLES
from backend.engagement.models import (
    BookingTransition,
    EventTable,
    MeetingParticipant,
    PartnerAttentionSetting,
)
from backend.engagement.models.digests import DEFAULT_QUIET_WEEKS
from backend.engagement.selectors.access import organiser_school_ids
from backend.notifications.models import Notification
from backend.offers.models import OfferTransition
from backend.organisations.models import Organisation
from backend.organisations.selectors import consortium_ids_for_organisations

# Automatic digests do not count as contact: the point is that a person got in touch.
DIGEST_CATEGORY = "digest"


@dataclass(frozen=True)
class QuietPartner:
    company: Organisation
    last_activity_at: dt.datetime
    quiet_weeks: int  # whole weeks since the last activity


def quiet_weeks_for(school_ids: set[int]) -> int:
    """The attention threshold for these schools: the strictest (smallest) of their settings."""
    weeks = list(
        PartnerAttentionSetting.objects.filter(school_id__in=school_ids).values_list(
            "quiet_weeks", flat=True
        )
    )
    return min(weeks) if weeks else DEFAULT_QUIET_WEEKS


def partners_of_schools(school_ids: set[int]) -> QuerySet[Organisation]:
    """Companies working with these schools: consortium partners, companies that submitted offers
    to them, and companies whose experts taught there."""
    consortia = consortium_ids_for_organisations(school_ids)
    return (
        Organisation.objects.companies()
        .active()
        .filter(
            Q(
                consortium_memberships__consortium_id__in=consortia,
                consortium_memberships__left_on__isnull=True,
            )
            | Q(offers__schools__in=school_ids)
            | Q(offers__consortium_id__in=consortia)
            | Q(experts__bookings__school_id__in=school_ids)
        )
        .distinct()
    )


def _latest(qs: QuerySet[Any], field: str) -> Subquery:
    return Subquery(qs.order_by(f"-{field}").values(field)[:1], output_field=DateTimeField())


# The annotations with_last_activity adds: each the moment of the latest activity of one kind.
ACTIVITY_ANNOTATIONS = ("last_offer", "last_booking", "last_table", "last_message", "last_meeting")


def with_last_activity(qs: QuerySet[Organisation], *, now: dt.datetime) -> QuerySet[Organisation]:
    """Annotate each company with the moments of its latest activity of each kind (one query)."""
    contacts = Membership.objects.filter(
        organisation_id=OuterRef(OuterRef("pk")), role__in=COMPANY_ROLES
    ).values("user_id")
    return qs.annotate(
        last_offer=_latest(OfferTransition.objects.filter(offer__owner_id=OuterRef("pk")), "at"),
        last_booking=_latest(
            BookingTransition.objects.filter(booking__expert__organisation_id=OuterRef("pk")), "at"
        ),
        last_table=_latest(EventTable.objects.filter(company_id=OuterRef("pk")), "created_at"),
        last_message=_latest(
            Notification.objects.filter(recipient_id__in=Subquery(contacts)).exclude(
                category=DIGEST_CATEGORY
            ),
            "created_at",
        ),
        last_meeting=Subquery(
            MeetingParticipant.objects.filter(
                user_id__in=Subquery(contacts),
                meeting__cancelled_at__isnull=True,
                meeting__starts_at__lte=now,
            )
            .order_by("-meeting__starts_at")
            .values("meeting__starts_at")[:1],
            output_field=DateTimeField(),
        ),
    )


def _last_activity(company: Organisation) -> dt.datetime:
    """The latest of the moments `with_last_activity` annotated, or when the company joined."""
    moments: list[dt.datetime | None] = [getattr(company, name) for name in ACTIVITY_ANNOTATIONS]
    return max([m for m in moments if m is not None] + [company.created_at])


def partners_needing_attention(user: User, *, now: dt.datetime) -> list[QuietPartner]:
    """Partners of the coordinator's schools with no activity or message for `quiet_weeks`
    (per school, default 6), longest quiet first. Two queries plus one for the setting."""
    schools = organiser_school_ids(user)
    if not schools:
        return []
    weeks = quiet_weeks_for(schools)
    threshold = now - dt.timedelta(weeks=weeks)
    rows = []
    for company in with_last_activity(partners_of_schools(schools), now=now):
        last = _last_activity(company)
        if last < threshold:
            rows.append(
                QuietPartner(
                    company=company,
                    last_activity_at=last,
                    quiet_weeks=(now - last).days // 7,
                )
            )
    rows.sort(key=lambda row: (row.last_activity_at, row.company.name))
    return rows
