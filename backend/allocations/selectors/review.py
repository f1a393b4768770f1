"""Reads for the coordinator's review: assignments, explanations, run comparison, leftovers."""

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import BigIntegerField, Count, DateTimeField, F, Q, QuerySet, Sum, Value
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import ConsentPurpose, User
from backend.accounts.selectors import company_ids, people_with_consent
from backend.allocations import engine_adapter
from backend.allocations.models import (
    PUBLISHED_PHASES,
    AllocationRound,
    AllocationRun,
    Assignment,
    AssignmentSource,
    ChoiceList,
    Objection,
    ObjectionStatus,
    Phase,
    RoundChallenge,
    RoundEvent,
    RunPlacement,
    RunStatus,
)
from backend.allocations.selectors.access import round_enrolments
from backend.allocations.selectors.roster import (
    TARGETS_SHOWN,
    ChallengeRoom,
    RowValue,
    StudentCursor,
    StudentFilters,
    StudentPage,
    challenges_with_room,
    round_students_page,
)
from backend.allocations.selectors.snapshot import (
    challenge_records,
    student_records,
)
from backend.core.csv_safe import safe_csv_writer
from backend.offers.models import Offer


def assignments_for_round(
    allocation_round: AllocationRound, *, search: str = ""
) -> QuerySet[Assignment]:
    """The round's assignments grouped per challenge (by its id), by name within one;
    `search`: a part of a first or last name or of a challenge's title, or a whole class code.
    The order follows the index on (round, offer): a page reads that index in order and sorts
    only each challenge's few students (an incremental sort), never the round's thousands."""
    queryset = (
        Assignment.objects.filter(round=allocation_round)
        .select_related("student__enrolment__kwalificatie", "offer__owner")
        .order_by("offer_id", "student__last_name", "student__first_name", "student_id")
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
    """How many students have handed in their choices: every list holds one first choice, so
    the sum of the challenges' stored first-choice counts (services/counts.py), not a count of
    the round's choice lists (a list emptied by its student is not counted)."""
    total = RoundChallenge.objects.filter(round=allocation_round).aggregate(
        n=Sum("first_choice_count")
    )["n"]
    return total or 0


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


def _placement_ended(ends_on: dt.date | None, phase: str, today: dt.date) -> bool:
    """A placement has ended when its challenge's end date has passed; without an end date,
    when its round is closed."""
    return ends_on < today if ends_on is not None else phase == Phase.CLOSED


def company_teams(user: User, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Teams of the user's companies in published rounds: [{round, offer, members}] (3 queries;
    2 more when a placement has ended). Members are first name, level and programme only; a member
    whose placement has ended AND who consented to follow-up contact (issue 14) also has
    "email", so the company may contact them afterwards."""
    companies = company_ids(user)
    today = today or timezone.localdate()
    rows = list(
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
            "student_id",
            "offer__ends_on",
            "round__phase",
        )
    )
    ended = {row[7] for row in rows if _placement_ended(row[8], row[9], today)}
    consenting = people_with_consent(ended, ConsentPurpose.FOLLOW_UP_CONTACT)
    emails = (
        dict(User.objects.filter(pk__in=consenting).values_list("pk", "email"))
        if consenting
        else {}
    )
    teams: dict[tuple[int, int], dict[str, Any]] = {}
    for row in rows:
        round_id, round_name, offer_id, title, first, niveau, programme = row[:7]
        student_id, ends_on, phase = row[7:]
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
        member = {"first_name": first, "level": niveau, "programme": programme}
        if student_id in emails and _placement_ended(ends_on, phase, today):
            member["email"] = emails[student_id]
        team["members"].append(member)
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
        "team_constraints": _("samenwerkwensen of teamregels lieten geen keuze toe"),
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


# The values of the objections page's status filter.
OBJECTION_STATUSES = tuple(value for value, _label in ObjectionStatus.choices)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class ObjectionCursor:
    """A place in a round's objections (oldest first: created_at, id), after or before it;
    travels in the query string as "<timestamp in microseconds>.<id>"."""

    created_at: dt.datetime
    pk: int
    backwards: bool = False

    def encode(self) -> str:
        micros = (self.created_at - _EPOCH) // dt.timedelta(microseconds=1)
        return f"{micros}.{self.pk}"

    @classmethod
    def decode(cls, text: str | None, *, backwards: bool = False) -> "ObjectionCursor | None":
        """The cursor in `text`, else None (garbage is ignored, never a 500)."""
        micros, _dot, pk = (text or "").strip().partition(".")
        if not (micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()):
            return None
        if len(micros) > 18 or len(pk) > 18:
            return None
        try:
            at = _EPOCH + dt.timedelta(microseconds=int(micros))
        except OverflowError:
            return None
        return cls(at, int(pk), backwards)


@dataclass(frozen=True)
class ObjectionPage:
    rows: list[Objection]
    next_cursor: ObjectionCursor | None
    previous_cursor: ObjectionCursor | None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def objections_page(
    allocation_round: AllocationRound,
    *,
    status: str = "",
    cursor: ObjectionCursor | None,
    per_page: int,
) -> ObjectionPage:
    """A page of the round's objections, oldest first, after (or before) `cursor`: keyset on
    the index objection_round_order (round, created_at, id), with their student and
    challenges. One query (two when a place is past either end of the list)."""
    queryset = objections_for_round(allocation_round)
    if status in OBJECTION_STATUSES:
        queryset = queryset.filter(status=status)
    order = ("created_at", "pk")

    def fetch(place: ObjectionCursor | None) -> list[Objection]:
        if place is None:
            return list(queryset.order_by(*order)[: per_page + 1])
        # (created_at, id) compared as one row value: one range on objection_round_order.
        key = RowValue(F("created_at"), F("pk"))
        value = RowValue(
            Value(place.created_at, output_field=DateTimeField()),
            Value(place.pk, output_field=BigIntegerField()),
        )
        if place.backwards:
            earlier = queryset.filter(LessThan(key, value)).order_by("-created_at", "-pk")
            return list(earlier[: per_page + 1])[::-1]
        return list(queryset.filter(GreaterThan(key, value)).order_by(*order)[: per_page + 1])

    found = fetch(cursor)
    if cursor is not None and (not found or (cursor.backwards and len(found) <= per_page)):
        # Past either end (or a stale place): the first page.
        cursor, found = None, fetch(None)
    if cursor is not None and cursor.backwards:
        more_before, more_after, found = True, True, found[1:]
    else:
        more_before = cursor is not None
        more_after, found = len(found) > per_page, found[:per_page]
    return ObjectionPage(
        rows=found,
        next_cursor=ObjectionCursor(found[-1].created_at, found[-1].pk)
        if found and more_after
        else None,
        previous_cursor=ObjectionCursor(found[0].created_at, found[0].pk, backwards=True)
        if found and more_before
        else None,
    )


@dataclass(frozen=True)
class LeftoverPage:
    """A page of the round's students without a place (keyset, like the round page's list),
    each with at most `limit` eligible challenges with room, and whether any student on the
    page has more than those (searched by title or company then)."""

    rows: list[Leftover]
    students: StudentPage
    more_options: bool


# How many challenges with room (by title) unassigned_page reads the rules of at a time: the
# first batch, then the next, then (None) the rest. Most students find a menu's worth of
# options among the first 64 (at region size the 31st eligible one is at most the 36th), and
# the rest is never read.
BATCHES = (64, 448, None)


def unassigned_page(
    allocation_round: AllocationRound,
    *,
    cursor: StudentCursor | None,
    per_page: int,
    today: dt.date,
    search: str = "",
    limit: int = TARGETS_SHOWN,
) -> LeftoverPage:
    """The round's students without a place after `cursor` (by name), each with the eligible
    challenges with room (challenge and company capacity) whose title or company contains
    `search`, the first `limit` by title. Only the page's students are read for eligibility
    (never the whole round's snapshot), and the challenges with room a batch at a time
    (BATCHES, each cut in the database): only while a student on the page has no more than
    `limit` eligible ones is the next batch read. At most three batches of queries, so a
    bounded number at any size."""
    students = round_students_page(
        allocation_round, StudentFilters(status="unassigned"), cursor=cursor, per_page=per_page
    )
    ids = [row.student_id for row in students.rows]
    if not ids:
        return LeftoverPage([], students, more_options=False)
    people = {
        record.user_id: record
        for record in student_records(
            allocation_round,
            round_enrolments(allocation_round).filter(student_id__in=ids),
            today=today,
        )
    }
    # Per student up to limit + 1 options (one more than shown tells "there are more").
    found: dict[int, list[tuple[int, str, int]]] = {pk: [] for pk in ids}

    def check(batch: list[ChallengeRoom]) -> None:
        records = {
            record.offer_id: record
            for record in challenge_records(
                allocation_round, offer_ids=[room.offer_id for room in batch]
            )
        }
        for pk, person in people.items():
            options = found[pk]
            for room in batch:
                if len(options) > limit:
                    break
                record = records.get(room.offer_id)
                if record is None or engine_adapter.ineligibility(person, record) is not None:
                    continue
                options.append((room.offer_id, room.title, room.left))

    offset = 0
    for size in BATCHES:
        rooms = challenges_with_room(
            allocation_round, search=search, with_room_only=True, offset=offset, limit=size
        )
        if rooms:
            check(rooms)
        offset += len(rooms)
        if size is None or len(rooms) < size or all(len(found[pk]) > limit for pk in people):
            break
    more = any(len(options) > limit for options in found.values())
    rows = [
        Leftover(row.student_id, row.full_name, row.class_code, found[row.student_id][:limit])
        for row in students.rows
    ]
    return LeftoverPage(rows, students, more_options=more)
