"""The round's students, one page at a time, for the coordinator's round page.

A round can hold 10,000 students: the page shows 50 of them, filtered and searched in the
database, in a fixed number of queries however many students take part (the count, the page's
students, their assignments and their objections). The order is the people's own: last name,
first name, then id, so a page is stable while the coordinator works through it.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import BigIntegerField, CharField, F, Func, Q, QuerySet, Sum, Value
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce, Concat
from django.db.models.lookups import GreaterThan, LessThan

from backend.accounts.models import StudentEnrolment, User
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    AssignmentSource,
    Objection,
    RoundChallenge,
    RoundHost,
)
from backend.allocations.selectors.access import round_enrolments
from backend.organisations.models import Organisation

# The values of the status filter (the page names them).
STUDENT_STATUSES = ("assigned", "unassigned", "overridden", "objection")
# Placed by a person rather than by the matcher.
MANUAL_SOURCES = (AssignmentSource.OVERRIDE, AssignmentSource.OBJECTION)
# The rank filter's value for "placed outside their choices".
OUTSIDE_CHOICES = 0
STUDENT_ORDER = ("student__last_name", "student__first_name", "student_id")


@dataclass(frozen=True)
class StudentFilters:
    """What the coordinator filters the round's students on (all optional)."""

    search: str = ""
    challenge: int | None = None
    status: str = ""
    # A choice rank 1..n, or OUTSIDE_CHOICES for placed outside their choices.
    rank: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.search or self.challenge or self.status or self.rank is not None)


@dataclass(frozen=True)
class StudentRow:
    student_id: int
    first_name: str
    last_name: str
    class_code: str
    assignment: Assignment | None
    objection: Objection | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


# A filtered list counts at most this many students (a bounded count, so a filter never costs
# more than the round's first pages); more shows as "more than".
COUNT_CAP = 1000


@dataclass(frozen=True)
class StudentCursor:
    """A place in the students' order (last name, first name, id): the page shows the students
    after it, or (backwards) the ones before it. Travels in the query string, see `encode`."""

    last_name: str
    first_name: str
    student_id: int
    backwards: bool = False

    def encode(self) -> str:
        """An opaque, URL-safe text (base64 of the JSON key)."""
        raw = json.dumps([self.last_name, self.first_name, self.student_id], ensure_ascii=False)
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None, *, backwards: bool = False) -> "StudentCursor | None":
        """The cursor in `text`, else None: garbage, a wrong shape or a huge text is ignored."""
        text = (text or "").strip()
        if not text or len(text) > 800:
            return None
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            last, first, pk = json.loads(raw.decode())
        except (ValueError, TypeError, RecursionError, binascii.Error):
            return None
        if not (isinstance(last, str) and isinstance(first, str)):
            return None
        if isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk < 2**63:
            return None
        return cls(last[:150], first[:150], pk, backwards)


@dataclass(frozen=True)
class StudentPage:
    """One page of the round's students (keyset: the links carry the first and last row's key,
    never an offset, so a page costs the same anywhere in the list)."""

    rows: list[StudentRow]
    # Students matching the filters; `total_capped`: at least COUNT_CAP, not counted further.
    total: int
    total_capped: bool
    next_cursor: StudentCursor | None
    previous_cursor: StudentCursor | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None


def _search(
    queryset: QuerySet[StudentEnrolment], allocation_round: AllocationRound, text: str
) -> QuerySet[StudentEnrolment]:
    """A part of the full name ("Finn de V" finds Finn de Vries), a whole class code or a part of
    the title of the challenge the student is placed on; case does not matter."""
    words = " ".join(text.split())
    if not words:
        return queryset
    full_name = Concat(
        "student__first_name", Value(" "), "student__last_name", output_field=CharField()
    )
    on_challenge = Assignment.objects.filter(
        round=allocation_round, offer__title__icontains=words
    ).values("student_id")
    return queryset.annotate(full_name=full_name).filter(
        Q(full_name__icontains=words)
        | Q(student__last_name__icontains=words)
        | Q(class_code__iexact=words)
        | Q(student_id__in=on_challenge)
    )


