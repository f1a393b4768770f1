"""The stored counts of a round's challenges (`RoundChallenge.choice_count`,
`first_choice_count`, `assigned_count`): pages read them instead of counting the round's
choices (750,000 in a region round) or assignments on every request.

Every service that changes choices or assignments updates them in its own transaction, with
F() expressions on rows locked in one order (by id), so two students saving at the same time
never lose a count and never deadlock. Bulk loads (the demo, bench/region.py) and anything that
bypasses the services (a deletion in the Django admin) call `rebuild_round_counts` afterwards.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When

from backend.allocations.models import AllocationRound, Assignment, Choice, RoundChallenge


def _per_offer(rows: "QuerySet[Any]") -> dict[int, int]:
    """{offer id: number of rows}, one GROUP BY."""
    return dict(
        rows.order_by().values("offer_id").annotate(n=Count("pk")).values_list("offer_id", "n")
    )


def _store(round_id: int, fields: dict[str, dict[int, int]]) -> int:
    """Write the counts (field → {offer id: count}, 0 when absent) to the round's challenges
    whose stored value differs; returns how many rows changed. Counting once per round and
    writing the differences costs the same whatever the statistics say, where one correlated
    subquery per challenge did not (a seq scan per challenge before the first ANALYZE)."""
    changed = []
    for entry in RoundChallenge.objects.filter(round_id=round_id).only("pk", "offer_id", *fields):
        stale = False
        for name, counts in fields.items():
            value = counts.get(entry.offer_id, 0)
            if getattr(entry, name) != value:
                setattr(entry, name, value)
                stale = True
        if stale:
            changed.append(entry)
    RoundChallenge.objects.bulk_update(changed, list(fields), batch_size=1000)
    return len(changed)


def rebuild_assignment_counts(allocation_round: AllocationRound) -> None:
    """Count the round's assignments per challenge afresh: after a run's proposal replaced the
    round's assignments in bulk."""
    assigned = _per_offer(Assignment.objects.filter(round=allocation_round))
    _store(allocation_round.pk, {"assigned_count": assigned})


def rebuild_round_counts(allocation_round: AllocationRound | None = None) -> int:
    """Count the choices, first choices and assignments of every challenge of the round (of
    every round without one) afresh. For bulk loads that bypass the services. Returns the
    number of round challenges whose counts changed."""
    rounds = AllocationRound.objects.order_by("pk").values_list("pk", flat=True)
    if allocation_round is not None:
        rounds = rounds.filter(pk=allocation_round.pk)
    changed = 0
    for round_id in rounds:
        choices = Choice.objects.filter(choice_list__round_id=round_id)
        changed += _store(
            round_id,
            {
                "choice_count": _per_offer(choices),
                "first_choice_count": _per_offer(choices.filter(position=1)),
                "assigned_count": _per_offer(Assignment.objects.filter(round_id=round_id)),
            },
        )
    return changed


def _case(deltas: dict[int, int]) -> Case:
    """deltas[offer id] for a challenge of `deltas`, else 0."""
    return Case(
        *(When(offer_id=offer_id, then=Value(d)) for offer_id, d in deltas.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _lock(round_id: int, offer_ids: set[int]) -> None:
    """Lock the challenges' rows in one order (by id): concurrent writers of overlapping
    challenges queue instead of deadlocking."""
    if offer_ids:
        list(
            RoundChallenge.objects.select_for_update()
            .filter(round_id=round_id, offer_id__in=sorted(offer_ids))
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def choices_changed(round_id: int, before: Sequence[int], after: Sequence[int]) -> None:
    """A student's choices (offer ids, best first) went from `before` to `after`: the counts of
    the challenges that entered or left the list, and of the old and new first choice, change
    by one. Call inside the transaction that wrote the choices, as late as possible (the rows
    stay locked until it commits)."""
    choice: dict[int, int] = {}
    for offer_id in set(before) - set(after):
        choice[offer_id] = -1
    for offer_id in set(after) - set(before):
        choice[offer_id] = 1
    first: dict[int, int] = {}
    old_first = before[0] if before else None
    new_first = after[0] if after else None
    if old_first != new_first:
        if old_first is not None:
            first[old_first] = -1
        if new_first is not None:
            first[new_first] = 1
    offers = set(choice) | set(first)
    if not offers:
        return
    _lock(round_id, offers)
    RoundChallenge.objects.filter(round_id=round_id, offer_id__in=sorted(offers)).update(
        choice_count=F("choice_count") + _case(choice),
        first_choice_count=F("first_choice_count") + _case(first),
    )


def assignment_moved(round_id: int, before: int | None, after: int | None) -> None:
    """A student's assignment moved from challenge `before` to `after` (None: none)."""
    if before == after:
        return
    deltas = {}
    if before is not None:
        deltas[before] = -1
    if after is not None:
        deltas[after] = 1
    _lock(round_id, set(deltas))
    RoundChallenge.objects.filter(round_id=round_id, offer_id__in=sorted(deltas)).update(
        assigned_count=F("assigned_count") + _case(deltas)
    )
