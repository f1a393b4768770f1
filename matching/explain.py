"""Explanations: for every student, the result and why each better choice was not given.

Computed from the final allocation in O(total preferences), never by re-solving. Reason codes:

- ``not_eligible`` {"rule": "level"|"programme"|"school"|"certificate", "required": [...]}
  (certificate also carries "missing": [...])
- ``closed`` {"min": int, "interested": int}: closed for lack of team members; "interested" is
  the number of students the solver had placed there in the round it was closed (0 for a
  challenge with a minimum that nobody was placed in: it does not run either).
- ``full`` {"capacity": int, "filled_by_ranks": [...], "locked": int}: at capacity in the final
  result; filled_by_ranks are the ranks the assigned students gave it (sorted; students locked
  there without ranking it are counted in "locked" only). Stable mode adds "host_preferred".
- ``host_full`` {"host": id, "capacity": int} (stable mode adds "host_preferred": true).
- ``tradeoff`` {"note": ...}: optimal mode only; the choice had room and the student was
  eligible, but giving it would have made the overall allocation worse.
- ``locked`` {"note": ...}: the coordinator locked the student's assignment.
- ``together``, ``rotation``, ``rule``: format /2, see matching/explain_teams.py.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from matching.instance import UNLIMITED, Instance
from matching.types import (
    Assignment,
    Challenge,
    Explanation,
    GroupOutcome,
    PassedOver,
    RuleBinding,
    Student,
    Unassigned,
)
from matching.validate import rule_details

TRADEOFF: dict[str, object] = {
    "note": "giving it would make the overall allocation worse for others"
}
LOCKED: dict[str, object] = {"note": "the coordinator locked this student's assignment"}

PHRASES = {
    "not_eligible": "not eligible",
    "closed": "closed for lack of team members",
    "full": "full",
    "host_full": "host full",
    "tradeoff": "given to others for a better overall result",
    "locked": "not considered: assignment locked",
    "together": "your group could not be placed there together",
    "rotation": "already placed at that host before",
    "rule": "a team composition rule kept you out",
}


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_ordinal = functools.cache(ordinal)  # a few dozen distinct ranks, thousands of students


@dataclass(slots=True)
class Explained:
    assignments: tuple[Assignment, ...]
    unassigned: tuple[Unassigned, ...]
    explanations: dict[str, Explanation]
    ranks: list[int | None]  # per student; None when unassigned or locked outside the list


def _reason_tables(
    inst: Instance, assign: list[int], ranks: list[int | None], closed: dict[int, int], mode: str
) -> list[tuple[str, dict[str, object]] | None]:
    """Per challenge the shared (reason, details) for a passed-over choice, if not tradeoff."""
    count, host_count, filled = _fill(inst, assign, ranks)
    return [
        _challenge_reason(inst, c, count, host_count, filled, closed, mode == "stable")
        for c in range(len(inst.challenge_ids))
    ]


def _fill(
    inst: Instance, assign: list[int], ranks: list[int | None]
) -> tuple[list[int], list[int], list[list[int]]]:
    """Students per challenge and per host, and the ranks that filled each challenge."""
    n_challenges = len(inst.challenge_ids)
    count = [0] * n_challenges
    filled: list[list[int]] = [[] for _ in range(n_challenges)]
    host_count = [0] * len(inst.host_ids)
    for s, c in enumerate(assign):
        if c >= 0:
            count[c] += 1
            host_count[inst.challenge_host[c]] += 1
            rank = ranks[s]
            if rank is not None:
                filled[c].append(rank)
    return count, host_count, filled


def _challenge_reason(
    inst: Instance,
    c: int,
    count: list[int],
    host_count: list[int],
    filled: list[list[int]],
    closed: dict[int, int],
    stable: bool,
) -> tuple[str, dict[str, object]] | None:
    """Why a student who preferred challenge c could not get it (None: a trade-off)."""
    h = inst.challenge_host[c]
    capacity = inst.host_capacity[h]
    if c in closed:
        return ("closed", {"min": inst.challenge_min[c], "interested": closed[c]})
    details: dict[str, object]
    if count[c] >= inst.challenge_max[c]:
        details = {
            "capacity": inst.challenge_max[c],
            "filled_by_ranks": sorted(filled[c]),
            "locked": inst.lock_count[c],
        }
        reason = "full"
    elif capacity != UNLIMITED and host_count[h] >= capacity:
        details = {"host": inst.host_ids[h], "capacity": capacity}
        reason = "host_full"
    elif count[c] == 0 and inst.challenge_min[c] > 0:
        # A challenge with a minimum that nobody was placed in does not run either.
        return ("closed", {"min": inst.challenge_min[c], "interested": 0})
    else:
        return None
    if stable:
        details["host_preferred"] = True
    return (reason, details)


def _summary(
    challenge: str | None, rank: int | None, locked: bool, passed: list[PassedOver]
) -> str:
    if locked and challenge is not None:
        return f"Assigned to {challenge} by the coordinator (locked)."
    missed = "; ".join([f"{p.challenge} ({PHRASES[p.reason]})" for p in passed[:3]])
    if len(passed) > 3:
        missed += f"; and {len(passed) - 3} more"
    if challenge is None:
        return f"Not assigned: {missed}." if passed else "Not assigned: no choices were given."
    text = f"Assigned to {challenge}, your {_ordinal(rank or 0)} choice"
    return f"{text}; better choices: {missed}." if passed else f"{text}."


def _unassigned(student: str, n_prefs: int, passed: list[PassedOver]) -> Unassigned:
    if n_prefs == 0:
        return Unassigned(student, "no_preferences", {})
    reasons: dict[str, int] = {}
    for p in passed:
        reasons[p.reason] = reasons.get(p.reason, 0) + 1
    if reasons.get("not_eligible", 0) == n_prefs:
        return Unassigned(student, "no_eligible_choice", {"choices": n_prefs, "reasons": reasons})
    # Mixed: some choices ineligible and the eligible ones full, host-full or closed.
    return Unassigned(student, "all_choices_full", {"choices": n_prefs, "reasons": reasons})


IneligibleKey = tuple[int, str, tuple[str, ...]]  # challenge, rule, certificates (or ())


def _not_eligible(
    shared: dict[tuple[IneligibleKey, int], PassedOver],
    details_of: dict[IneligibleKey, dict[str, object]],
    student: Student,
    challenge: Challenge,
    rule: str,
    c: int,
    position: int,
) -> PassedOver:
    """The not_eligible entry for choice `c` at `position`, shared between students.

    Its details depend only on the challenge, the rule and (for the certificate rule) the
    student's certificates, whatever the position; sharing lets the JSON writer encode each
    distinct entry, and each distinct details object, once.
    """
    key = (c, rule, student.certificates if rule == "certificate" else ())
    item = shared.get((key, position))
    if item is None:
        details = details_of.get(key)
        if details is None:
            details = details_of[key] = rule_details(student, challenge, rule)
        item = PassedOver(challenge.id, position + 1, "not_eligible", details)
        shared[key, position] = item
    return item


def explain(
    inst: Instance,
    assign: list[int],
    closed: dict[int, int],
    mode: str,
    *,
    groups: Sequence[GroupOutcome] = (),
    bound_rules: Sequence[RuleBinding] = (),
) -> Explained:
    """Assignments, unassigned reasons and explanations for the allocation `assign`.

    Format /2: `groups` and `bound_rules` are the solver's Result.groups and .bound_rules; with
    them (or any team feature in the problem) the explanations of the students a team feature
    touches gain together_with, rules, the reasons together/rotation/rule and sentences about
    their group, unreturned wishes and rules (matching/explain_teams.py). Class unit members
    are explained by their unit's choices, and ranked by them."""
    students, challenges = inst.problem.students, inst.problem.challenges
    cids, locked = inst.challenge_ids, inst.locked
    ranks: list[int | None] = []
    for s, c in enumerate(assign):
        prefs = inst.prefs[s]
        ranks.append(prefs.index(c) + 1 if c >= 0 and c in prefs else None)
    table = _reason_tables(inst, assign, ranks, closed, mode)
    # Entries with shared reasons are identical for every student: build each (challenge, rank)
    # once, which keeps explaining 50,000 students well under a second. Indexed by position
    # then challenge: a list lookup is cheaper than hashing a (challenge, position) key.
    n_challenges, longest = len(cids), max(inst.pref_counts, default=0)
    shared: list[list[PassedOver | None]] = [[None] * n_challenges for _ in range(longest)]
    ineligible: dict[tuple[IneligibleKey, int], PassedOver] = {}
    ineligible_details: dict[IneligibleKey, dict[str, object]] = {}
    assignments: list[Assignment] = []
    unassigned: list[Unassigned] = []
    explanations: dict[str, Explanation] = {}
    rows = zip(inst.student_ids, assign, ranks, inst.prefs, inst.rules, strict=True)
    for s, (sid, c, rank, prefs, fails) in enumerate(rows):
        is_locked = s in locked
        better = prefs[: rank - 1] if rank is not None else prefs
        passed: list[PassedOver] = []
        for position, b in enumerate(better):
            if is_locked:
                passed.append(PassedOver(cids[b], position + 1, "locked", LOCKED))
            elif (rule := fails[position]) is not None:
                passed.append(
                    _not_eligible(
                        ineligible,
                        ineligible_details,
                        students[s],
                        challenges[b],
                        rule,
                        b,
                        position,
                    )
                )
            else:
                row = shared[position]
                item = row[b]
                if item is None:
                    reason, details = table[b] or ("tradeoff", TRADEOFF)
                    item = row[b] = PassedOver(cids[b], position + 1, reason, details)
                passed.append(item)
        challenge = cids[c] if c >= 0 else None
        if challenge is None:
            unassigned.append(_unassigned(sid, len(prefs), passed))
        else:
            assignments.append(Assignment(sid, challenge, rank, is_locked))
        summary = _summary(challenge, rank, is_locked, passed)
        explanations[sid] = Explanation(sid, challenge, rank, is_locked, tuple(passed), summary)
    from matching import explain_teams  # imports this module: imported late, when needed

    if explain_teams.needs_refining(inst, groups, bound_rules):
        explain_teams.refine(
            inst, assign, table, (assignments, unassigned, explanations, ranks), groups, bound_rules
        )
    return Explained(tuple(assignments), tuple(unassigned), explanations, ranks)
