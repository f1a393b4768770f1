"""What a student sees: the challenges open to them (and why they fit), their choices, result."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.utils import timezone

from backend.accounts.models import CertificateKind, StudentEnrolment, User
from backend.allocations import engine_adapter, texts
from backend.allocations.engine_adapter import ChallengeRecord, StudentRecord
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    Choice,
    ChoiceList,
    Objection,
    RoundChallenge,
    RunPlacement,
)
from backend.allocations.selectors.access import round_enrolments, rounds_for_student, school_names
from backend.allocations.selectors.review import team_of
from backend.allocations.selectors.snapshot import challenge_records, student_records
from backend.curriculum.models import Werkproces
from backend.offers.models import Offer, WerkprocesMapping
from backend.organisations.models import ConsortiumMembership, Organisation


@dataclass
class OpenChallenge:
    offer: Offer
    capacity: int
    eligible: bool
    why_not: dict[str, Any] | None
    # (code, title) of the student's open werkprocessen this challenge works on
    fits: list[tuple[str, str]] = field(default_factory=list)


def student_record(
    allocation_round: AllocationRound, enrolment: StudentEnrolment, *, today: dt.date
) -> StudentRecord:
    enrolments = StudentEnrolment.objects.filter(pk=enrolment.pk)
    return student_records(allocation_round, enrolments, today=today)[0]


def challenges_for_student(
    allocation_round: AllocationRound,
    enrolment: StudentEnrolment,
    *,
    today: dt.date,
    include_ineligible: bool = False,
) -> list[OpenChallenge]:
    """The round's challenges this student may choose, each with the open werkprocessen it covers
    (matching codes + titles), best fit first. A fixed number of queries."""
    me = student_record(allocation_round, enrolment, today=today)
    records = {c.offer_id: c for c in challenge_records(allocation_round)}
    offers = Offer.objects.filter(pk__in=records.keys()).select_related("owner")
    titles = dict(
        Werkproces.objects.filter(
            code__in=me.open_goals, kerntaak__dossier_id=enrolment.kwalificatie.dossier_id
        ).values_list("code", "title")
    )
    open_goals = set(me.open_goals)
    items = []
    for offer in offers:
        record: ChallengeRecord = records[offer.pk]
        why_not = engine_adapter.ineligibility(me, record)
        if why_not is not None and not include_ineligible:
            continue
        fits = sorted(code for code in record.goals if code in open_goals)
        items.append(
            OpenChallenge(
                offer=offer,
                capacity=record.max,
                eligible=why_not is None,
                why_not=why_not,
                fits=[(code, titles.get(code, "")) for code in fits],
            )
        )
    items.sort(key=lambda item: (not item.eligible, -len(item.fits), item.offer.title))
    return items


def choice_list_for(allocation_round: AllocationRound, student: User) -> ChoiceList | None:
    return (
        ChoiceList.objects.filter(round=allocation_round, student=student)
        .prefetch_related("teammates")
        .first()
    )


def choices_for(allocation_round: AllocationRound, student: User) -> list[Choice]:
    return list(
        Choice.objects.filter(choice_list__round=allocation_round, choice_list__student=student)
        .select_related("offer__owner")
        .order_by("position")
    )


def choice_rank(allocation_round: AllocationRound, student: User, offer: Offer) -> int | None:
    """Where the student ranked `offer` among their choices (1 = first), None if not chosen."""
    return (
        Choice.objects.filter(
            choice_list__round=allocation_round, choice_list__student=student, offer=offer
        )
        .values_list("position", flat=True)
        .first()
    )


@dataclass
class StudentResult:
    assignment: Assignment | None
    explanation: dict[str, Any]
    team: list[dict[str, Any]]
    objection: Objection | None
    can_object: bool
    # The student's open werkprocessen the assigned challenge works on.
    fits: list["FitGoal"] = field(default_factory=list)
    # The classmates the student wished to work with: (first name, in the team?).
    wishes: list[tuple[str, bool]] = field(default_factory=list)


def stored_explanation(run_id: int | None, student_id: int) -> dict[str, Any] | None:
    """One student's explanation in a run (engine ids turned back into pks, as
    engine_adapter.explanation_of), read from the run's RunPlacement row: one small row, never
    the run's `problem`/`result` (91 MB at 100,000 students)."""
    if run_id is None:
        return None
    mine = (
        RunPlacement.objects.filter(run_id=run_id, student_id=student_id)
        .values_list("explanation", flat=True)
        .first()
    )
    return mine if isinstance(mine, dict) and mine else None


