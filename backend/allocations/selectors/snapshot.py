"""Bulk reads of a round's inputs for the engine: a fixed number of queries, however many students.

Large id lists are passed as subqueries (never as thousands of parameters), so the same code
runs on SQLite and PostgreSQL at 10,000 students.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.db.models import QuerySet

from backend.accounts.models import Certificate, StudentEnrolment
from backend.accounts.selectors import open_werkproces_codes_for_students
from backend.allocations.engine_adapter import (
    ChallengeRecord,
    Snapshot,
    StudentRecord,
    TeamSettings,
    class_key,
)
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    Choice,
    RoundChallenge,
    RoundHost,
)
from backend.allocations.selectors.access import round_enrolments
from backend.allocations.selectors.teams import (
    earlier_hosts,
    mutual_wishes,
    team_settings_record,
)
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


def _round_entries(
    allocation_round: AllocationRound, offer_ids: Collection[int] | None
) -> QuerySet[RoundChallenge]:
    entries = RoundChallenge.objects.filter(round=allocation_round)
    return entries if offer_ids is None else entries.filter(offer_id__in=list(offer_ids))


def _offer_rules(
    allocation_round: AllocationRound, offer_ids: Collection[int] | None = None
) -> _OfferRules:
    """Four queries; the round's offers (or only `offer_ids` of them) travel as a subquery."""
    entries = _round_entries(allocation_round, offer_ids)
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


def challenge_records(
    allocation_round: AllocationRound, *, offer_ids: Collection[int] | None = None
) -> list[ChallengeRecord]:
    """The round's challenges with eligibility rules and goals (5 queries); with `offer_ids`
    only those of them (what saving a student's choices checks: a few, not the whole round)."""
    entries = list(_round_entries(allocation_round, offer_ids).values_list(*_ENTRY_FIELDS))
    rules = _offer_rules(allocation_round, offer_ids)
    return [_challenge_record(entry, rules) for entry in entries]


def open_goals_for(enrolments: QuerySet[StudentEnrolment]) -> dict[int, tuple[str, ...]]:
    """{student id: werkproces codes of their kwalificatie not yet shown voldoende/goed}, from
    the curriculum's bulk selector (a fixed number of queries; the ids travel as a subquery).
    Students of one kwalificatie mostly have the same open codes: they share one tuple."""
    codes = open_werkproces_codes_for_students(enrolments.values_list("student_id", flat=True))
    shared: dict[frozenset[str], tuple[str, ...]] = {}
    goals = {}
    for student_id, found in codes.items():
        key = frozenset(found)
        value = shared.get(key)
        if value is None:
            value = shared[key] = tuple(sorted(key))
        goals[student_id] = value
    return goals


# Rows fetched per round trip when streaming a round's choices (750,000 at 100,000 students):
# grouped as they arrive, never held as one list (or in a queryset's result cache) first.
_CHUNK = 10_000


def _preferences(
    allocation_round: AllocationRound, students: QuerySet[Any, Any] | None
) -> dict[int, list[int]]:
    """{student id: offer ids, best first} of the round's choice lists of `students` (a
    subquery of ids), or of every choice list of the round (None)."""
    choices = Choice.objects.filter(choice_list__round=allocation_round)
    if students is not None:
        choices = choices.filter(choice_list__student_id__in=students)
    rows = choices.order_by("choice_list_id", "position").values_list(
        "choice_list__student_id", "offer_id"
    )
    preferences: dict[int, list[int]] = {}
    for student_id, offer_id in rows if students is not None else rows.iterator(_CHUNK):
        found = preferences.get(student_id)
        if found is None:
            preferences[student_id] = [offer_id]
        else:
            found.append(offer_id)
    return preferences


@dataclass(frozen=True)
class _TeamInputs:
    """Per student: mutual wishes, class (class_key) and earlier hosts, as far as the round's
    team settings use them."""

    teammates: dict[int, tuple[int, ...]]
    classes: dict[int, str]
    history: dict[int, tuple[int, ...]]


