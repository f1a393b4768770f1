"""Metrics of an allocation, overall and per school and per level (`by_group`).

Definitions: shares are over all students; `penalised_rank_cost` = total rank + for each
unassigned student len(preferences) + 1 (a student locked to a challenge outside their list
adds 0); `goal_coverage` is the mean share of open goals covered, over assigned students with
open goals (None when there are none); fill rates are assigned / capacity (None when the
capacity is 0 or unlimited).
"""

from __future__ import annotations

from matching.instance import UNLIMITED, Instance, coverage
from matching.types import Metrics


class _Tally:
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

    def __init__(self) -> None:
        self.students = self.assigned = self.first = self.top3 = 0
        self.total = self.penalised = self.worst = self.coverage_n = 0
        self.coverage_sum = 0.0

    def add(self, rank: int | None, assigned: bool, n_prefs: int, cover: float | None) -> None:
        self.students += 1
        if assigned:
            self.assigned += 1
            if cover is not None:
                self.coverage_n += 1
                self.coverage_sum += cover
        else:
            self.penalised += n_prefs + 1
        if rank is not None:
            self.first += rank == 1
            self.top3 += rank <= 3
            self.total += rank
            self.penalised += rank
            self.worst = max(self.worst, rank)

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


def _rate(count: int, capacity: int) -> float | None:
    return count / capacity if capacity > 0 else None


def compute_metrics(inst: Instance, assign: list[int], ranks: list[int | None]) -> Metrics:
    """All figures in one pass over the students."""
    students, challenges = inst.problem.students, inst.problem.challenges
    total = _Tally()
    schools: dict[str, _Tally] = {}
    levels: dict[str, _Tally] = {}
    profile: dict[int, int] = {}
    count = [0] * len(challenges)
    host_count = [0] * len(inst.host_ids)
    for s, c in enumerate(assign):
        student, rank = students[s], ranks[s]
        cover = None
        if c >= 0:
            count[c] += 1
            host_count[inst.challenge_host[c]] += 1
            if student.open_goals:
                cover = coverage(student.open_goals, challenges[c].goals)
        if rank is not None:
            profile[rank] = profile.get(rank, 0) + 1
        n_prefs = len(student.preferences)
        for tally in (
            total,
            schools.setdefault(student.school, _Tally()),
            levels.setdefault(str(student.level), _Tally()),
        ):
            tally.add(rank, c >= 0, n_prefs, cover)
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
            "school": {k: v.headline() for k, v in sorted(schools.items())},
            "level": {
                k: v.headline() for k, v in sorted(levels.items(), key=lambda kv: int(kv[0]))
            },
        },
    )