def _unassigned_reason(engine: dict[str, Any] | None) -> str:
    """The engine's reason for not placing a student, from their explanation alone (the rule
    of matching.explain._unassigned), so the run's list of unassigned students is not read."""
    if engine is None or engine["offer_id"] is not None:
        return ""
    passed = engine["passed_over"]
    if not passed:
        return "no_preferences"
    if all(item["reason"] == "not_eligible" for item in passed):
        return "no_eligible_choice"
    return "all_choices_full"


def passed_over_sentences(passed_over: list[dict[str, Any]]) -> list[str]:
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


def engine_outcome(
    engine: dict[str, Any] | None, assignment: Assignment | None
) -> dict[str, Any] | None:
    """The engine's explanation when the student's placement is still the engine's outcome (its
    reasons hold for that outcome only), else None."""
    if engine is None:
        return None
    if assignment is None:
        return engine if engine["offer_id"] is None else None
    return engine if engine["offer_id"] == assignment.offer_id else None


def explanation_for(
    allocation_round: AllocationRound, student: User, *, assignment: Assignment | None
) -> dict[str, Any]:
    """{"summary", "reasons" (a sentence per better choice), "rank", "source"}: like
    the engine's reasons, reading only this student's part of the run."""
    run_id = assignment.run_id if assignment and assignment.run_id else None
    engine = stored_explanation(run_id or allocation_round.applied_run_id, student.pk)
    summary = texts.result_sentence(
        title=assignment.offer.title if assignment else None,
        rank=assignment.rank if assignment else None,
        source=assignment.source if assignment else "",
        unassigned_reason=_unassigned_reason(engine) if assignment is None else "",
    )
    outcome = engine_outcome(engine, assignment)
    passed_over = outcome["passed_over"] if outcome else []
    return {
        "summary": summary,
        "reasons": passed_over_sentences(passed_over) if passed_over else [],
        "rank": assignment.rank if assignment else None,
        "source": assignment.source if assignment else None,
    }


def _wishes(
    allocation_round: AllocationRound, student: User, offer_id: int
) -> list[tuple[str, bool]]:
    """The classmates the student named as teammates and whether each was placed with them."""
    wished = list(
        User.objects.filter(
            pk__in=ChoiceList.teammates.through.objects.filter(
                choicelist__round=allocation_round, choicelist__student=student
            ).values("user_id")
        ).values_list("pk", "first_name")
    )
    placed = set(
        Assignment.objects.filter(
            round=allocation_round,
            student_id__in=[pk for pk, _first in wished],
            offer_id=offer_id,
        ).values_list("student_id", flat=True)
    )
    return [(first, pk in placed) for pk, first in wished]


def result_for_student(
    allocation_round: AllocationRound,
    student: User,
    *,
    now: dt.datetime,
    enrolment: StudentEnrolment | None = None,
) -> StudentResult | None:
    """The student's published assignment, its explanation and team; None before publication.
    With `enrolment`, also which open werkprocessen the challenge covers. A fixed number of
    queries; the run's stored JSON is never loaded whole."""
    if not allocation_round.is_published:
        return None
    assignment = (
        Assignment.objects.filter(round=allocation_round, student=student)
        .select_related("offer__owner")
        .first()
    )
    objection = (
        Objection.objects.filter(round=allocation_round, student=student)
        .order_by("-created_at")
        .first()
    )
    team = team_of(allocation_round, assignment.offer_id) if assignment else []
    fits: list[FitGoal] = []
    if assignment and enrolment is not None:
        me = student_record(allocation_round, enrolment, today=timezone.localdate(now))
        fits = _fits_for([assignment.offer_id], enrolment, me.open_goals).get(
            assignment.offer_id, []
        )
    return StudentResult(
        assignment=assignment,
        explanation=explanation_for(allocation_round, student, assignment=assignment),
        team=team,
        objection=objection,
        can_object=allocation_round.objecting_is_open(now)
        and (objection is None or not objection.is_open),
        fits=fits,
        wishes=_wishes(allocation_round, student, assignment.offer_id) if assignment else [],
    )


