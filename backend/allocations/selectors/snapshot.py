"""Bulk reads of a round's inputs for the engine: a fixed number of queries, however many students.

Large id lists are passed as subqueries (never as thousands of parameters), so the same code
runs on SQLite and PostgreSQL at 10,000 students.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import replace

from django.db.models import QuerySet

from backend.accounts.models import Certificate, StudentEnrolment
from backend.allocations.engine_adapter import ChallengeRecord, Snapshot, StudentRecord
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    Choice,
    RoundChallenge,
    RoundHost,
)
from backend.curriculum.selectors import open_werkproces_codes_for_students
from backend.offers.models import Offer, WerkprocesMapping
from backend.organisations.models import ConsortiumMembership


def challenge_records(round: AllocationRound) -> list[ChallengeRecord]:
    """The round's challenges with eligibility rules and goals (5 queries)."""
    entries = list(
        RoundChallenge.objects.filter(round=round).values_list(
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
    )
    in_round = RoundChallenge.objects.filter(round=round).values("offer_id")
    programmes: dict[int, list[str]] = defaultdict(list)
    for offer_id, crebo in Offer.programmes.through.objects.filter(
        offer_id__in=in_round
    ).values_list("offer_id", "kwalificatie__crebo"):
        programmes[offer_id].append(crebo)
    schools: dict[int, list[int]] = defaultdict(list)
    for offer_id, school_id in Offer.schools.through.objects.filter(
        offer_id__in=in_round
    ).values_list("offer_id", "organisation_id"):
        schools[offer_id].append(school_id)
    consortium_schools: dict[int, list[int]] = defaultdict(list)
    for consortium_id, school_id in ConsortiumMembership.objects.filter(
        consortium_id__in=RoundChallenge.objects.filter(round=round).values("offer__consortium_id"),
        left_on__isnull=True,
    ).values_list("consortium_id", "organisation_id"):
        consortium_schools[consortium_id].append(school_id)
    goals: dict[int, list[str]] = defaultdict(list)
    for offer_id, code in WerkprocesMapping.objects.filter(offer_id__in=in_round).values_list(
        "offer_id", "werkproces__code"
    ):
        goals[offer_id].append(code)
    records = []
    for (
        offer_id,
        capacity,
        max_students,
        min_students,
        owner_id,
        niveau_min,
        niveau_max,
        certificates,
        consortium_id,
    ) in entries:
        levels = range(niveau_min, niveau_max + 1)
        school_ids = schools.get(offer_id, [])
        # An offer submitted to a consortium is open to all its member schools.
        if school_ids and consortium_id:
            school_ids = school_ids + consortium_schools.get(consortium_id, [])
        records.append(
            ChallengeRecord(
                offer_id=offer_id,
                host_id=owner_id,
                max=capacity if capacity is not None else max_students,
                min=min_students,
                levels=() if (niveau_min, niveau_max) == (1, 4) else tuple(levels),
                programmes=tuple(programmes.get(offer_id, ())),
                school_ids=tuple(school_ids),
                requires=tuple(str(c) for c in (certificates or [])),
                goals=tuple(goals.get(offer_id, ())),
            )
        )
    return records


def open_goals_for(enrolments: QuerySet[StudentEnrolment]) -> dict[int, tuple[str, ...]]:
    """{student id: werkproces codes of their kwalificatie not yet shown voldoende/goed}, from
    the curriculum's bulk selector (a fixed number of queries; the ids travel as a subquery)."""
    codes = open_werkproces_codes_for_students(enrolments.values("student_id"))
    return {student_id: tuple(sorted(found)) for student_id, found in codes.items()}


def student_records(
    round: AllocationRound, enrolments: QuerySet[StudentEnrolment], *, today: dt.date
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
            choice_list__round=round, choice_list__student_id__in=enrolments.values("student_id")
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


def round_snapshot(round: AllocationRound, *, today: dt.date) -> Snapshot:
    from backend.allocations.selectors.access import round_enrolments

    challenges = challenge_records(round)
    in_round = {c.offer_id for c in challenges}
    students = student_records(round, round_enrolments(round), today=today)
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
        for student_id, offer_id in Assignment.objects.filter(round=round, locked=True).values_list(
            "student_id", "offer_id"
        )
        if student_id in participating and offer_id in in_round
    )
    return Snapshot(
        students=tuple(students),
        challenges=tuple(challenges),
        host_capacities=dict(
            RoundHost.objects.filter(round=round).values_list("organisation_id", "capacity")
        ),
        locked=locked,
    )
