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
from backend.allocations import engine_adapter
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
    RunPlacement,
    RunStatus,
)
from backend.allocations.selectors.access import round_enrolments
from backend.allocations.selectors.snapshot import round_snapshot
from backend.core.csv_safe import safe_csv_writer
from backend.offers.models import Offer


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


def assignment_of_student(allocation_round: AllocationRound, student_id: int) -> Assignment | None:
    """The student's current assignment in the round (with challenge and company), else None."""
    return (
        Assignment.objects.filter(round=allocation_round, student_id=student_id)
        .select_related("offer__owner")
        .first()
    )


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


def run_of_round(allocation_round: AllocationRound, run_id: int) -> AllocationRun | None:
    """A run of this round, else None, always without its (large) problem and result: applying
    and comparing runs read its RunPlacement rows."""
    return runs_for_round(allocation_round).filter(pk=run_id).first()


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


@dataclass
class RunDifference:
    student_id: int
    name: str
    a_offer: str | None
    a_rank: int | None
    b_offer: str | None
    b_rank: int | None


def _placed(run: AllocationRun) -> dict[int, tuple[int, int | None]]:
    """{student id: (offer id, rank)} of the students a run placed (its RunPlacement rows)."""
    return {
        student: (offer, rank)
        for student, offer, rank in RunPlacement.objects.filter(
            run_id=run.pk, offer_id__isnull=False
        ).values_list("student_id", "offer_id", "rank")
        if offer is not None
    }


def runs_compare(run_a: AllocationRun, run_b: AllocationRun) -> dict[str, Any]:
    """Both runs' metrics plus every student placed differently (4 queries at most; the runs'
    placements, never their stored problem or result)."""
    a = _placed(run_a)
    b = _placed(run_b)
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
    "reason",
)
EXPORT_ORDER = {
    "challenge": ("offer__title", "student__last_name"),
    "host": ("offer__owner__name", "offer__title", "student__last_name"),
    "class": ("student__enrolment__class_code", "student__last_name"),
}


# The database fields behind EXPORT_COLUMNS (without the reason), in the same order.
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
# The same for a student of the round without an assignment (from their enrolment).
_WAITING_FIELDS = (
    "class_code",
    "student_number",
    "student__first_name",
    "student__last_name",
    "kwalificatie__title",
    "kwalificatie__niveau",
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
        "reason": _("reden niet ingedeeld"),
    }


def _waiting_reason(engine_reason: str, *, chose: bool) -> str:
    """Why a student has no place, for the coordinator (the engine's reason when its proposal
    still holds for them, else what the round itself shows)."""
    reasons = {
        "no_preferences": _("geen keuzes ingeleverd"),
        "no_eligible_choice": _("geen van de keuzes stond open voor deze student"),
        "all_choices_full": _("alle keuzes waren vol"),
    }
    if engine_reason in reasons:
        return reasons[engine_reason]
    return _("nog niet ingedeeld") if chose else reasons["no_preferences"]


def _waiting_rows(allocation_round: AllocationRound) -> list[dict[str, Any]]:
    """The round's students without an assignment, each with a reason (three queries; the
    reasons come from the applied run's placements, never its problem or result)."""
    assigned = Assignment.objects.filter(round=allocation_round).values("student_id")
    enrolments = (
        round_enrolments(allocation_round)
        .exclude(student_id__in=assigned)
        .values_list("student_id", *_WAITING_FIELDS)
    )
    rows = list(enrolments)
    if not rows:
        return []
    engine = (
        dict(
            RunPlacement.objects.filter(run_id=allocation_round.applied_run_id)
            .exclude(reason="")
            .values_list("student_id", "reason")
        )
        if allocation_round.applied_run_id
        else {}
    )
    chose = set(
        ChoiceList.objects.filter(
            round=allocation_round, student_id__in=[row[0] for row in rows]
        ).values_list("student_id", flat=True)
    )
    waiting = []
    for student_id, class_code, number, first, last, programme, level in rows:
        waiting.append(
            {
                "challenge": "",
                "host": "",
                "class": class_code,
                "student_number": number,
                "first_name": first,
                "last_name": last,
                "programme": programme,
                "level": level,
                "rank": "",
                "source": "",
                "reason": _waiting_reason(engine.get(student_id, ""), chose=student_id in chose),
            }
        )
    return waiting


def _export_key(by: str) -> Any:
    """How the rows are grouped: by challenge or company (the unassigned last), or by class."""
    fields = {
        "challenge": ("challenge", "last_name", "first_name"),
        "host": ("host", "challenge", "last_name", "first_name"),
        "class": ("class", "last_name", "first_name"),
    }[by]

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        waiting_last = by != "class" and not row[fields[0]]
        return (waiting_last, *(str(row[f] or "").casefold() for f in fields))

    return key


def assignments_csv(allocation_round: AllocationRound, *, by: str) -> str:
    """CSV of every student of the round grouped (sorted) per challenge, host or class: the
    placed ones with their challenge, and those without a place with an empty challenge and the
    reason. Headers and values in the reader's words ("handmatig", not "override")."""
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
    records = []
    for row in rows:
        values = dict(zip(EXPORT_COLUMNS, (*row, ""), strict=True))
        # Who placed the student, in the reader's words ("handmatig"), not the stored value.
        values["source"] = sources.get(values["source"], values["source"])
        records.append(values)
    records.extend(_waiting_rows(allocation_round))
    records.sort(key=_export_key(by))
    for values in records:
        writer.writerow(["" if values[c] is None else values[c] for c in columns])
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


def succeeded_runs_by_id(
    allocation_round: AllocationRound, run_ids: list[int]
) -> dict[int, AllocationRun]:
    """{run id: run} for those of `run_ids` that succeeded in this round (to compare them: their
    placements are read, never their problem or result, which stay deferred)."""
    return {
        run.pk: run
        for run in runs_for_round(allocation_round).filter(
            pk__in=run_ids, status=RunStatus.SUCCEEDED
        )
    }
