"""What a person should act on in the allocations area: rounds to choose in, results to read,
rounds to review and objections to decide. Domain data only; the landing page (frontend.dashboard)
turns it into items with titles and links."""

from dataclasses import dataclass

from django.db.models import Count, Q

from backend.accounts.models import User
from backend.allocations.models import AllocationRound, ChoiceList, ObjectionStatus, Phase
from backend.allocations.selectors.access import rounds_for_student, rounds_managed_by


@dataclass(frozen=True)
class StudentAttention:
    """A student's rounds to choose in (no choices handed in yet) and just-published results."""

    to_choose: list[AllocationRound]
    new_results: list[AllocationRound]


def student_attention(user: User) -> StudentAttention:
    """What a student should act on: 'choosing' rounds without their choices, and rounds just
    published (the objection window still open)."""
    rounds = rounds_for_student(user)
    choosing = [r for r in rounds if r.is_choosing]
    chosen = (
        set(
            ChoiceList.objects.filter(
                student_id=user.pk, round_id__in=[r.pk for r in choosing]
            ).values_list("round_id", flat=True)
        )
        if choosing
        else set()
    )
    return StudentAttention(
        to_choose=[r for r in choosing if r.pk not in chosen],
        new_results=[r for r in rounds if r.phase == Phase.PUBLISHED],
    )


@dataclass(frozen=True)
class ManagedRound:
    """A round the coordinator runs that is not closed, with its undecided objections."""

    allocation_round: AllocationRound
    open_objections: int


def rounds_in_progress_managed_by(user: User) -> list[ManagedRound]:
    """The rounds `user` manages that are not closed, newest deadline first (one query)."""
    if not user.is_authenticated:
        return []
    rounds = (
        rounds_managed_by(user)
        .exclude(phase=Phase.CLOSED)
        .annotate(open_count=Count("objections", filter=Q(objections__status=ObjectionStatus.OPEN)))
    )
    return [ManagedRound(r, r.open_count) for r in rounds]
