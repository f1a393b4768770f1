"""Afspraak is afspraak: the share of commitments kept on time, per person and organisation.

A commitment is *due* once its due date has passed or it was done (early work counts);
waived commitments do not count. It is *kept* when it was done on or before its due date.
Extension point: when `backend.engagement.selectors.meeting_attendance_for_person(user, now=...)`
exists, a person's meeting attendance (attended of total) is added to their figures."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate

from backend.agreements.models import Commitment, CommitmentStatus


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


def _counts(commitments, *, now) -> tuple[int, int]:
    today = now.date() if isinstance(now, dt.datetime) else now
    due_filter = ~Q(status=CommitmentStatus.WAIVED) & (
        Q(due_on__lt=today) | Q(status=CommitmentStatus.DONE)
    )
    row = commitments.annotate(done_day=TruncDate("done_at")).aggregate(
        due=Count("pk", filter=due_filter),
        kept=Count("pk", filter=Q(status=CommitmentStatus.DONE, done_day__lte=F("due_on"))),
    )
    return row["kept"], row["due"]


def _meeting_attendance(user, *, now) -> tuple[int, int]:
    try:
        from backend.engagement.selectors import meeting_attendance_for_person  # type: ignore[attr-defined]
    except ImportError:
        return 0, 0
    result = meeting_attendance_for_person(user, now=now)
    if result is None:
        return 0, 0
    if isinstance(result, tuple):
        return int(result[0]), int(result[1])
    attended = getattr(result, "kept", getattr(result, "attended", 0))
    return int(attended), int(getattr(result, "total", 0))


def reliability_for_person(user, *, now) -> Reliability:
    kept, due = _counts(Commitment.objects.filter(owner=user), now=now)
    attended, total = _meeting_attendance(user, now=now)
    return Reliability(kept=kept, due=due, meetings_attended=attended, meetings_total=total)


def reliability_for_organisation(organisation, *, now) -> Reliability:
    kept, due = _counts(Commitment.objects.filter(organisation=organisation), now=now)
    return Reliability(kept=kept, due=due)