def _status(
    queryset: QuerySet[StudentEnrolment], allocation_round: AllocationRound, status: str
) -> QuerySet[StudentEnrolment]:
    assignments = Assignment.objects.filter(round=allocation_round)
    if status == "assigned":
        return queryset.filter(student_id__in=assignments.values("student_id"))
    if status == "unassigned":
        return queryset.exclude(student_id__in=assignments.values("student_id"))
    if status == "overridden":
        manual = assignments.filter(source__in=MANUAL_SOURCES)
        return queryset.filter(student_id__in=manual.values("student_id"))
    if status == "objection":
        objections = Objection.objects.filter(round=allocation_round)
        return queryset.filter(student_id__in=objections.values("student_id"))
    return queryset


def round_students(
    allocation_round: AllocationRound, filters: StudentFilters
) -> QuerySet[StudentEnrolment]:
    """The enrolments of the round's students matching `filters`, by last and first name."""
    queryset = round_enrolments(allocation_round)
    assignments = Assignment.objects.filter(round=allocation_round)
    if filters.challenge is not None:
        on_challenge = assignments.filter(offer_id=filters.challenge)
        queryset = queryset.filter(student_id__in=on_challenge.values("student_id"))
    if filters.rank is not None:
        rank = None if filters.rank == OUTSIDE_CHOICES else filters.rank
        with_rank = assignments.filter(rank=rank)
        queryset = queryset.filter(student_id__in=with_rank.values("student_id"))
    queryset = _status(queryset, allocation_round, filters.status)
    queryset = _search(queryset, allocation_round, filters.search)
    return queryset.order_by(*STUDENT_ORDER)


def _assignments_of(allocation_round: AllocationRound, ids: list[int]) -> dict[int, Assignment]:
    rows = (
        Assignment.objects.filter(round=allocation_round, student_id__in=ids)
        .select_related("offer__owner")
        .only(
            "student_id",
            "rank",
            "source",
            "locked",
            "offer",
            "offer__title",
            "offer__owner",
            "offer__owner__name",
        )
    )
    return {row.student_id: row for row in rows}


def _objections_of(allocation_round: AllocationRound, ids: list[int]) -> dict[int, Objection]:
    """Each student's latest objection in the round."""
    rows = (
        Objection.objects.filter(round=allocation_round, student_id__in=ids)
        .order_by("created_at", "pk")
        .only("student_id", "status", "created_at")
    )
    return {row.student_id: row for row in rows}


class RowValue(Func):
    """A row value `(a, b, c)`, to compare a sort key at once: `(a, b, c) > (x, y, z)` is one
    range condition on the index of that order (PostgreSQL and SQLite)."""

    function = ""
    template = "(%(expressions)s)"
    output_field = CharField()


def _key_of(cursor: StudentCursor) -> RowValue:
    return RowValue(
        Value(cursor.last_name, output_field=CharField()),
        Value(cursor.first_name, output_field=CharField()),
        Value(cursor.student_id, output_field=BigIntegerField()),
    )


_Found = tuple[int, str, str, str]


def _user_key(queryset: QuerySet[StudentEnrolment]) -> RowValue:
    """(last name, first name, id) of the student, all three columns of the user's table: the
    columns of the index user_name_order, so the row comparison is an index condition on it.
    (F("student__id") would be the enrolment's own student_id column, and PostgreSQL cannot
    use a row comparison spanning two tables as an index condition.)"""
    last = F("student__last_name").resolve_expression(queryset.query, allow_joins=True)
    first = F("student__first_name").resolve_expression(queryset.query, allow_joins=True)
    assert isinstance(last, Col)
    return RowValue(last, first, Col(last.alias, User._meta.get_field("id")))


