"""Reads for the coordinator's review: assignments, explanations, run comparison, leftovers."""

import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.selectors import company_ids
from backend.allocations import engine_adapter, texts
from backend.allocations.engine_adapter import ChallengeRecord, Snapshot
from backend.allocations.models import (
    PUBLISHED_PHASES,
    AllocationRound,
    AllocationRun,
    Assignment,
    AssignmentSource,
    ChoiceList,
    Objection,
    ObjectionStatus,
    RoundChallenge,
    RoundEvent,
    RunStatus,
)
from backend.allocations.selectors.access import school_names
from backend.allocations.selectors.snapshot import round_snapshot
from backend.core.csv_safe import safe_csv_writer
from backend.offers.models import Offer
from backend.organisations.models import Organisation


def assignments_for_round(
    allocation_round: AllocationRound, *, search: str = ""
) -> QuerySet[Assignment]:
    """The round's assignments by challenge and name; `search`: a part of a first or last name
    or of a challenge's title, or a whole class code."""
    queryset = (
        Assignment.objects.filter(round=allocation_round)
        .select_related("student__enrolment__kwalificatie", "offer__owner")
        .order_by("offer__title", "student__first_name", "student__last_name")
    )
    if search:
        queryset = queryset.filter(
            Q(student__first_name__icontains=search)
            | Q(student__last_name__icontains=search)
            | Q(student__enrolment__class_code__iexact=search)
            | Q(offer__title__icontains=search)
        )
    return queryset


def round_entries(allocation_round: AllocationRound) -> QuerySet[RoundChallenge]:
    """The round's challenges with their per-round capacity, offer and host."""
    return RoundChallenge.objects.filter(round=allocation_round).select_related("offer__owner")


def challenges_of_round(allocation_round: AllocationRound) -> QuerySet[Offer]:
    """The offers taking part in the round, by title."""
    in_round = RoundChallenge.objects.filter(round=allocation_round).values("offer_id")
    return Offer.objects.filter(pk__in=in_round).order_by("title")


def choice_count(allocation_round: AllocationRound) -> int:
    """How many students have handed in their choices."""
    return ChoiceList.objects.filter(round=allocation_round).count()


def open_objection_count(allocation_round: AllocationRound) -> int:
    return Objection.objects.filter(round=allocation_round, status=ObjectionStatus.OPEN).count()


def runs_for_round(allocation_round: AllocationRound) -> QuerySet[AllocationRun]:
    """The round's runs, newest first, without their (large) problem and result."""
    return (
        AllocationRun.objects.filter(round=allocation_round)
        .select_related("started_by")
        .defer("problem", "result")
    )


def succeeded_runs_for_round(allocation_round: AllocationRound) -> list[AllocationRun]:
    return list(runs_for_round(allocation_round).filter(status=RunStatus.SUCCEEDED))


def run_of_round(
    allocation_round: AllocationRound, run_id: int, *, with_data: bool = False
) -> AllocationRun | None:
    """A run of this round, else None; `with_data`: with its problem and result (to apply or
    compare it)."""
    runs = (
        AllocationRun.objects.filter(round=allocation_round)
        if with_data
        else runs_for_round(allocation_round)
    )
    return runs.filter(pk=run_id).first()


def objection_of_round(allocation_round: AllocationRound, objection_id: int) -> Objection | None:
    """An objection in this round (with its student), else None."""
    return (
        Objection.objects.select_related("student")
        .filter(round=allocation_round, pk=objection_id)
        .first()
    )


def team_of(allocation_round: AllocationRound, offer_id: int) -> list[dict[str, Any]]:
    """A challenge's team as a company may see it: first name, level and programme only."""
    return [
        {"first_name": first, "level": niveau, "programme": title}
        for first, niveau, title in Assignment.objects.filter(
            round=allocation_round, offer_id=offer_id
        )
        .order_by("student__first_name")
        .values_list(
            "student__first_name",
            "student__enrolment__kwalificatie__niveau",
            "student__enrolment__kwalificatie__title",
        )
    ]


def company_teams(user: User) -> list[dict[str, Any]]:
    """Teams of the user's companies in published rounds: [{round, offer, members}] (3 queries)."""
    companies = company_ids(user)
    rows = (
        Assignment.objects.filter(offer__owner_id__in=companies, round__phase__in=PUBLISHED_PHASES)
        .order_by("round_id", "offer_id", "student__first_name")
        .values_list(
            "round_id",
            "round__name",
            "offer_id",
            "offer__title",
            "student__first_name",
            "student__enrolment__kwalificatie__niveau",
            "student__enrolment__kwalificatie__title",
        )
    )
    teams: dict[tuple[int, int], dict[str, Any]] = {}
    for round_id, round_name, offer_id, title, first, niveau, programme in rows:
        team = teams.setdefault(
            (round_id, offer_id),
            {
                "round_id": round_id,
                "round": round_name,
                "offer_id": offer_id,
                "offer": title,
                "members": [],
            },
        )
        team["members"].append({"first_name": first, "level": niveau, "programme": programme})
    return list(teams.values())


