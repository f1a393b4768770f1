"""Reads for the coordinator's review: assignments, explanations, run comparison, leftovers."""

import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.selectors import company_ids
from backend.allocations import engine_adapter, texts
from backend.allocations.models import (
    AllocationRound,
    AllocationRun,
    Assignment,
    Phase,
    RunStatus,
)
from backend.allocations.selectors.access import school_names
from backend.allocations.selectors.snapshot import round_snapshot
from backend.core.csv_safe import safe_csv_writer
from backend.offers.models import Offer
from backend.organisations.models import Organisation

PUBLISHED_PHASES = (Phase.PUBLISHED, Phase.OBJECTIONS, Phase.CLOSED)


def assignments_for_round(round: AllocationRound) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(round=round)
        .select_related("student__enrolment__kwalificatie", "offer__owner")
        .order_by("offer__title", "student__first_name", "student__last_name")
    )


def runs_for_round(round: AllocationRound) -> QuerySet[AllocationRun]:
    return (
        AllocationRun.objects.filter(round=round)
        .select_related("started_by")
        .defer("problem", "result")
    )


def team_of(round: AllocationRound, offer_id: int) -> list[dict]:
    """A challenge's team as a company may see it: first name, level and programme only."""
    return [
        {"first_name": first, "level": niveau, "programme": title}
        for first, niveau, title in Assignment.objects.filter(round=round, offer_id=offer_id)
        .order_by("student__first_name")
        .values_list(
            "student__first_name",
            "student__enrolment__kwalificatie__niveau",
            "student__enrolment__kwalificatie__title",
        )
    ]


def company_teams(user: User) -> list[dict]:
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
    teams: dict[tuple[int, int], dict] = {}
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


def explanation_for_student(
    round: AllocationRound, student: User, *, assignment: Assignment | None
) -> dict:
    """{"summary": sentence, "reasons": [sentences for better choices], "rank", "source"}."""
    run = assignment.run if assignment and assignment.run_id else round.applied_run
    engine = engine_adapter.explanation_of(run.result, student.pk) if run and run.result else None
    title = assignment.offer.title if assignment else None
    unassigned_reason = ""
    if assignment is None and run and run.result:
        unassigned_reason = engine_adapter.unassigned_reasons(run.result).get(student.pk, "")
    summary = texts.result_sentence(
        title=title,
        rank=assignment.rank if assignment else None,
        source=assignment.source if assignment else "",
        unassigned_reason=unassigned_reason,
    )
    reasons: list[str] = []
    # The engine's reasons hold for the engine's outcome: only explain that outcome.
    engine_outcome = engine and (
        (assignment is None and engine["offer_id"] is None)
        or (assignment is not None and engine["offer_id"] == assignment.offer_id)
    )
    if engine_outcome and engine["passed_over"]:
        offers = Offer.objects.in_bulk([p["offer_id"] for p in engine["passed_over"]])
        hosts = dict(
            Organisation.objects.filter(
                pk__in=[
                    p["details"]["host"] for p in engine["passed_over"] if "host" in p["details"]
                ]
            ).values_list("pk", "name")
        )
        schools = school_names(
            {
                pk
                for p in engine["passed_over"]
                if p["details"].get("rule") == "school"
                for pk in p["details"]["required"]
            }
        )
        for item in engine["passed_over"]:
            offer = offers.get(item["offer_id"])
            reasons.append(
                texts.passed_over_sentence(
                    item,
                    title=offer.title if offer else str(item["offer_id"]),
                    host_name=hosts.get(item["details"].get("host"), ""),
                    school_names=schools,
                )
            )
    return {
        "summary": summary,
        "reasons": reasons,
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


def runs_compare(run_a: AllocationRun, run_b: AllocationRun) -> dict:
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


def latest_succeeded_runs(round: AllocationRound, limit: int = 2) -> list[AllocationRun]:
    return list(runs_for_round(round).filter(status=RunStatus.SUCCEEDED)[:limit])


@dataclass
class Leftover:
    student_id: int
    name: str
    class_code: str
    options: list[tuple[int, str, int]]  # (offer id, title, places left)


def unassigned_with_room(round: AllocationRound, *, today: dt.date) -> list[Leftover]:
    """Students of the round without an assignment, each with the eligible challenges that still
    have room (challenge and host capacity). A fixed number of queries."""
    snapshot = round_snapshot(round, today=today)
    taken = dict(
        Assignment.objects.filter(round=round)
        .values("offer_id")
        .annotate(n=Count("pk"))
        .values_list("offer_id", "n")
    )
    assigned = set(Assignment.objects.filter(round=round).values_list("student_id", flat=True))
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
    waiting = [s for s in snapshot.students if s.user_id not in assigned]
    people = (
        {
            pk: (f"{first} {last}".strip(), class_code)
            for pk, first, last, class_code in User.objects.filter(
                pk__in=[s.user_id for s in waiting]
            ).values_list("pk", "first_name", "last_name", "enrolment__class_code")
        }
        if waiting
        else {}
    )
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


def assignments_csv(round: AllocationRound, *, by: str) -> str:
    """CSV of the round's assignments grouped (sorted) per challenge, host or class."""
    if by not in EXPORT_ORDER:
        raise ValueError(by)
    headers = {
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
    first = {"challenge": "challenge", "host": "host", "class": "class"}[by]
    columns = [first, *[c for c in EXPORT_COLUMNS if c != first]]
    buffer = io.StringIO()
    writer = safe_csv_writer(buffer)
    writer.writerow([headers[c] for c in columns])
    rows = (
        Assignment.objects.filter(round=round)
        .order_by(*EXPORT_ORDER[by])
        .values_list(
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
    )
    for row in rows:
        values = dict(zip(EXPORT_COLUMNS, row, strict=True))
        writer.writerow([values[c] for c in columns])
    return buffer.getvalue()


def objections_for_round(round: AllocationRound):
    from backend.allocations.models import Objection

    return Objection.objects.filter(round=round).select_related(
        "student", "offer", "new_offer", "decided_by"
    )


def host_load(round: AllocationRound) -> list[dict]:
    """Per company: places used of its capacity (for the review page)."""
    counts = defaultdict(int)
    for owner_id, n in (
        Assignment.objects.filter(round=round)
        .values("offer__owner_id")
        .annotate(n=Count("pk"))
        .values_list("offer__owner_id", "n")
    ):
        counts[owner_id] = n
    return [{"organisation_id": k, "assigned": v} for k, v in counts.items()]
