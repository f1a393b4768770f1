"""Bulk reads of a round's inputs for the engine: a fixed number of queries, however many students.

Large id lists are passed as subqueries (never as thousands of parameters), so the same code
runs on SQLite and PostgreSQL at 10,000 students.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.db.models import QuerySet

from backend.accounts.models import Certificate, StudentEnrolment
from backend.accounts.selectors import open_werkproces_codes_for_students
from backend.allocations.engine_adapter import ChallengeRecord, Snapshot, StudentRecord
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    Choice,
    RoundChallenge,
    RoundHost,
)
from backend.allocations.selectors.access import round_enrolments
from backend.offers.models import Offer, WerkprocesMapping
from backend.organisations.models import ConsortiumMembership

_T = TypeVar("_T")


_ENTRY_FIELDS = (
    "offer_id",
    "capacity",
    "offer__max_students",
    "offer__min_students",
    "offer__owner_id",
    "offer__niveau_min",
    "offer__niveau_max",
    "offer__required_certificates",
    "offer__consortium_id",
)


def _grouped(rows: Iterable[tuple[int, _T]]) -> dict[int, list[_T]]:
    grouped: defaultdict[int, list[_T]] = defaultdict(list)
    for key, value in rows:
        grouped[key].append(value)
    return grouped


@dataclass(frozen=True)
class _OfferRules:
    """Per offer of a round: crebos, schools, goals; per consortium: its member schools."""

    programmes: dict[int, list[str]]
    schools: dict[int, list[int]]
    consortium_schools: dict[int, list[int]]
    goals: dict[int, list[str]]


def _offer_rules(allocation_round: AllocationRound) -> _OfferRules:
    """Four queries; the round's offers travel as a subquery."""
    entries = RoundChallenge.objects.filter(round=allocation_round)
    in_round = entries.values("offer_id")
    return _OfferRules(
        programmes=_grouped(
            Offer.programmes.through.objects.filter(offer_id__in=in_round).values_list(
                "offer_id", "kwalificatie__crebo"
            )
        ),
        schools=_grouped(
            Offer.schools.through.objects.filter(offer_id__in=in_round).values_list(
                "offer_id", "organisation_id"
            )
        ),
        consortium_schools=_grouped(
            ConsortiumMembership.objects.filter(
                consortium_id__in=entries.values("offer__consortium_id"), left_on__isnull=True
            ).values_list("consortium_id", "organisation_id")
        ),
        goals=_grouped(
            WerkprocesMapping.objects.filter(offer_id__in=in_round).values_list(
                "offer_id", "werkproces__code"
            )
        ),
    )


def _challenge_record(entry: tuple[Any, ...], rules: _OfferRules) -> ChallengeRecord:
    (
        offer_id,
        capacity,
        max_students,
        min_students,
        owner_id,
        niveau_min,
        niveau_max,
        certificates,
        consortium_id,
    ) = entry
    school_ids = rules.schools.get(offer_id, [])
    # An offer submitted to a consortium is open to all its member schools.
    if school_ids and consortium_id:
        school_ids = school_ids + rules.consortium_schools.get(consortium_id, [])
    return ChallengeRecord(
        offer_id=offer_id,
        host_id=owner_id,
        max=capacity if capacity is not None else max_students,
        min=min_students,
        levels=()
        if (niveau_min, niveau_max) == (1, 4)
        else tuple(range(niveau_min, niveau_max + 1)),
        programmes=tuple(rules.programmes.get(offer_id, ())),
        school_ids=tuple(school_ids),
        requires=tuple(str(c) for c in (certificates or [])),
        goals=tuple(rules.goals.get(offer_id, ())),
    )


def challenge_records(allocation_round: AllocationRound) -> list[ChallengeRecord]:
    """The round's challenges with eligibility rules and goals (5 queries)."""
    entries = list(
        RoundChallenge.objects.filter(round=allocation_round).values_list(*_ENTRY_FIELDS)
    )
    rules = _offer_rules(allocation_round)
    return [_challenge_record(entry, rules) for entry in entries]


def open_goals_for(enrolments: QuerySet[StudentEnrolment]) -> dict[int, tuple[str, ...]]:
    """{student id: werkproces codes of their kwalificatie not yet shown voldoende/goed}, from
    the curriculum's bulk selector (a fixed number of queries; the ids travel as a subquery)."""
    codes = open_werkproces_codes_for_students(enrolments.values_list("student_id", flat=True))
    return {student_id: tuple(sorted(found)) for student_id, found in codes.items()}


def student_records(
    allocation_round: AllocationRound, enrolments: QuerySet[StudentEnrolment], *, today: dt.date
) -> list[StudentRecord]:
    """Students with level, crebo, school, valid certificates, open goals and preferences."""
    rows = list(
        enrolments.values_list(
            "student_id", "kwalificatie__niveau", "kwalificatie__crebo", "school_id"
        )
    )
    certificates: dict[int, list[str]] = defaultdict(list)
    for holder_id, kind in Certificate.objects.filter(
        holder_id__in=enrolments.values("student_id"), valid_until__gte=today, issued_on__lte=today
    ).values_list("holder_id", "kind"):
        certificates[holder_id].append(kind)
    preferences: dict[int, list[int]] = defaultdict(list)
    for student_id, offer_id in (
        Choice.objects.filter(
            choice_list__round=allocation_round,
            choice_list__student_id__in=enrolments.values("student_id"),
        )
        .order_by("choice_list__student_id", "position")
        .values_list("choice_list__student_id", "offer_id")
    ):
        preferences[student_id].append(offer_id)
    goals = open_goals_for(enrolments)
    return [
        StudentRecord(
            user_id=student_id,
            level=niveau,
            programme=crebo,
            school_id=school_id,
            certificates=tuple(certificates.get(student_id, ())),
            open_goals=goals.get(student_id, ()),
            preferences=tuple(preferences.get(student_id, ())),
        )
        for student_id, niveau, crebo, school_id in rows
    ]


def round_snapshot(allocation_round: AllocationRound, *, today: dt.date) -> Snapshot:
    challenges = challenge_records(allocation_round)
    in_round = {c.offer_id for c in challenges}
    students = student_records(allocation_round, round_enrolments(allocation_round), today=today)
    # A choice for a challenge that has since left the round is dropped, not an error.
    students = [
        s
        if all(o in in_round for o in s.preferences)
        else replace(s, preferences=tuple(o for o in s.preferences if o in in_round))
        for s in students
    ]
    participating = {s.user_id for s in students}
    locked = tuple(
        (student_id, offer_id)
        for student_id, offer_id in Assignment.objects.filter(
            round=allocation_round, locked=True
        ).values_list("student_id", "offer_id")
        if student_id in participating and offer_id in in_round
    )
    return Snapshot(
        students=tuple(students),
        challenges=tuple(challenges),
        host_capacities=dict(
            RoundHost.objects.filter(round=allocation_round).values_list(
                "organisation_id", "capacity"
            )
        ),
        locked=locked,
    )
