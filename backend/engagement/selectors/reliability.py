"""Afspraak is afspraak: the share of commitments kept on time, per person and organisation.

A commitment is *due* once its due date has passed or it was done (early work counts);
waived commitments do not count. It is *kept* when it was done on or before its due date.
A person's meeting attendance (kept of recorded, see `meeting_attendance_for_person`) is added
to their figures: engagement sits above agreements, so it is the one place that sees both."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate

from backend.accounts.models import User
from backend.agreements.models import Commitment, CommitmentStatus
from backend.engagement.selectors.meetings import meeting_attendance_for_person
from backend.organisations.models import Organisation


@dataclass(frozen=True)
class Reliability:
    kept: int
    due: int
    meetings_attended: int = 0
    meetings_total: int = 0

    @property
    def share(self) -> float | None:
        """Kept of due, meetings included; None when nothing was due yet."""
        total = self.due + self.meetings_total
        return None if total == 0 else round((self.kept + self.meetings_attended) / total, 3)

    @property
    def percentage(self) -> int | None:
        return None if self.share is None else round(self.share * 100)


def _counts(commitments: QuerySet[Commitment], *, now: dt.datetime | dt.date) -> tuple[int, int]:
    today = now.date() if isinstance(now, dt.datetime) else now
    due_filter = ~Q(status=CommitmentStatus.WAIVED) & (
        Q(due_on__lt=today) | Q(status=CommitmentStatus.DONE)
    )
    row = commitments.annotate(done_day=TruncDate("done_at")).aggregate(
        due=Count("pk", filter=due_filter),
        kept=Count("pk", filter=Q(status=CommitmentStatus.DONE, done_day__lte=F("due_on"))),
    )
    return row["kept"], row["due"]


def reliability_for_person(user: User, *, now: dt.datetime) -> Reliability:
    kept, due = _counts(Commitment.objects.filter(owner=user), now=now)
    attended, total = meeting_attendance_for_person(user, now=now)
    return Reliability(kept=kept, due=due, meetings_attended=attended, meetings_total=total)


def reliability_for_organisation(organisation: Organisation, *, now: dt.datetime) -> Reliability:
    kept, due = _counts(Commitment.objects.filter(organisation=organisation), now=now)
    return Reliability(kept=kept, due=due)