def _passed_over_sentences(passed_over: list[dict[str, Any]]) -> list[str]:
    """One sentence per better choice the student did not get (3 queries for the names)."""
    offers = Offer.objects.in_bulk([p["offer_id"] for p in passed_over])
    hosts = dict(
        Organisation.objects.filter(
            pk__in=[p["details"]["host"] for p in passed_over if "host" in p["details"]]
        ).values_list("pk", "name")
    )
    schools = school_names(
        {
            pk
            for p in passed_over
            if p["details"].get("rule") == "school"
            for pk in p["details"]["required"]
        }
    )
    sentences = []
    for item in passed_over:
        offer = offers.get(item["offer_id"])
        sentences.append(
            texts.passed_over_sentence(
                item,
                title=offer.title if offer else str(item["offer_id"]),
                host_name=hosts.get(item["details"].get("host"), ""),
                school_names=schools,
            )
        )
    return sentences


def _engine_outcome(
    engine: dict[str, Any] | None, assignment: Assignment | None
) -> dict[str, Any] | None:
    """The engine's explanation when the student's placement is still the engine's outcome (its
    reasons hold for that outcome only), else None."""
    if engine is None:
        return None
    if assignment is None:
        return engine if engine["offer_id"] is None else None
    return engine if engine["offer_id"] == assignment.offer_id else None


def explanation_for_student(
    allocation_round: AllocationRound, student: User, *, assignment: Assignment | None
) -> dict[str, Any]:
    """{"summary": sentence, "reasons": [sentences for better choices], "rank", "source"}."""
    run = assignment.run if assignment and assignment.run_id else allocation_round.applied_run
    result = run.result if run else None
    engine = engine_adapter.explanation_of(result, student.pk) if result else None
    unassigned_reason = ""
    if assignment is None and result:
        unassigned_reason = engine_adapter.unassigned_reasons(result).get(student.pk, "")
    summary = texts.result_sentence(
        title=assignment.offer.title if assignment else None,
        rank=assignment.rank if assignment else None,
        source=assignment.source if assignment else "",
        unassigned_reason=unassigned_reason,
    )
    outcome = _engine_outcome(engine, assignment)
    passed_over = outcome["passed_over"] if outcome else []
    return {
        "summary": summary,
        "reasons": _passed_over_sentences(passed_over) if passed_over else [],
        "rank": assignment.rank if assignment else None,
        "source": assignment.source if assignment else None,
    }


@dataclass
class RunDifference:
    student_id: int
    name: str
    a_offer: str | None
    a_rank: int | None
    b_offer: str | None
    b_rank: int | None


def runs_compare(run_a: AllocationRun, run_b: AllocationRun) -> dict[str, Any]:
    """Both runs' metrics plus every student placed differently (4 queries at most)."""
    a = engine_adapter.result_assignments(run_a.result or {})
    b = engine_adapter.result_assignments(run_b.result or {})
    changed = sorted(s for s in set(a) | set(b) if a.get(s) != b.get(s))
    names = (
        {
            pk: f"{first} {last}".strip()
            for pk, first, last in User.objects.filter(pk__in=changed).values_list(
                "pk", "first_name", "last_name"
            )
        }
        if changed
        else {}
    )
    offer_ids = {a[s][0] for s in changed if s in a} | {b[s][0] for s in changed if s in b}
    titles = (
        dict(Offer.objects.filter(pk__in=offer_ids).values_list("pk", "title")) if offer_ids else {}
    )
    differences = [
        RunDifference(
            student_id=s,
            name=names.get(s, str(s)),
            a_offer=titles.get(a[s][0]) if s in a else None,
            a_rank=a[s][1] if s in a else None,
            b_offer=titles.get(b[s][0]) if s in b else None,
            b_rank=b[s][1] if s in b else None,
        )
        for s in changed
    ]
    return {"a": run_a.metrics or {}, "b": run_b.metrics or {}, "differences": differences}


def latest_succeeded_runs(allocation_round: AllocationRound, limit: int = 2) -> list[AllocationRun]:
    return list(runs_for_round(allocation_round).filter(status=RunStatus.SUCCEEDED)[:limit])


@dataclass
class Leftover:
    student_id: int
    name: str
    class_code: str
    options: list[tuple[int, str, int]]  # (offer id, title, places left)


def _room_left(snapshot: Snapshot, taken: dict[int, int]) -> dict[int, tuple[ChallengeRecord, int]]:
    """{offer id: (record, places left)} for the challenges with room, within the host's total."""
    host_used: Counter[int] = Counter()
    for record in snapshot.challenges:
        host_used[record.host_id] += taken.get(record.offer_id, 0)
    room = {}
    for record in snapshot.challenges:
        left = record.max - taken.get(record.offer_id, 0)
        host_capacity = snapshot.host_capacities.get(record.host_id)
        if host_capacity is not None:
            left = min(left, host_capacity - host_used[record.host_id])
        if left > 0:
            room[record.offer_id] = (record, left)
    return room


def _names_and_classes(user_ids: list[int]) -> dict[int, tuple[str, str | None]]:
    if not user_ids:
        return {}
    return {
        pk: (f"{first} {last}".strip(), class_code)
        for pk, first, last, class_code in User.objects.filter(pk__in=user_ids).values_list(
            "pk", "first_name", "last_name", "enrolment__class_code"
        )
    }


