"""Seeded team rounds in engine types (format koppel-allocation/2) for bench.engine_teams.

`generate_teams` builds the 10,000-student round of issue 16: classes, mutual groups whose
members choose alike, minimum team sizes, binding host capacities, and (variant "rules")
composition rules and rotation history. docs/performance.md ("The engine") describes the
instance and why it has 1.1 seats per student.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

from bench.engine_gen import GOALS, PROGRAMMES, SCHOOLS, _eligible, _rule, challenge_record
from matching.types import Challenge, Host, Lock, Options, Problem, Rule, Student

GROUP_SIZES = (2, 2, 2, 3, 3, 4)  # half pairs, a third threes, a sixth fours
LEVELS = (1, 2, 2, 3, 3, 3, 4, 4, 4, 4)
VARIANTS = ("groups", "rules")
RULE_WEIGHTS = (1.0, 2.0, 3.0)
ZIPF = 0.6


def generate_teams(
    n_students: int = 10_000,
    seed: int = 1,
    *,
    variant: str = "groups",
    n_challenges: int | None = None,
    together: str = "soft",
    time_limit: float = 30.0,
) -> Problem:
    """A seeded team round as engine types (docs/performance.md, "The engine").

    Classes of 20-30 students (one school, programme and niveau each) who lean to the class's
    favourite challenges; 20 % of the students in mutual groups of 2-4 classmates who list each
    other and share most preferences, and 2 % with an unreciprocated wish; challenges of 2-6
    seats (by default n_students / 3.6 of them: 1.1 seats per student), a fifth with a minimum
    team size, a third with an eligibility rule; hosts of about three challenges, 30 % with a
    binding capacity; 0.5 % of the students locked. variant="rules" adds a composition rule
    (hard or soft) to a quarter of the challenges and earlier hosts to 60 % of the students
    (rotation hard)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}, expected one of {VARIANTS}")
    rng = random.Random(seed)
    n_c = n_challenges or max(round(n_students / 3.6), 2)
    n_hosts = max(n_c // 3, 1)
    challenges = [_team_challenge(rng, c, n_hosts) for c in range(n_c)]
    order = list(range(n_c))
    rng.shuffle(order)  # popularity is independent of the id
    # Zipf popularity, flatter than the flow instance's 0.9: with 2-6 seats a challenge, 0.9
    # leaves 23 % of the students without any place in every allocation (the head has too
    # few seats); at 0.6 about 93 % can be placed, as in a round a coordinator would run.
    cum = list(itertools.accumulate(1.0 / (i + 1) ** ZIPF for i in range(n_c)))
    students: list[dict[str, Any]] = []
    grouped = klass = 0
    while len(students) < n_students:
        size = min(rng.randint(20, 30), n_students - len(students))
        quota = round(0.2 * (len(students) + size)) - grouped  # 20 % overall, class by class
        members = _team_class(rng, len(students), f"k{klass}", size, quota, challenges)
        taste = _class_taste(rng, members[0], challenges, order)
        for member in members:
            member["preferences"] = _picks(rng, taste, order, cum)
        _group_preferences(rng, members, taste, order, cum)
        grouped += sum(1 for m in members if m["together"])
        students.extend(members)
        klass += 1
    _unreciprocated(rng, students)
    hosts = _team_hosts(rng, challenges, n_hosts, n_students)
    if variant == "rules":
        for challenge in challenges:
            if rng.random() < 0.25:
                challenge["rules"] = [_composition_rule(rng, challenge)]
        for student in students:
            student["history"] = _history(rng, student, challenges, n_hosts)
    locked = _team_locks(rng, students, challenges, hosts)
    return Problem(
        students=tuple(_as_student(s) for s in students),
        challenges=tuple(_as_challenge(c) for c in challenges),
        hosts=tuple(Host(h["id"], h["capacity"], tuple(h["ranking"])) for h in hosts),
        locked=tuple(Lock(student, challenge) for student, challenge in locked),
        options=Options(seed=seed, together=together, time_limit=time_limit, workers=2),
    )


def _team_challenge(rng: random.Random, c: int, n_hosts: int) -> dict[str, Any]:
    cap = rng.randint(2, 6)
    challenge = challenge_record(
        rng, c, n_hosts, cap, lambda: rng.randint(2, max(2, cap - 2)) if rng.random() < 0.2 else 0
    )
    challenge["rules"] = []
    if rng.random() < 1 / 3:
        challenge.update(_rule(rng))
    return challenge


def _team_class(
    rng: random.Random,
    first: int,
    klass: str,
    size: int,
    quota: int,
    challenges: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The students of one class (ids s<first>…), `quota` of them in mutual groups."""
    school, programme, level = rng.choice(SCHOOLS), rng.choice(PROGRAMMES), rng.choice(LEVELS)
    members = [
        {
            "id": f"s{first + i}",
            "level": level,
            "programme": programme,
            "school": school,
            "klass": klass,
            "certificates": ["VOG"] if rng.random() < 0.3 else [],
            "open_goals": rng.sample(GOALS, rng.randint(2, 4)),
            "together": [],
            "history": [],
        }
        for i in range(size)
    ]
    free = list(range(size))
    rng.shuffle(free)
    while quota >= 2 and len(free) >= 2:
        g = min(rng.choice(GROUP_SIZES), quota, len(free))
        group, free = free[:g], free[g:]
        quota -= g
        for m in group:
            members[m]["together"] = [members[o]["id"] for o in group if o != m]
    return members


def _picks(rng: random.Random, taste: list[int], order: list[int], cum: list[float]) -> list[str]:
    """5-10 choices: Zipf-popular challenges, 40 % of them among the class's favourites."""
    k = min(rng.randint(5, 10), len(order))
    prefs: list[int] = []
    while len(prefs) < k:
        pick = rng.choice(taste) if taste and rng.random() < 0.4 else None
        if pick is None:
            pick = rng.choices(order, cum_weights=cum)[0]
        if pick not in prefs:
            prefs.append(pick)
    return [f"c{c}" for c in prefs]


def _class_taste(
    rng: random.Random, student: dict[str, Any], challenges: list[dict[str, Any]], order: list[int]
) -> list[int]:
    """The class's favourites: 12 challenges it may join from a random point of the popularity
    order within its more popular quarter."""
    probe = {**student, "certificates": ["VOG"]}
    start = rng.randrange(max(len(order) // 4, 1))
    return [c for c in order[start:] + order[:start] if _eligible(probe, challenges[c])][:12]


def _group_preferences(
    rng: random.Random,
    members: list[dict[str, Any]],
    taste: list[int],
    order: list[int],
    cum: list[float],
) -> None:
    """Members of a group share most choices: each starts from the first member's list and
    changes it a little (two neighbours swapped, one choice replaced, the last one dropped)."""
    index = {m["id"]: m for m in members}
    done: set[str] = set()
    for member in members:
        if not member["together"] or member["id"] in done:
            continue
        done.update([member["id"], *member["together"]])
        for other in (index[o] for o in member["together"]):
            own = list(member["preferences"])
            if rng.random() < 0.5:
                i = rng.randrange(len(own) - 1)
                own[i], own[i + 1] = own[i + 1], own[i]
            if rng.random() < 0.4:
                spare = [c for c in _picks(rng, taste, order, cum) if c not in own]
                if spare:
                    own[rng.randrange(1, len(own))] = spare[0]
            if rng.random() < 0.2 and len(own) > 5:
                own.pop()
            other["preferences"] = own


def _unreciprocated(rng: random.Random, students: list[dict[str, Any]]) -> None:
    """2 % of the students outside groups name a classmate who does not name them back."""
    alone = [s for s in students if not s["together"]]
    wishers = rng.sample(alone, min(len(alone), round(0.02 * len(students))))
    ids = {s["id"] for s in wishers}
    by_class: dict[str, list[dict[str, Any]]] = {}
    for s in students:
        by_class.setdefault(s["klass"], []).append(s)
    for wisher in wishers:
        named = [s for s in by_class[wisher["klass"]] if s["id"] not in ids]
        if named:
            wisher["together"] = [rng.choice(named)["id"]]


def _team_hosts(
    rng: random.Random, challenges: list[dict[str, Any]], n_hosts: int, n_students: int
) -> list[dict[str, Any]]:
    per_host: dict[str, int] = {}
    for challenge in challenges:
        per_host[challenge["host"]] = per_host.get(challenge["host"], 0) + challenge["max"]
    return [
        {
            "id": f"h{h}",
            "capacity": int(per_host.get(f"h{h}", 0) * 0.7) if rng.random() < 0.3 else None,
            "ranking": [f"s{i}" for i in rng.sample(range(n_students), 10)] if h % 2 == 0 else [],
        }
        for h in range(n_hosts)
    ]


def _composition_rule(rng: random.Random, challenge: dict[str, Any]) -> dict[str, Any]:
    """One rule: at most half the team from one class, a niveau 3/4 student, or two schools."""
    kind = rng.choice(("max_per_class", "min_level", "mixed_schools"))
    value = {
        "max_per_class": max(1, challenge["max"] // 2),
        "min_level": rng.choice([v for v in challenge["levels"] if v >= 3] or [3, 4]),
        "mixed_schools": 2,
    }[kind]
    hard = rng.random() < 0.6
    weight = 0.0 if hard else rng.choice(RULE_WEIGHTS)
    return {"kind": kind, "value": value, "count": 1, "hard": hard, "weight": weight}


def _history(
    rng: random.Random, student: dict[str, Any], challenges: list[dict[str, Any]], n_hosts: int
) -> list[str]:
    """60 % had one or two earlier hosts; half of those the host of a current top-3 choice
    (students like the same places again: that is when rotation decides)."""
    if rng.random() >= 0.6:
        return []
    history: list[str] = []
    for _ in range(rng.choice((1, 1, 2))):
        if rng.random() < 0.5:
            cid = rng.choice(student["preferences"][:3])
            host = challenges[int(cid[1:])]["host"]
        else:
            host = f"h{rng.randrange(n_hosts)}"
        if host not in history:
            history.append(host)
    return history


def _team_locks(
    rng: random.Random,
    students: list[dict[str, Any]],
    challenges: list[dict[str, Any]],
    hosts: list[dict[str, Any]],
) -> list[tuple[str, str]]:
    """Lock 0.5 % of the students into their best eligible choice with room, at a host they
    never had, in a challenge without a minimum or a composition rule."""
    host_room = {h["id"]: h["capacity"] for h in hosts}
    room = {c["id"]: c["max"] for c in challenges}
    locked: list[tuple[str, str]] = []
    for student in rng.sample(students, len(students) // 200):
        for cid in student["preferences"]:
            challenge = challenges[int(cid[1:])]
            host = challenge["host"]
            if (
                room[cid] > 0
                and host_room[host] != 0
                and not challenge["min"]
                and not challenge["rules"]
                and host not in student["history"]
                and _eligible(student, challenge)
            ):
                room[cid] -= 1
                if host_room[host] is not None:
                    host_room[host] -= 1
                locked.append((student["id"], cid))
                break
    return locked


def _as_student(s: dict[str, Any]) -> Student:
    return Student(
        s["id"],
        s["level"],
        s["programme"],
        s["school"],
        tuple(s["certificates"]),
        tuple(s["open_goals"]),
        tuple(s["preferences"]),
        together=tuple(s["together"]),
        klass=s["klass"],
        history=tuple(s["history"]),
    )


def _as_challenge(c: dict[str, Any]) -> Challenge:
    return Challenge(
        c["id"],
        c["host"],
        c["max"],
        c["min"],
        tuple(c["levels"]),
        tuple(c["programmes"]),
        tuple(c["schools"]),
        tuple(c["requires"]),
        tuple(c["goals"]),
        tuple(Rule(**r) for r in c["rules"]),
    )