# ---------------------------------------------------------------------------------------------
# The "Uitdagingen" pages: every challenge open to the student, paged and filtered in SQL.

PAGE_SIZE = 20
TEAMMATE_RESULTS = 10
TEAMMATE_MIN_QUERY = 2


@dataclass(frozen=True)
class ChallengeFilters:
    """The student's filters on the challenge list (already parsed and checked by the page)."""

    query: str = ""
    location_kind: str = ""
    company_id: int | None = None
    fits_only: bool = False


def open_rounds_for_student(user: User, *, now: dt.datetime) -> list[AllocationRound]:
    """The rounds the student takes part in that accept choices at `now` (one query)."""
    return [r for r in rounds_for_student(user) if r.choosing_is_open(now)]


# Each certificate kind at most once in an offer's list, so this many slots cover every list.
CERTIFICATE_SLOTS = len(CertificateKind) + 1


def _certificate_slot(index: int) -> "ExpressionWrapper[KeyTextTransform]":
    """The offer's index-th required certificate as text (NULL when the list is shorter); as
    plain text, so `__in` compares strings on SQLite too (not JSON)."""
    return ExpressionWrapper(
        KeyTextTransform(str(index), "offer__required_certificates"), output_field=CharField()
    )


def _eligible_to(me: StudentRecord) -> Q:
    """The engine's eligibility rules (matching.validate.rule_failure, via
    engine_adapter.ineligibility) as one SQL condition on RoundChallenge rows, so a list of
    100,000 students' options is filtered and paged by the database. Same rules, same order:
    level, programme (crebo), school (or a member school of the offer's consortium), required
    certificates. tests/backend/allocations/test_student_challenges.py checks it against the
    engine."""
    level = Q(offer__niveau_min=1, offer__niveau_max=4) | Q(
        offer__niveau_min__lte=me.level, offer__niveau_max__gte=me.level
    )
    programmes = Offer.programmes.through.objects.filter(offer_id=OuterRef("offer_id"))
    programme = ~Exists(programmes) | Exists(programmes.filter(kwalificatie__crebo=me.programme))
    schools = Offer.schools.through.objects.filter(offer_id=OuterRef("offer_id"))
    consortium_member = ConsortiumMembership.objects.filter(
        consortium_id=OuterRef("offer__consortium_id"),
        organisation_id=me.school_id,
        left_on__isnull=True,
    )
    school = (
        ~Exists(schools)
        | Exists(schools.filter(organisation_id=me.school_id))
        | Exists(consortium_member)
    )
    certificates = Q()
    held = list(me.certificates)
    for index in range(CERTIFICATE_SLOTS):
        slot = f"certificate_{index}"
        certificates &= Q(**{f"{slot}__isnull": True}) | Q(**{f"{slot}__in": held})
    return level & programme & school & certificates


