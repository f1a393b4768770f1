"""Groups of mutual together-wishes (format /2), shared by the solver, check and explain.

A wish counts only when it is mutual: a student a lists b in `together` AND b lists a. The
groups are the connected components (of two or more students) of the graph of mutual wishes,
so a chain a<->b<->c is one group of three even though a and c never named each other.

Students of a class unit (their `klass` is the id of a `ClassUnit`) are placed with their whole
class; their together-wishes form no group. Unknown ids in `together` are ignored here
(validation rejects them).
"""

from __future__ import annotations

from matching.types import Problem


def mutual_pairs(problem: Problem) -> list[tuple[str, str]]:
    """The mutual wishes as sorted pairs (a < b), sorted; class-unit members excluded."""
    unit_ids = {unit.id for unit in problem.class_units}
    wishes = {
        s.id: set(s.together)
        for s in problem.students
        if s.together and (s.klass is None or s.klass not in unit_ids)
    }
    pairs = {
        (min(a, b), max(a, b))
        for a, listed in wishes.items()
        for b in listed
        if b != a and a in wishes.get(b, ())
    }
    return sorted(pairs)


def mutual_groups(problem: Problem) -> list[tuple[str, ...]]:
    """The connected components of the mutual-wish graph, each a sorted tuple of >= 2 student
    ids, in sorted order (by their members). Deterministic: independent of input order."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    for a, b in mutual_pairs(problem):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    components: dict[str, list[str]] = {}
    for member in parent:
        components.setdefault(find(member), []).append(member)
    return sorted(tuple(sorted(members)) for members in components.values())


def unreciprocated(problem: Problem) -> dict[str, tuple[str, ...]]:
    """Per student, the ids they listed in `together` who did not list them back (in the
    student's own order); students without such wishes are left out. Class-unit members are
    left out (their wishes do not count)."""
    unit_ids = {unit.id for unit in problem.class_units}
    listed = {s.id: set(s.together) for s in problem.students}
    out: dict[str, tuple[str, ...]] = {}
    for s in problem.students:
        if s.klass is not None and s.klass in unit_ids:
            continue
        missing = tuple(b for b in s.together if s.id not in listed.get(b, ()))
        if missing:
            out[s.id] = missing
    return out