def unassigned_with_room(allocation_round: AllocationRound, *, today: dt.date) -> list[Leftover]:
    """Students of the round without an assignment, each with the eligible challenges that still
    have room (challenge and host capacity). A fixed number of queries."""
    snapshot = round_snapshot(allocation_round, today=today)
    assignments = Assignment.objects.filter(round=allocation_round)
    taken = dict(
        assignments.values("offer_id").annotate(n=Count("pk")).values_list("offer_id", "n")
    )
    assigned = set(assignments.values_list("student_id", flat=True))
    room = _room_left(snapshot, taken)
    waiting = [s for s in snapshot.students if s.user_id not in assigned]
    people = _names_and_classes([s.user_id for s in waiting])
    titles = (
        dict(Offer.objects.filter(pk__in=room.keys()).values_list("pk", "title")) if room else {}
    )
    leftovers = []
    for s in waiting:
        options = [
            (offer_id, titles.get(offer_id, ""), left)
            for offer_id, (record, left) in room.items()
            if engine_adapter.ineligibility(s, record) is None
        ]
        name, class_code = people.get(s.user_id, (str(s.user_id), ""))
        leftovers.append(
            Leftover(s.user_id, name, class_code or "", sorted(options, key=lambda o: o[1]))
        )
    return sorted(leftovers, key=lambda item: item.name)


EXPORT_COLUMNS = (
    "challenge",
    "host",
    "class",
    "student_number",
    "first_name",
    "last_name",
    "programme",
    "level",
    "rank",
    "source",
)
EXPORT_ORDER = {
    "challenge": ("offer__title", "student__last_name"),
    "host": ("offer__owner__name", "offer__title", "student__last_name"),
    "class": ("student__enrolment__class_code", "student__last_name"),
}


# The database fields behind EXPORT_COLUMNS, in the same order.
_EXPORT_FIELDS = (
    "offer__title",
    "offer__owner__name",
    "student__enrolment__class_code",
    "student__enrolment__student_number",
    "student__first_name",
    "student__last_name",
    "student__enrolment__kwalificatie__title",
    "student__enrolment__kwalificatie__niveau",
    "rank",
    "source",
)


def _export_headers() -> dict[str, str]:
    return {
        "challenge": _("uitdaging"),
        "host": _("bedrijf"),
        "class": _("klas"),
        "student_number": _("studentnummer"),
        "first_name": _("voornaam"),
        "last_name": _("achternaam"),
        "programme": _("opleiding"),
        "level": _("niveau"),
        "rank": _("keus"),
        "source": _("bron"),
    }


def assignments_csv(allocation_round: AllocationRound, *, by: str) -> str:
    """CSV of the round's assignments grouped (sorted) per challenge, host or class."""
    if by not in EXPORT_ORDER:
        raise ValueError(by)
    # The grouping column comes first.
    columns = [by, *[c for c in EXPORT_COLUMNS if c != by]]
    headers = _export_headers()
    buffer = io.StringIO()
    writer = safe_csv_writer(buffer)
    writer.writerow([headers[c] for c in columns])
    rows = (
        Assignment.objects.filter(round=allocation_round)
        .order_by(*EXPORT_ORDER[by])
        .values_list(*_EXPORT_FIELDS)
    )
    sources = {value: str(label) for value, label in AssignmentSource.choices}
    for row in rows:
        values = dict(zip(EXPORT_COLUMNS, row, strict=True))
        # Who placed the student, in the reader's words ("handmatig"), not the stored value.
        values["source"] = sources.get(values["source"], values["source"])
        writer.writerow([values[c] for c in columns])
    return buffer.getvalue()


def objections_for_round(allocation_round: AllocationRound) -> QuerySet[Objection]:
    return Objection.objects.filter(round=allocation_round).select_related(
        "student", "offer", "new_offer", "decided_by"
    )


def host_load(allocation_round: AllocationRound) -> list[dict[str, int]]:
    """Per company: places used of its capacity (for the review page)."""
    counts: defaultdict[int, int] = defaultdict(int)
    for owner_id, n in (
        Assignment.objects.filter(round=allocation_round)
        .values("offer__owner_id")
        .annotate(n=Count("pk"))
        .values_list("offer__owner_id", "n")
    ):
        counts[owner_id] = n
    return [{"organisation_id": k, "assigned": v} for k, v in counts.items()]


def round_events(allocation_round: AllocationRound) -> QuerySet[RoundEvent]:
    """The round's history, oldest first, with who did it."""
    return (
        RoundEvent.objects.filter(round=allocation_round)
        .select_related("actor")
        .order_by("at", "pk")
    )


def succeeded_runs_with_data(
    allocation_round: AllocationRound, run_ids: list[int]
) -> dict[int, AllocationRun]:
    """{run id: run} for those of `run_ids` that succeeded in this round, with their results."""
    return {
        run.pk: run
        for run in AllocationRun.objects.filter(
            round=allocation_round, pk__in=run_ids, status=RunStatus.SUCCEEDED
        )
    }
