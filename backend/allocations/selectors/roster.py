"""The round's students, one page at a time, for the coordinator's round page.

A round can hold 10,000 students: the page shows 50 of them, filtered and searched in the
database, in a fixed number of queries however many students take part (the count, the page's
students, their assignments and their objections). The order is the people's own: last name,
first name, then id, so a page is stable while the coordinator works through it.
"""

from dataclasses import dataclass

from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.functions import Concat

from backend.accounts.models import StudentEnrolment
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    AssignmentSource,
    Objection,
    RoundChallenge,
    RoundHost,
)
from backend.allocations.selectors.access import round_enrolments

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


@dataclass(frozen=True)
class StudentPage:
    rows: list[StudentRow]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def start(self) -> int:
        """The 1-based position of the first row shown (0 when nothing is shown)."""
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def end(self) -> int:
        return (self.number - 1) * self.per_page + len(self.rows)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


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


def round_students_page(
    allocation_round: AllocationRound, filters: StudentFilters, *, number: int, per_page: int
) -> StudentPage:
    """Page `number` (1-based, clamped to the last page) of the round's students matching
    `filters`, each with their assignment and latest objection. Four queries at any size."""
    queryset = round_students(allocation_round, filters)
    total = queryset.count()
    pages = max(1, -(-total // per_page))
    number = min(max(1, number), pages)
    offset = (number - 1) * per_page
    found = list(
        queryset.values_list(
            "student_id", "student__first_name", "student__last_name", "class_code"
        )[offset : offset + per_page]
    )
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
    return StudentPage(rows=rows, total=total, number=number, per_page=per_page)


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


def challenges_with_room(allocation_round: AllocationRound) -> list[ChallengeRoom]:
    """Every challenge of the round by title, with its places left now: the challenge's own
    capacity minus its assignments, capped by what its company has left of a total for the
    round. The same rule the override check applies (three queries)."""
    taken: dict[int, int] = dict(
        Assignment.objects.filter(round=allocation_round)
        .values("offer_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("offer_id", "n")
    )
    entries = list(
        RoundChallenge.objects.filter(round=allocation_round)
        .order_by("offer__title", "offer_id")
        .values_list(
            "offer_id",
            "offer__title",
            "offer__owner_id",
            "offer__owner__name",
            "capacity",
            "offer__max_students",
        )
    )
    host_totals = dict(
        RoundHost.objects.filter(round=allocation_round).values_list("organisation_id", "capacity")
    )
    host_used: dict[int, int] = {}
    for offer_id, _title, host_id, *_rest in entries:
        host_used[host_id] = host_used.get(host_id, 0) + taken.get(offer_id, 0)
    rooms = []
    for offer_id, title, host_id, host, capacity, max_students in entries:
        places = capacity if capacity is not None else max_students
        left = places - taken.get(offer_id, 0)
        if host_id in host_totals:
            left = min(left, host_totals[host_id] - host_used[host_id])
        rooms.append(
            ChallengeRoom(
                offer_id=offer_id,
                title=title,
                host=host,
                taken=taken.get(offer_id, 0),
                capacity=places,
                left=max(left, 0),
            )
        )
    return rooms


def objection_targets(
    allocation_round: AllocationRound, objections: list[Objection]
) -> dict[int, list[ChallengeRoom]]:
    """{objection id: the challenges its student could be moved to} for the open objections:
    those with a place left, without the challenge the student is on now (four queries)."""
    open_ones = [objection for objection in objections if objection.is_open]
    if not open_ones:
        return {}
    rooms = [room for room in challenges_with_room(allocation_round) if not room.full]
    current = dict(
        Assignment.objects.filter(
            round=allocation_round, student_id__in=[o.student_id for o in open_ones]
        ).values_list("student_id", "offer_id")
    )
    return {
        objection.pk: [room for room in rooms if room.offer_id != current.get(objection.student_id)]
        for objection in open_ones
    }
