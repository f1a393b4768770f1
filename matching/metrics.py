"""Metrics of an allocation, overall and per school and per level (`by_group`).

Definitions: shares are over all students; `penalised_rank_cost` = total rank + for each
unassigned student len(preferences) + 1 (a student locked to a challenge outside their list
adds 0); `goal_coverage` is the mean share of open goals covered, over assigned students with
open goals (None when there are none); fill rates are assigned / capacity (None when the
capacity is 0 or unlimited).
"""

from __future__ import annotations

from collections.abc import Iterable

from matching.instance import UNLIMITED, Instance
from matching.types import Metrics


class _Tally:
    """The headline figures of a group of students, summed in student order."""

    __slots__ = (
        "assigned",
        "coverage_n",
        "coverage_sum",
        "first",
        "penalised",
        "students",
        "top3",
        "total",
        "worst",
    )

    def __init__(
        self,
        members: Iterable[int],
        assign: list[int],
        ranks: list[int | None],
        n_prefs: list[int],
        covers: list[float | None],
    ) -> None:
        # One tight loop per group instead of a method call per student and group.
        students = assigned = first = top3 = total = penalised = worst = coverage_n = 0
        coverage_sum = 0.0
        for s in members:
            students += 1
            rank = ranks[s]
            if assign[s] >= 0:
                assigned += 1
                cover = covers[s]
                if cover is not None:
                    coverage_n += 1
                    coverage_sum += cover
            else:
                penalised += n_prefs[s] + 1
            if rank is not None:
                first += rank == 1
                top3 += rank <= 3
                total += rank
                penalised += rank
                if rank > worst:
                    worst = rank
        self.students, self.assigned, self.first, self.top3 = students, assigned, first, top3
        self.total, self.penalised, self.worst = total, penalised, worst
        self.coverage_n, self.coverage_sum = coverage_n, coverage_sum

    def headline(self) -> dict[str, object]:
        n = self.students
        return {
            "students": n,
            "assigned": self.assigned,
            "unassigned": n - self.assigned,
            "share_first_choice": self.first / n if n else 0.0,
            "share_top3": self.top3 / n if n else 0.0,
            "worst_rank": self.worst or None,
            "total_rank": self.total,
            "penalised_rank_cost": self.penalised,
            "goal_coverage": self.coverage_sum / self.coverage_n if self.coverage_n else None,
        }


def _coverage(open_goals: tuple[str, ...], goals: frozenset[str]) -> float:
    """`instance.coverage` for non-empty open goals, the goals already a set (same value)."""
    if not goals:
        return 0.0
    return sum(1 for g in open_goals if g in goals) / len(open_goals)


def _rate(count: int, capacity: int) -> float | None:
    return count / capacity if capacity > 0 else None


def compute_metrics(inst: Instance, assign: list[int], ranks: list[int | None]) -> Metrics:
    """All figures: one pass over the students, then one tight loop per group."""
    students, challenges = inst.problem.students, inst.problem.challenges
    profile: dict[int, int] = {}
    count = [0] * len(challenges)
    host_count = [0] * len(inst.host_ids)
    covers: list[float | None] = [None] * len(students)
    goal_sets = [frozenset(c.goals) for c in challenges]  # built once, not per student
    for s, c in enumerate(assign):
        if c >= 0:
            count[c] += 1
            host_count[inst.challenge_host[c]] += 1
            open_goals = students[s].open_goals
            if open_goals:
                covers[s] = _coverage(open_goals, goal_sets[c])
        rank = ranks[s]
        if rank is not None:
            profile[rank] = profile.get(rank, 0) + 1
    schools: dict[str, list[int]] = {}
    levels: dict[int, list[int]] = {}
    for s, student in enumerate(students):
        schools.setdefault(student.school, []).append(s)
        levels.setdefault(student.level, []).append(s)
    figures = (assign, ranks, inst.pref_counts, covers)
    total = _Tally(range(len(students)), *figures)
    head = total.headline()
    return Metrics(
        students=total.students,
        assigned=total.assigned,
        unassigned=total.students - total.assigned,
        locked=len(inst.locked),
        share_first_choice=head["share_first_choice"],  # type: ignore[arg-type]
        share_top3=head["share_top3"],  # type: ignore[arg-type]
        rank_profile=dict(sorted(profile.items())),
        worst_rank=total.worst or None,
        total_rank=total.total,
        penalised_rank_cost=total.penalised,
        goal_coverage=head["goal_coverage"],  # type: ignore[arg-type]
        fill_rate_challenges={
            cid: _rate(count[c], inst.challenge_max[c]) for c, cid in enumerate(inst.challenge_ids)
        },
        fill_rate_hosts={
            hid: None
            if inst.host_capacity[h] == UNLIMITED
            else _rate(host_count[h], inst.host_capacity[h])
            for h, hid in enumerate(inst.host_ids)
        },
        by_group={
            "school": {k: _Tally(v, *figures).headline() for k, v in sorted(schools.items())},
            "level": {str(k): _Tally(v, *figures).headline() for k, v in sorted(levels.items())},
        },
    )
