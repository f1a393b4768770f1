"""The numbers on the privacy officer's home page, for the schools of their institution."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from backend.accounts.models import PersonalDataRead, PersonalDataReadKind
from backend.organisations.models import Organisation
from backend.privacy.models import DataRequest, RequestStatus, RetentionRun

# The home page shows the sensitive reads of this many days.
RECENT_READS_DAYS = 30


@dataclass(frozen=True)
class ReadCount:
    kind: PersonalDataReadKind
    count: int


@dataclass(frozen=True)
class OfficerOverview:
    open_requests: int
    overdue_requests: int
    last_run: RetentionRun | None
    last_dry_run: RetentionRun | None
    reads: list[ReadCount]  # in the last RECENT_READS_DAYS days, per kind (every kind)
    reads_since: dt.datetime

    @property
    def reads_total(self) -> int:
        return sum(r.count for r in self.reads)


def _ids(schools: Iterable[Organisation] | QuerySet[Organisation]) -> list[int]:
    return [school.pk for school in schools]


def officer_overview(
    schools: Iterable[Organisation] | QuerySet[Organisation], *, now: dt.datetime
) -> OfficerOverview:
    """Open and overdue data requests, the last retention run (real and dry) and the sensitive
    reads of the last 30 days of these schools: five queries."""
    ids = _ids(schools)
    requests = DataRequest.objects.filter(school__in=ids, status=RequestStatus.SUBMITTED)
    runs = RetentionRun.objects.filter(school__in=ids).select_related("school")
    since = now - dt.timedelta(days=RECENT_READS_DAYS)
    per_kind = dict(
        PersonalDataRead.objects.filter(school__in=ids, read_at__gte=since)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return OfficerOverview(
        open_requests=requests.count(),
        overdue_requests=requests.filter(due_on__lt=timezone.localdate(now)).count(),
        last_run=runs.filter(dry_run=False).order_by("-started_at", "-id").first(),
        last_dry_run=runs.filter(dry_run=True).order_by("-started_at", "-id").first(),
        reads=[ReadCount(kind, per_kind.get(kind.value, 0)) for kind in PersonalDataReadKind],
        reads_since=since,
    )
