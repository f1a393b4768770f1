"""The round page's figures, counted from the round's current assignments.

The engine's metrics (`AllocationRun.metrics`) describe the run's own proposal; a coordinator's
override, lock or objection decision changes the assignments after it. These figures always
follow the `Assignment` rows of this one round, in a fixed number of queries however many
students and challenges take part: the round as a whole comes from aggregates
(`round_figures`, `fill_rates`), the list of its challenges one page at a time
(`round_challenges_page`), each page's counts computed in SQL for that page only.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThan

from backend.allocations.models import AllocationRound, Assignment, RoundChallenge
from backend.allocations.selectors.access import (
    participant_count,
    round_scope_enrolments,
    school_names,
)


@dataclass(frozen=True)
class ChallengeOccupancy:
    """How many of a challenge's places in this round are taken now (and, while students
    choose, how many put it on their list)."""

    offer_id: int
    title: str
    host: str
    taken: int
    capacity: int
    host_id: int | None = None
    chosen: int = 0

    @property
    def percent(self) -> int | None:
        """Share of the places taken, in whole percents (None without places)."""
        return round(100 * self.taken / self.capacity) if self.capacity > 0 else None

    @property
    def full(self) -> bool:
        return self.taken >= self.capacity


@dataclass(frozen=True)
class RoundFigures:
    """The round as it stands: participants, placed and waiting students, ranks."""

    participants: int
    assigned: int
    unassigned: int
    # {rank: students placed on their rank-th choice}, by rank.
    rank_profile: dict[int, int] = field(default_factory=dict)
    # Placed on a challenge that was not among their choices (rank unknown).
    outside_choices: int = 0

    @property
    def first_choice(self) -> int:
        return self.rank_profile.get(1, 0)

    @property
    def share_first_choice(self) -> float:
        """Students on their first choice, over everyone taking part (as the engine counts)."""
        return self.first_choice / self.participants if self.participants else 0.0


def round_figures(allocation_round: AllocationRound) -> RoundFigures:
    """The current figures of `allocation_round` (at most five queries, none per student or
    challenge: one GROUP BY rank over the round's assignments, the round's programmes, the
    participants in two counts and, once students are placed, the count of those without a
    place)."""
    assignments = Assignment.objects.filter(round=allocation_round)
    per_rank: Counter[int] = Counter()
    outside = assigned = 0
    for rank, n in (
        assignments.values("rank").annotate(n=Count("pk")).order_by().values_list("rank", "n")
    ):
        assigned += n
        if rank is None:
            outside += n
        else:
            per_rank[rank] += n
    scope = round_scope_enrolments(allocation_round)
    participants = participant_count(scope)
    # Nobody placed yet (choosing): everyone waits, no second count over the participants.
    unassigned = (
        scope.filter(student__left_at__isnull=True)
        .exclude(student_id__in=assignments.values("student_id"))
        .count()
        if assigned
        else participants
    )
    return RoundFigures(
        participants=participants,
        assigned=assigned,
        unassigned=unassigned,
        rank_profile=dict(sorted(per_rank.items())),
        outside_choices=outside,
    )


# The values of the challenge list's "places" filter.
CHALLENGE_FILLS = ("full", "room", "unchosen")


@dataclass(frozen=True)
class ChallengeFilters:
    """What the coordinator filters the round's challenges on (all optional)."""

    search: str = ""
    host: int | None = None
    fill: str = ""

    @property
    def active(self) -> bool:
        return bool(self.search or self.host or self.fill)


@dataclass(frozen=True)
class ChallengePage:
    rows: list[ChallengeOccupancy]
    total: int
    number: int
    per_page: int
    # The company filtered on, by name (empty without that filter or when it has none here).
    host_name: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def start(self) -> int:
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


def _with_counts(entries: QuerySet[RoundChallenge]) -> QuerySet[RoundChallenge]:
    """The round's challenges with `taken` (the stored count of this round's assignments on
    it) and `places` (the round's capacity, else the challenge's own: what the engine and the
    override check use)."""
    return entries.annotate(
        taken=F("assigned_count"), places=Coalesce("capacity", "offer__max_students")
    )


