"""Seeded benchmark instances in the koppel-allocation/1 format.

Zipf-skewed popularity, 5-10 choices per student, one challenge per 10 students, total
challenge capacity about 1.2x the students, a third of the challenges with an eligibility rule,
a fifth with a minimum team size of 2, hosts of ~3 challenges of which 30% have a binding
capacity (70% of their challenges' total), host rankings for half of the hosts, 1% locks.

Challenge capacities: the brief asks for 1-6 per challenge *and* 1.2x total capacity with one
challenge per 10 students, which cannot both hold (6 x 5,000 < 60,000). We keep the 1.2x total:
capacities are uniform on 1..(2k-1) with k = round(1.2 * students / challenges) (1..23 at 10
students per challenge), so the mean is k.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from typing import Any

PROGRAMMES = [f"2{i:04d}" for i in range(5600, 5620)]
SCHOOLS = ["vista", "gilde", "scalda", "horizon", "nova"]
GOALS = [f"B1-K{k}-W{w}" for k in range(1, 5) for w in range(1, 11)]


def _rule(rng: random.Random) -> dict[str, list[Any]]:
    kind = rng.randrange(4)
    if kind == 0:
        return {"levels": sorted(rng.sample([1, 2, 3, 4], 2))}
    if kind == 1:
        return {"programmes": rng.sample(PROGRAMMES, 8)}
    if kind == 2:
        return {"schools": rng.sample(SCHOOLS, 3)}
    return {"requires": ["VOG"]}


def _eligible(student: dict[str, Any], challenge: dict[str, Any]) -> bool:
    return (
        (not challenge["levels"] or student["level"] in challenge["levels"])
        and (not challenge["programmes"] or student["programme"] in challenge["programmes"])
        and (not challenge["schools"] or student["school"] in challenge["schools"])
        and set(challenge["requires"]) <= set(student["certificates"])
    )


def challenge_record(
    rng: random.Random, c: int, n_hosts: int, cap: int, minimum: Callable[[], int]
) -> dict[str, Any]:
    """Challenge `c` of `cap` seats at a random host, its minimum drawn by `minimum`, and one to
    three goals (drawn in this order: the host, the minimum, the goals)."""
    return {
        "id": f"c{c}",
        "host": f"h{rng.randrange(n_hosts)}",
        "min": minimum(),
        "max": cap,
        "levels": [],
        "programmes": [],
        "schools": [],
        "requires": [],
        "goals": rng.sample(GOALS, rng.randint(1, 3)),
    }


def generate(
    n_students: int, seed: int = 1, mode: str = "optimal", *, minimums: bool = True
) -> dict[str, Any]:
    """A koppel-allocation/1 document with `n_students` students and n_students // 10 challenges.

    `minimums=False` drops the minimum team sizes (and changes nothing else: the same random
    draws are made), so the instance uses no team feature and the engine takes its
    min-cost-flow path: the instance of the comparison with a bare min-cost-flow solve."""
    rng = random.Random(seed)
    n_challenges = max(n_students // 10, 2)
    n_hosts = max(n_challenges // 3, 1)
    mean = max(round(1.2 * n_students / n_challenges), 1)
    challenges: list[dict[str, Any]] = []
    for c in range(n_challenges):
        cap = rng.randint(1, 2 * mean - 1)
        # The minimum is drawn after the host (the draws of the instance before this helper).
        challenge = challenge_record(
            rng,
            c,
            n_hosts,
            cap,
            lambda cap=cap: 2 if cap >= 2 and rng.random() < 0.2 and minimums else 0,
        )
        if rng.random() < 1 / 3:
            challenge.update(_rule(rng))
        challenges.append(challenge)
    order = list(range(n_challenges))
    rng.shuffle(order)  # popularity is independent of the id
    cum = list(itertools.accumulate(1.0 / (i + 1) ** 0.9 for i in range(n_challenges)))
    students: list[dict[str, Any]] = []
    for s in range(n_students):
        k = rng.randint(5, 10)
        prefs: list[str] = []
        seen: set[int] = set()
        while len(prefs) < min(k, n_challenges):
            for pick in rng.choices(order, cum_weights=cum, k=2 * k):
                if pick not in seen and len(prefs) < k:
                    seen.add(pick)
                    prefs.append(f"c{pick}")
        students.append(
            {
                "id": f"s{s}",
                "level": rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 4, 4]),
                "programme": rng.choice(PROGRAMMES),
                "school": rng.choice(SCHOOLS),
                "certificates": ["VOG"] if rng.random() < 0.3 else [],
                "open_goals": rng.sample(GOALS, rng.randint(2, 4)),
                "preferences": prefs,
            }
        )
    per_host: dict[str, int] = {}
    for challenge in challenges:
        per_host[challenge["host"]] = per_host.get(challenge["host"], 0) + challenge["max"]
    hosts: list[dict[str, Any]] = []
    for h in range(n_hosts):
        hid = f"h{h}"
        total = per_host.get(hid, 0)
        capacity = int(total * 0.7) if rng.random() < 0.3 else None
        ranking = [f"s{i}" for i in rng.sample(range(n_students), 10)] if h % 2 == 0 else []
        hosts.append({"id": hid, "capacity": capacity, "ranking": ranking})
    locked = _locks(rng, students, challenges, hosts)
    return {
        "format": "koppel-allocation/1",
        "students": students,
        "challenges": challenges,
        "hosts": hosts,
        "locked": locked,
        "options": {"mode": mode, "seed": seed, "coverage_weight": 0.0},
    }


def _locks(
    rng: random.Random,
    students: list[dict[str, Any]],
    challenges: list[dict[str, Any]],
    hosts: list[dict[str, Any]],
) -> list[dict[str, str]]:
    """Lock 1% of the students into an eligible choice with room (challenge and host)."""
    by_id = {c["id"]: c for c in challenges}
    host_room = {h["id"]: h["capacity"] for h in hosts}
    room = {c["id"]: c["max"] for c in challenges}
    locked: list[dict[str, str]] = []
    for student in rng.sample(students, len(students) // 100):
        for cid in student["preferences"]:
            challenge = by_id[cid]
            host_left = host_room[challenge["host"]]
            if room[cid] > 0 and host_left != 0 and _eligible(student, challenge):
                room[cid] -= 1
                if host_left is not None:
                    host_room[challenge["host"]] = host_left - 1
                locked.append({"student": student["id"], "challenge": cid})
                break
    return locked
