"""The round page's figures, counted from the round's current assignments.

The engine's metrics (`AllocationRun.metrics`) describe the run's own proposal; a coordinator's
override, lock or objection decision changes the assignments after it. These figures always
follow the `Assignment` rows of this one round, in a fixed number of queries however many
students take part.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count

from backend.allocations.models import AllocationRound, Assignment, RoundChallenge
from backend.allocations.selectors.access import round_enrolments


@dataclass(frozen=True)
class ChallengeOccupancy:
    """How many of a challenge's places in this round are taken now."""

    offer_id: int
    title: str
    host: str
    taken: int
    capacity: int

    @property
    def percent(self) -> int | None:
        """Share of the places taken, in whole percents (None without places)."""
        return round(100 * self.taken / self.capacity) if self.capacity > 0 else None


@dataclass(frozen=True)
class RoundFigures:
    """The round as it stands: participants, placed and waiting students, ranks, occupancy."""

    participants: int
    assigned: int
    unassigned: int
    # {rank: students placed on their rank-th choice}, by rank.
    rank_profile: dict[int, int] = field(default_factory=dict)
    # Placed on a challenge that was not among their choices (rank unknown).
    outside_choices: int = 0
    occupancy: list[ChallengeOccupancy] = field(default_factory=list)

    @property
    def first_choice(self) -> int:
        return self.rank_profile.get(1, 0)

    @property
    def share_first_choice(self) -> float:
        """Students on their first choice, over everyone taking part (as the engine counts)."""
        return self.first_choice / self.participants if self.participants else 0.0


def round_figures(allocation_round: AllocationRound) -> RoundFigures:
    """The current figures of `allocation_round` (about five queries, none per student)."""
    assignments = Assignment.objects.filter(round=allocation_round)
    per_offer: Counter[int] = Counter()
    per_rank: Counter[int] = Counter()
    outside = 0
    for offer_id, rank, n in (
        assignments.values("offer_id", "rank")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("offer_id", "rank", "n")
    ):
        per_offer[offer_id] += n
        if rank is None:
            outside += n
        else:
            per_rank[rank] += n
    enrolments = round_enrolments(allocation_round)
    participants = enrolments.count()
    unassigned = enrolments.exclude(student_id__in=assignments.values("student_id")).count()
    entries = (
        RoundChallenge.objects.filter(round=allocation_round)
        .order_by("offer__title", "offer_id")
        .values_list(
            "offer_id", "offer__title", "offer__owner__name", "capacity", "offer__max_students"
        )
    )
    occupancy = [
        ChallengeOccupancy(
            offer_id=offer_id,
            title=title,
            host=host,
            taken=per_offer.get(offer_id, 0),
            # The same capacity the engine and the override check use.
            capacity=capacity if capacity is not None else max_students,
        )
        for offer_id, title, host, capacity, max_students in entries
    ]
    return RoundFigures(
        participants=participants,
        assigned=sum(per_offer.values()),
        unassigned=unassigned,
        rank_profile=dict(sorted(per_rank.items())),
        outside_choices=outside,
        occupancy=occupancy,
    )