def round_challenges(
    allocation_round: AllocationRound, filters: ChallengeFilters, *, most_chosen_first: bool = False
) -> QuerySet[RoundChallenge]:
    """The round's challenges matching `filters`, by title. The "full", "room" and "unchosen"
    filters compare the stored counts of each challenge (services/counts.py), nothing is
    counted. `most_chosen_first`: by the stored number of students who chose it, then by title
    (the index round_challenge_most_chosen: a page walks it and stops, whatever the round's
    size)."""
    entries = RoundChallenge.objects.filter(round=allocation_round)
    words = " ".join(filters.search.split())
    if words:
        entries = entries.filter(
            Q(offer__title__icontains=words) | Q(offer__owner__name__icontains=words)
        )
    if filters.host is not None:
        entries = entries.filter(offer__owner_id=filters.host)
    if filters.fill in ("full", "room"):
        entries = _with_counts(entries)
        if filters.fill == "full":
            entries = entries.filter(GreaterThanOrEqual(F("taken"), F("places")))
        else:
            entries = entries.filter(LessThan(F("taken"), F("places")))
    elif filters.fill == "unchosen":
        entries = entries.filter(choice_count=0)
    if most_chosen_first:
        return entries.order_by("-choice_count", "offer__title", "offer_id")
    return entries.order_by("offer__title", "offer_id")


def round_challenges_page(
    allocation_round: AllocationRound,
    filters: ChallengeFilters,
    *,
    number: int,
    per_page: int,
    with_choices: bool = True,
    most_chosen_first: bool = False,
) -> ChallengePage:
    """Page `number` (1-based, clamped to the last page) of the round's challenges matching
    `filters`: title, company, places taken and (`with_choices`) how many students put it on
    their list, both stored counts (services/counts.py); `most_chosen_first`: see
    round_challenges. Three queries at any size: the
    count, the page (the challenges and their offers only, so the sort by title joins no
    company) and the page's companies."""
    entries = round_challenges(allocation_round, filters, most_chosen_first=most_chosen_first)
    total = entries.count()
    pages = max(1, -(-total // per_page))
    number = min(max(1, number), pages)
    offset = (number - 1) * per_page
    found = list(
        entries.values_list(
            "offer_id",
            "offer__title",
            "offer__owner_id",
            "capacity",
            "offer__max_students",
            "assigned_count",
            "choice_count",
        )[offset : offset + per_page]
    )
    hosts = school_names({row[2] for row in found}) if found else {}
    rows = [
        ChallengeOccupancy(
            offer_id=offer_id,
            title=title,
            host=hosts.get(host_id, ""),
            taken=taken,
            # The same capacity the engine and the override check use.
            capacity=capacity if capacity is not None else max_students,
            host_id=host_id,
            chosen=chosen if with_choices else 0,
        )
        for offer_id, title, host_id, capacity, max_students, taken, chosen in found
    ]
    host_name = ""
    if filters.host is not None:
        host_name = next((row.host for row in rows if row.host_id == filters.host), "")
    return ChallengePage(
        rows=rows, total=total, number=number, per_page=per_page, host_name=host_name
    )


def fill_rates(allocation_round: AllocationRound, *, limit: int = 25) -> list[ChallengeOccupancy]:
    """The `limit` challenges of the round with the largest share of their places taken (then
    by title), computed in the database: one query, `limit` rows at any size."""
    entries = (
        _with_counts(RoundChallenge.objects.filter(round=allocation_round))
        .filter(GreaterThan(F("places"), 0))
        .annotate(
            share=ExpressionWrapper(F("taken") * 1.0 / F("places"), output_field=FloatField())
        )
        .order_by("-share", "offer__title", "offer_id")
        .values_list("offer_id", "offer__title", "taken", "places")
    )
    # Without the company's name: the chart shows titles only (no join to every company).
    return [
        ChallengeOccupancy(offer_id=offer_id, title=title, host="", taken=taken, capacity=places)
        for offer_id, title, taken, places in entries[:limit]
    ]


def round_challenge_count(allocation_round: AllocationRound) -> int:
    return RoundChallenge.objects.filter(round=allocation_round).count()


def round_challenge_titles(
    allocation_round: AllocationRound, *, limit: int
) -> list[tuple[int, str]]:
    """(offer id, title) of the round's first `limit` challenges by title (for a menu)."""
    return list(
        RoundChallenge.objects.filter(round=allocation_round)
        .order_by("offer__title", "offer_id")
        .values_list("offer_id", "offer__title")[:limit]
    )


def round_challenge_title(allocation_round: AllocationRound, offer_id: int) -> str:
    """The title of a challenge of the round, else ""."""
    found = (
        RoundChallenge.objects.filter(round=allocation_round, offer_id=offer_id)
        .values_list("offer__title", flat=True)
        .first()
    )
    return found or ""