def _fit_count(open_goals: Sequence[str]) -> Coalesce:
    mapped = (
        WerkprocesMapping.objects.filter(
            offer_id=OuterRef("offer_id"), werkproces__code__in=list(open_goals)
        )
        .order_by()
        .values("offer_id")
        .annotate(n=Count("werkproces__code", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(mapped), Value(0))


def eligible_entries(
    allocation_rounds: Sequence[AllocationRound], me: StudentRecord
) -> QuerySet[RoundChallenge]:
    """The (round, challenge) rows of `allocation_rounds` open to the student `me`, best fit
    first (most of the student's open werkprocessen), then by title. Lazy: page it."""
    slots = {f"certificate_{i}": _certificate_slot(i) for i in range(CERTIFICATE_SLOTS)}
    return (
        RoundChallenge.objects.filter(round__in=[r.pk for r in allocation_rounds])
        .alias(**slots)
        .filter(_eligible_to(me))
        .annotate(fit_count=_fit_count(me.open_goals))
        .select_related("offer__owner", "offer__location", "round")
        .order_by("-fit_count", "offer__title", "offer_id", "round_id")
    )


def filter_entries(
    entries: QuerySet[RoundChallenge], filters: ChallengeFilters
) -> QuerySet[RoundChallenge]:
    if filters.query:
        entries = entries.filter(
            Q(offer__title__icontains=filters.query)
            | Q(offer__description__icontains=filters.query)
            | Q(offer__owner__name__icontains=filters.query)
        )
    if filters.location_kind:
        entries = entries.filter(offer__location_kind=filters.location_kind)
    if filters.company_id is not None:
        entries = entries.filter(offer__owner_id=filters.company_id)
    if filters.fits_only:
        entries = entries.filter(Q(fit_count__gt=0))
    return entries


# Above this many companies a drop-down stops helping (and a region's 5,000 names would make the
# page grow with the round): the text search finds companies by name instead.
MAX_COMPANY_OPTIONS = 40


def companies_of(entries: QuerySet[RoundChallenge]) -> list[tuple[int, str]]:
    """(id, name) of the companies behind `entries`, by name (the company filter's options);
    empty when there are more than MAX_COMPANY_OPTIONS of them."""
    companies = list(
        Organisation.objects.filter(pk__in=entries.values("offer__owner_id"))
        .order_by("name")
        .values_list("pk", "name")[: MAX_COMPANY_OPTIONS + 1]
    )
    return companies if len(companies) <= MAX_COMPANY_OPTIONS else []


@dataclass(frozen=True)
class FitGoal:
    code: str
    title: str
    kerntaak_code: str
    kerntaak_title: str


@dataclass
class StudentChallenge:
    """One challenge on the student's list or detail page, with what the student needs."""

    entry: RoundChallenge
    fits: list[FitGoal]
    rank: int | None

    @property
    def offer(self) -> Offer:
        return self.entry.offer

    @property
    def round(self) -> AllocationRound:
        return self.entry.round

    @property
    def capacity(self) -> int:
        entry = self.entry
        return entry.capacity if entry.capacity is not None else entry.offer.max_students


def _fits_for(
    offer_ids: Sequence[int], enrolment: StudentEnrolment, open_goals: Sequence[str]
) -> dict[int, list[FitGoal]]:
    """{offer id: the student's open werkprocessen it covers} (one query)."""
    rows = (
        WerkprocesMapping.objects.filter(
            offer_id__in=list(offer_ids), werkproces__code__in=list(open_goals)
        )
        .order_by("werkproces__code")
        .values_list("offer_id", "werkproces__code")
        .distinct()
    )
    goals = {
        code: FitGoal(code, title, kerntaak_code, kerntaak_title)
        for code, title, kerntaak_code, kerntaak_title in Werkproces.objects.filter(
            code__in=list(open_goals), kerntaak__dossier_id=enrolment.kwalificatie.dossier_id
        ).values_list("code", "title", "kerntaak__code", "kerntaak__title")
    }
    fits: dict[int, list[FitGoal]] = defaultdict(list)
    for offer_id, code in rows:
        fits[offer_id].append(goals.get(code, FitGoal(code, "", "", "")))
    return fits


def _ranks_for(student: User, entries: Sequence[RoundChallenge]) -> dict[tuple[int, int], int]:
    """{(round id, offer id): position} of the student's choices among `entries` (one query)."""
    rows = Choice.objects.filter(
        choice_list__student=student,
        choice_list__round_id__in={e.round_id for e in entries},
        offer_id__in={e.offer_id for e in entries},
    ).values_list("choice_list__round_id", "offer_id", "position")
    return {(round_id, offer_id): position for round_id, offer_id, position in rows}


def describe_entries(
    student: User,
    enrolment: StudentEnrolment,
    me: StudentRecord,
    entries: Sequence[RoundChallenge],
) -> list[StudentChallenge]:
    """The page's rows with fit and rank: three queries, however long the page."""
    if not entries:
        return []
    fits = _fits_for([e.offer_id for e in entries], enrolment, me.open_goals)
    ranks = _ranks_for(student, entries)
    return [
        StudentChallenge(
            entry=entry,
            fits=fits.get(entry.offer_id, []),
            rank=ranks.get((entry.round_id, entry.offer_id)),
        )
        for entry in entries
    ]


def student_me(
    allocation_rounds: Sequence[AllocationRound], enrolment: StudentEnrolment, *, today: dt.date
) -> StudentRecord | None:
    """The student as the engine sees them (level, crebo, school, certificates, open goals)."""
    if not allocation_rounds:
        return None
    return student_record(allocation_rounds[0], enrolment, today=today)


def open_challenge_for_student(
    student: User, enrolment: StudentEnrolment, offer_id: int, *, now: dt.datetime
) -> StudentChallenge | None:
    """One challenge open to the student in a round that accepts choices (the soonest closing
    when it is in several), or None: unknown ids, other schools' offers, closed rounds and
    challenges the student may not take all answer None, so nothing can be enumerated."""
    allocation_rounds = sorted(
        open_rounds_for_student(student, now=now), key=lambda r: (r.choices_close_at, r.pk)
    )
    me = student_me(allocation_rounds, enrolment, today=timezone.localdate(now))
    if me is None:
        return None
    entries = list(eligible_entries(allocation_rounds, me).filter(offer_id=offer_id))
    entries.sort(key=lambda e: (e.round.choices_close_at, e.round_id))
    if not entries:
        return None
    # Adding it to the choices (services.choices.choice_add) asks the engine's own rules again.
    return describe_entries(student, enrolment, me, entries[:1])[0]


# ---------------------------------------------------------------------------------------------
# Teammate search: a few classmates at a time, first name + initial + class + level only.


@dataclass(frozen=True)
class Classmate:
    pk: int
    first_name: str
    initial: str
    class_code: str
    level: int

    @property
    def label(self) -> str:
        name = f"{self.first_name} {self.initial}." if self.initial else self.first_name
        return name


def _classmate_rows(queryset: QuerySet[StudentEnrolment]) -> list[Classmate]:
    return [
        Classmate(pk, first or "", (last or "")[:1], class_code or "", level)
        for pk, first, last, class_code, level in queryset.values_list(
            "student_id",
            "student__first_name",
            "student__last_name",
            "class_code",
            "kwalificatie__niveau",
        )
    ]


def _classmate_enrolments(
    allocation_round: AllocationRound, enrolment: StudentEnrolment
) -> QuerySet[StudentEnrolment]:
    """Enrolments of the student's classmates who may be named: same school, same round, never
    the student themself (the rule choices._check_teammates enforces)."""
    return (
        round_enrolments(allocation_round)
        .filter(school_id=enrolment.school_id)
        .exclude(student_id=enrolment.student_id)
    )


def search_classmates(
    allocation_round: AllocationRound,
    enrolment: StudentEnrolment,
    query: str,
    *,
    limit: int = TEAMMATE_RESULTS,
) -> tuple[list[Classmate], bool]:
    """At most `limit` classmates whose name (or class) matches `query`, and whether there are
    more. Nothing for a query shorter than TEAMMATE_MIN_QUERY characters: no browsing the class
    list. One query."""
    words = query.split()
    if len(query.strip()) < TEAMMATE_MIN_QUERY:
        return [], False
    queryset = _classmate_enrolments(allocation_round, enrolment)
    for word in words[:3]:
        queryset = queryset.filter(
            Q(student__first_name__icontains=word)
            | Q(student__last_name__istartswith=word)
            | Q(class_code__iexact=word)
        )
    rows = _classmate_rows(
        queryset.order_by("student__first_name", "student__last_name", "student_id")[: limit + 1]
    )
    return rows[:limit], len(rows) > limit


def classmates_by_id(
    allocation_round: AllocationRound, enrolment: StudentEnrolment, ids: Sequence[int]
) -> list[Classmate]:
    """The named teammates that are classmates in this round, in the given order (one query);
    ids of anyone else are left out."""
    if not ids:
        return []
    found = {
        c.pk: c
        for c in _classmate_rows(
            _classmate_enrolments(allocation_round, enrolment).filter(student_id__in=list(ids))
        )
    }
    return [found[pk] for pk in ids if pk in found]