def _rows_from(
    queryset: QuerySet[StudentEnrolment], cursor: StudentCursor | None, limit: int
) -> list[_Found]:
    """Up to `limit` students after the cursor (or before it, backwards), in page order."""
    columns = ("student_id", "student__first_name", "student__last_name", "class_code")
    if cursor is None:
        return list(queryset.values_list(*columns)[:limit])
    order = _user_key(queryset)
    if cursor.backwards:
        found = list(
            queryset.filter(LessThan(order, _key_of(cursor)))
            .order_by(*(f"-{field}" for field in STUDENT_ORDER))
            .values_list(*columns)[:limit]
        )
        return found[::-1]
    return list(queryset.filter(GreaterThan(order, _key_of(cursor))).values_list(*columns)[:limit])


def _cursor(row: _Found, *, backwards: bool = False) -> StudentCursor:
    pk, first, last, _class_code = row
    return StudentCursor(last, first, pk, backwards)


def count_capped(queryset: QuerySet[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(how many rows, whether there are `cap` or more): a COUNT over at most `cap` rows."""
    n = queryset.order_by()[:cap].count()
    return n, n >= cap


def round_students_page(
    allocation_round: AllocationRound,
    filters: StudentFilters,
    *,
    cursor: StudentCursor | None,
    per_page: int,
    total: int | None = None,
) -> StudentPage:
    """The page of the round's students matching `filters` after (or before) `cursor`, each with
    their assignment and latest objection. Keyset paging on (last name, first name, id), the
    order of the index user_name_order: a page reads that index from the cursor on, wherever it
    is in the list, never an OFFSET. `total`: the number of students when the caller knows it
    already (without filters: the round's participants), else counted up to COUNT_CAP. Four
    queries at any size (five when the place is past either end of the list)."""
    queryset = round_students(allocation_round, filters)
    found = _rows_from(queryset, cursor, per_page + 1)
    if cursor is not None and (not found or (cursor.backwards and len(found) <= per_page)):
        # Past either end (or a stale place): the first page, full.
        cursor = None
        found = _rows_from(queryset, None, per_page + 1)
    if cursor is not None and cursor.backwards:
        more_before, more_after, found = True, True, found[1:]
    else:
        more_before = cursor is not None
        more_after, found = len(found) > per_page, found[:per_page]
    if total is None or filters.active:
        total, capped = count_capped(queryset)
    else:
        capped = False
    ids = [row[0] for row in found]
    assignments = _assignments_of(allocation_round, ids) if ids else {}
    objections = _objections_of(allocation_round, ids) if ids else {}
    rows = [
        StudentRow(
            student_id=pk,
            first_name=first,
            last_name=last,
            class_code=class_code,
            assignment=assignments.get(pk),
            objection=objections.get(pk),
        )
        for pk, first, last, class_code in found
    ]
    return StudentPage(
        rows=rows,
        total=total,
        total_capped=capped,
        next_cursor=_cursor(found[-1]) if found and more_after else None,
        previous_cursor=_cursor(found[0], backwards=True) if found and more_before else None,
    )


@dataclass(frozen=True)
class ChallengeRoom:
    """A challenge of the round with the places left on it (within its company's total)."""

    offer_id: int
    title: str
    host: str
    taken: int
    capacity: int
    left: int

    @property
    def full(self) -> bool:
        return self.left <= 0


def _host_room(allocation_round: AllocationRound) -> dict[int, int]:
    """{company id: places it has left of its total for the round}, for the companies with a
    total only (the sum of the stored counts of their challenges; two small queries)."""
    totals = dict(
        RoundHost.objects.filter(round=allocation_round).values_list("organisation_id", "capacity")
    )
    if not totals:
        return {}
    used = dict(
        RoundChallenge.objects.filter(round=allocation_round, offer__owner_id__in=list(totals))
        .values("offer__owner_id")
        .annotate(n=Sum("assigned_count"))
        .order_by()
        .values_list("offer__owner_id", "n")
    )
    return {host: total - (used.get(host) or 0) for host, total in totals.items()}


def challenges_with_room(
    allocation_round: AllocationRound,
    *,
    search: str = "",
    exclude: int | None = None,
    with_room_only: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[ChallengeRoom]:
    """The round's challenges by title, with their places left now: the challenge's own
    capacity minus its assignments (the stored count, services/counts.py), capped by what its
    company has left of a total for the round; the same rule the override check applies.
    `search`: a part of the title or the company's name; `exclude`: leave this one out;
    `with_room_only`: only those with a place left. Rows `offset` to `offset + limit` of that
    order, filtered and cut in the database: the round's other challenges are never read (a
    top-N sort of the round's challenges by title). Three queries, four with company totals."""
    host_left = _host_room(allocation_round)
    entries = RoundChallenge.objects.filter(round=allocation_round).annotate(
        places=Coalesce("capacity", "offer__max_students")
    )
    words = " ".join(search.split())
    if words:
        entries = entries.filter(
            Q(offer__title__icontains=words) | Q(offer__owner__name__icontains=words)
        )
    if exclude is not None:
        entries = entries.exclude(offer_id=exclude)
    if with_room_only:
        entries = entries.filter(LessThan(F("assigned_count"), F("places"))).exclude(
            offer__owner_id__in=[host for host, left in host_left.items() if left <= 0]
        )
    found = entries.order_by("offer__title", "offer_id").values_list(
        "offer_id", "offer__title", "offer__owner_id", "places", "assigned_count"
    )
    rows = list(found[offset:] if limit is None else found[offset : offset + limit])
    # The companies' names for the rows shown only (the sort joins no company).
    hosts = (
        dict(Organisation.objects.filter(pk__in={row[2] for row in rows}).values_list("pk", "name"))
        if rows
        else {}
    )
    rooms = []
    for offer_id, title, host_id, places, taken in rows:
        left = places - taken
        if host_id in host_left:
            left = min(left, host_left[host_id])
        rooms.append(
            ChallengeRoom(
                offer_id=offer_id,
                title=title,
                host=hosts.get(host_id, ""),
                taken=taken,
                capacity=places,
                left=max(left, 0),
            )
        )
    return rooms


# An objection's menu of challenges to move to lists at most this many (searched by title).
TARGETS_SHOWN = 30


def rooms_to_move_to(
    allocation_round: AllocationRound,
    *,
    search: str = "",
    exclude: int | None = None,
    limit: int = TARGETS_SHOWN,
) -> tuple[list[ChallengeRoom], bool]:
    """The round's challenges (full ones too, marked) whose title or company contains `search`,
    without `exclude`, the first `limit` by title, and whether more match: the override page's
    menu, which never grows with the round (`limit` + 1 rows read)."""
    rooms = challenges_with_room(allocation_round, search=search, exclude=exclude, limit=limit + 1)
    return rooms[:limit], len(rooms) > limit


@dataclass(frozen=True)
class ObjectionTargets:
    """Per open objection the challenges its student could move to (at most TARGETS_SHOWN,
    matching `search`), and whether more challenges with room match than are listed."""

    by_objection: dict[int, list[ChallengeRoom]]
    more: bool


def objection_targets(
    allocation_round: AllocationRound,
    objections: list[Objection],
    *,
    search: str = "",
    limit: int = TARGETS_SHOWN,
) -> ObjectionTargets:
    """The challenges each open objection's student could be moved to: with a place left,
    without the challenge the student is on now, whose title or company contains `search`,
    the first `limit` by title (a menu never grows with the round). Four queries."""
    open_ones = [objection for objection in objections if objection.is_open]
    if not open_ones:
        return ObjectionTargets({}, more=False)
    # Per objection at most `limit` after leaving out its student's own challenge: `limit` + 2
    # rows tell whether more match, whatever the round's size.
    rooms = challenges_with_room(
        allocation_round, search=search, with_room_only=True, limit=limit + 2
    )
    current = dict(
        Assignment.objects.filter(
            round=allocation_round, student_id__in=[o.student_id for o in open_ones]
        ).values_list("student_id", "offer_id")
    )
    by_objection = {}
    for objection in open_ones:
        on = current.get(objection.student_id)
        by_objection[objection.pk] = [room for room in rooms if room.offer_id != on][:limit]
    return ObjectionTargets(by_objection, more=len(rooms) > limit)