def _team_inputs(
    allocation_round: AllocationRound,
    enrolments: QuerySet[StudentEnrolment],
    rows: list[tuple[Any, ...]],
    teams: TeamSettings,
    hosts: Collection[int],
) -> _TeamInputs:
    """At most two queries: the wishes when together wishes count, the earlier placements when
    rotation is on. Classes only when a rule counts per class (scoped per school)."""
    participants = {row[0] for row in rows}
    per_class = any(rule.kind == "max_per_class" for rule in teams.rules)
    return _TeamInputs(
        teammates=mutual_wishes(allocation_round, participants) if teams.together != "off" else {},
        classes={
            student_id: class_key(school_id, code)
            for student_id, _niveau, _crebo, school_id, code in rows
            if code
        }
        if per_class
        else {},
        history=earlier_hosts(allocation_round, enrolments, hosts)
        if teams.rotation != "off"
        else {},
    )


_NO_TEAMS = _TeamInputs({}, {}, {})


def student_records(
    allocation_round: AllocationRound,
    enrolments: QuerySet[StudentEnrolment],
    *,
    today: dt.date,
    in_round: Collection[int] | None = None,
    whole_round: bool = False,
    teams: TeamSettings | None = None,
    hosts: Collection[int] = (),
) -> list[StudentRecord]:
    """Students with level, crebo, school, valid certificates, open goals and preferences
    (only choices of offers `in_round`, when given: a challenge may have left the round).

    `whole_round`: the enrolments are the round's own (round_enrolments), so every choice list
    of the round is read without joining them in (750,000 choices at 100,000 students; a
    choice list of a student who no longer takes part is left out here, in Python).

    `teams`: the round's team settings; each student then also gets their mutual teammate
    wishes, class and earlier hosts (of `hosts`, the round's) as far as the settings use them."""
    rows = list(
        enrolments.values_list(
            "student_id", "kwalificatie__niveau", "kwalificatie__crebo", "school_id", "class_code"
        )
    )
    certificates: dict[int, list[str]] = defaultdict(list)
    for holder_id, kind in Certificate.objects.filter(
        holder_id__in=enrolments.values("student_id"), valid_until__gte=today, issued_on__lte=today
    ).values_list("holder_id", "kind"):
        certificates[holder_id].append(kind)
    preferences = _preferences(
        allocation_round, None if whole_round else enrolments.values("student_id")
    )
    goals = open_goals_for(enrolments)
    team = _team_inputs(allocation_round, enrolments, rows, teams, hosts) if teams else _NO_TEAMS
    records = []
    for student_id, niveau, crebo, school_id, _code in rows:
        chosen = preferences.get(student_id, ())
        if in_round is not None and not all(o in in_round for o in chosen):
            chosen = [o for o in chosen if o in in_round]
        records.append(
            StudentRecord(
                user_id=student_id,
                level=niveau,
                programme=crebo,
                school_id=school_id,
                certificates=tuple(certificates.get(student_id, ())),
                open_goals=goals.get(student_id, ()),
                preferences=tuple(chosen),
                teammates=team.teammates.get(student_id, ()),
                class_id=team.classes.get(student_id),
                history=team.history.get(student_id, ()),
            )
        )
    return records


def round_snapshot(allocation_round: AllocationRound, *, today: dt.date) -> Snapshot:
    """Everything the engine needs of a round, with its team settings: mutual wishes, classes,
    earlier hosts and the composition rules on every challenge (as far as they are on)."""
    teams = team_settings_record(allocation_round)
    challenges = challenge_records(allocation_round)
    if teams.rules:
        challenges = [replace(c, rules=teams.rules) for c in challenges]
    in_round = {c.offer_id for c in challenges}
    # A choice for a challenge that has since left the round is dropped, not an error.
    students = student_records(
        allocation_round,
        round_enrolments(allocation_round),
        today=today,
        in_round=in_round,
        whole_round=True,
        teams=teams,
        hosts={c.host_id for c in challenges},
    )
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
        teams=teams,
    )
