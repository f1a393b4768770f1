"""Builders for the driehoekgesprek tests: a series written straight to the database, so a test
can put its conversations in the past (the service only plans from today on)."""

import datetime as dt

from backend.learning.models import TriadConversation, TriadSeries
from tests.backend.learning.factories import placement


def triad_series(
    cast,
    *,
    first_on: dt.date,
    count: int = 3,
    interval_days: int = 14,
    student=None,
    offer=None,
    coach=None,
    mentor=None,
    cancelled_at=None,
) -> TriadSeries:
    """A series of `count` conversations from `first_on` (default: Sanne on the placement()
    challenge, De Vries as coach, Jan as mentor)."""
    if offer is None:
        offer = placement(cast, students=[student or cast.sanne]).offer
    series = TriadSeries.objects.create(
        student=student or cast.sanne,
        offer=offer,
        coach=coach if coach is not None else cast.devries,
        mentor=mentor if mentor is not None else cast.jan,
        interval_days=interval_days,
        first_on=first_on,
        last_on=first_on + dt.timedelta(days=interval_days * (count - 1)),
        created_by=cast.devries,
        cancelled_at=cancelled_at,
    )
    TriadConversation.objects.bulk_create(
        [
            TriadConversation(
                series=series, planned_on=first_on + dt.timedelta(days=k * interval_days)
            )
            for k in range(count)
        ]
    )
    return series
