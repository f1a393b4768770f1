"""What a student sees: the challenges open to them (and why they fit), their choices, result."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    CharField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Upper
from django.utils import timezone

from backend.accounts.models import CertificateKind, StudentEnrolment, User
from backend.allocations import texts
from backend.allocations.engine_adapter import StudentRecord
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
from backend.allocations.selectors.snapshot import student_records
from backend.curriculum.models import DEMONSTRATED_LEVELS, Werkproces
from backend.offers.models import Offer, WerkprocesMapping
from backend.organisations.models import ConsortiumMembership, Organisation


def student_record(
    allocation_round: AllocationRound, enrolment: StudentEnrolment, *, today: dt.date
) -> StudentRecord:
    enrolments = StudentEnrolment.objects.filter(pk=enrolment.pk)
    return student_records(allocation_round, enrolments, today=today)[0]


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
    # The werkprocessen the challenge works on that the student already demonstrated (validated
    # evidence): named so the student sees why they no longer count as open goals.
    shown: list["FitGoal"] = field(default_factory=list)
    # The classmates the student wished to work with: (first name, in the team?, did they name
    # the student too? Only mutual wishes count).
    wishes: list[tuple[str, bool, bool]] = field(default_factory=list)
    # Teams: the first names of the group members placed with the student (the engine's
    # together_with, as far as they are still in the same challenge), why the group could not
    # be together, and the team rules that decided the placement, as sentences.
    together_with: list[str] = field(default_factory=list)
    group_note: str = ""
    rule_notes: list[str] = field(default_factory=list)


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


TEAM_REASONS = frozenset({"together", "rotation", "rule"})  # matching.explain_teams


def unassigned_reason(engine: dict[str, Any] | None) -> str:
    """The engine's reason for not placing a student, from their explanation alone (the rule
    of matching.explain._unassigned and explain_teams._team_unassigned), so the run's list of
    unassigned students is not read."""
    if engine is None or engine["offer_id"] is not None:
        return ""
    passed = engine["passed_over"]
    if not passed:
        return "no_preferences"
    if all(item["reason"] == "not_eligible" for item in passed):
        return "no_eligible_choice"
    if any(item["reason"] in TEAM_REASONS for item in passed):
        return "team_constraints"
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
        unassigned_reason=unassigned_reason(engine) if assignment is None else "",
    )
    outcome = engine_outcome(engine, assignment)
    passed_over = outcome["passed_over"] if outcome else []
    return {
        "summary": summary,
        "reasons": passed_over_sentences(passed_over) if passed_over else [],
        "rank": assignment.rank if assignment else None,
        "source": assignment.source if assignment else None,
        # Teams, from the engine's outcome while it still holds (engine_adapter.placement_rows).
        "together_with": list(outcome.get("together_with") or []) if outcome else [],
        "group": (outcome.get("group") if outcome else None) or (engine or {}).get("group"),
        "rules": list(outcome.get("rules") or []) if outcome else [],
    }


def _wishes(
    allocation_round: AllocationRound, student: User, offer_id: int | None
) -> list[tuple[int, str, bool, bool]]:
    """The classmates the student named as teammates: (id, first name, placed in the same
    challenge?, named the student too?). Three queries."""
    wished = list(
        User.objects.filter(
            pk__in=ChoiceList.teammates.through.objects.filter(
                choicelist__round=allocation_round, choicelist__student=student
            ).values("user_id")
        )
        .order_by("first_name", "pk")
        .values_list("pk", "first_name")
    )
    if not wished:
        return []
    ids = [pk for pk, _first in wished]
    placed = (
        set(
            Assignment.objects.filter(
                round=allocation_round, student_id__in=ids, offer_id=offer_id
            ).values_list("student_id", flat=True)
        )
        if offer_id is not None
        else set()
    )
    named_back = set(
        ChoiceList.teammates.through.objects.filter(
            choicelist__round=allocation_round, choicelist__student_id__in=ids, user_id=student.pk
        ).values_list("choicelist__student_id", flat=True)
    )
    return [(pk, first, pk in placed, pk in named_back) for pk, first in wished]


def _team_notes(
    allocation_round: AllocationRound,
    explanation: dict[str, Any],
    assignment: Assignment | None,
    wishes: list[tuple[int, str, bool, bool]],
) -> tuple[list[str], str, list[str]]:
    """(first names of the group members placed with the student, why the group was not kept,
    the rules that decided the placement). The members are the engine's together_with who are
    still in the student's challenge (the coordinator may have moved someone since)."""
    together = list(explanation["together_with"])
    names: list[str] = []
    if together and assignment is not None:
        names = list(
            Assignment.objects.filter(
                round=allocation_round, offer_id=assignment.offer_id, student_id__in=together
            )
            .order_by("student__first_name", "student_id")
            .values_list("student__first_name", flat=True)
        )
    group = explanation["group"]
    note = ""
    if group is not None and not group.get("kept") and not names:
        note = texts.group_reason_sentence(group.get("reason"))
    elif not names and wishes and not any(mutual for *_rest, mutual in wishes):
        note = texts.not_mutual_sentence()
    rules = [texts.student_rule_sentence(kind) for kind in explanation["rules"]]
    return names, note, rules


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
    explanation = explanation_for(allocation_round, student, assignment=assignment)
    wishes = _wishes(allocation_round, student, assignment.offer_id if assignment else None)
    together_with, group_note, rule_notes = _team_notes(
        allocation_round, explanation, assignment, wishes
    )
    fits: list[FitGoal] = []
    shown: list[FitGoal] = []
    if assignment and enrolment is not None:
        profile = student_profile(allocation_round, enrolment, today=timezone.localdate(now))
        fits = _fits_for([assignment.offer_id], profile).get(assignment.offer_id, [])
        shown = _already_shown(assignment.offer_id, enrolment)
    return StudentResult(
        assignment=assignment,
        explanation=explanation,
        team=team,
        objection=objection,
        can_object=allocation_round.objecting_is_open(now)
        and (objection is None or not objection.is_open),
        fits=fits,
        shown=shown,
        wishes=[(first, placed, mutual) for _pk, first, placed, mutual in wishes],
        together_with=together_with,
        group_note=group_note,
        rule_notes=rule_notes,
    )


# ---------------------------------------------------------------------------------------------
# The "Uitdagingen" pages and the student's open-challenges API: every challenge open to the
# student, filtered, counted and paged by the database (docs/performance.md, "Student").
#
# What a page costs: the student's profile is read once (StudentProfile: a handful of queries on
# the student's own rows); one narrow query walks the offers in title order on the index
# offer_title_order, checks each against the student's rules (an index probe per rule) and stops
# after the page and at most COUNT_CAP rows (that is the count: "more than 200" beyond it); only
# the page's rows are then read whole, with the open werkprocessen each covers and the student's
# ranks. Nothing reads the whole round: "best fit first" would need every challenge's fit, so the
# fit is a filter (covers at least one open werkproces) and a sentence on each card instead.

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
# The list is counted up to this many challenges (or to the end of the page asked for, if that
# is further); beyond it the page says "more than 200" and pages on while there is a next page.
COUNT_CAP = 200
# Nobody pages this far (they search); a larger number would only make OFFSET overflow.
MAX_PAGE_NUMBER = 10_000
TEAMMATE_RESULTS = 10
TEAMMATE_MIN_QUERY = 2


@dataclass(frozen=True)
class ChallengeFilters:
    """The student's filters on the challenge list (already parsed and checked by the caller)."""

    query: str = ""
    location_kind: str = ""
    company_id: int | None = None
    fits_only: bool = False


def open_rounds_for_student(user: User, *, now: dt.datetime) -> list[AllocationRound]:
    """The rounds the student takes part in that accept choices at `now` (one query)."""
    return [r for r in rounds_for_student(user) if r.choosing_is_open(now)]


def _already_shown(offer_id: int, enrolment: StudentEnrolment) -> list["FitGoal"]:
    """The werkprocessen of the student's dossier the offer works on and the student has
    demonstrated, as validated by their school (one query)."""
    rows = (
        Werkproces.objects.filter(
            offer_mappings__offer_id=offer_id,
            kerntaak__dossier_id=enrolment.kwalificatie.dossier_id,
            evidence__student_id=enrolment.student_id,
            evidence__validated_at__isnull=False,
            evidence__level__in=DEMONSTRATED_LEVELS,
        )
        .values_list("code", "title", "kerntaak__code", "kerntaak__title")
        .distinct()
        .order_by("code")
    )
    return [FitGoal(*row) for row in rows]


@dataclass(frozen=True)
class FitGoal:
    code: str
    title: str
    kerntaak_code: str
    kerntaak_title: str


@dataclass(frozen=True)
class StudentProfile:
    """What the eligibility rules and the fit need of one student, read once per request: the
    engine's record (level, crebo, school, certificates, open goals) and the werkprocessen behind
    the open goals. The engine compares werkproces codes, so `goal_ids` holds every werkproces
    with an open code (any dossier); `goals` the titles in the student's own dossier."""

    enrolment: StudentEnrolment
    me: StudentRecord
    goal_ids: dict[int, str]  # werkproces id -> its code
    goals: dict[str, FitGoal]  # code -> code, title and kerntaak in the student's dossier

    @property
    def open_codes(self) -> list[str]:
        return sorted(set(self.goal_ids.values()))


def student_profile(
    allocation_round: AllocationRound, enrolment: StudentEnrolment, *, today: dt.date
) -> StudentProfile:
    """The student as the engine sees them in `allocation_round`, plus their open werkprocessen
    (one query on top of student_record)."""
    me = student_record(allocation_round, enrolment, today=today)
    dossier_id = enrolment.kwalificatie.dossier_id
    goal_ids: dict[int, str] = {}
    goals: dict[str, FitGoal] = {}
    for pk, code, title, kerntaak_code, kerntaak_title, dossier in Werkproces.objects.filter(
        code__in=list(me.open_goals)
    ).values_list(
        "pk", "code", "title", "kerntaak__code", "kerntaak__title", "kerntaak__dossier_id"
    ):
        goal_ids[pk] = code
        if dossier == dossier_id:
            goals[code] = FitGoal(code, title, kerntaak_code, kerntaak_title)
    return StudentProfile(enrolment=enrolment, me=me, goal_ids=goal_ids, goals=goals)


def profile_for_rounds(
    allocation_rounds: Sequence[AllocationRound], enrolment: StudentEnrolment, *, today: dt.date
) -> StudentProfile | None:
    """The student's profile for a list over several rounds (level, crebo, school and goals do
    not depend on the round); None without rounds."""
    if not allocation_rounds:
        return None
    return student_profile(allocation_rounds[0], enrolment, today=today)


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
    engine.

    Each rule that needs another table is a correlated `[NOT] EXISTS` on the link table's
    (offer_id, …) index: one index probe per challenge the query actually reads. The list walks
    the offers in title order and stops after a page (challenge_page), so that is a page's worth
    of probes; an uncorrelated `offer_id IN (subquery)` would be hashed from the whole link
    table before the first row, and its start-up cost made the planner sort the round instead
    of walking the index (docs/performance.md, "Student challenges: the last ratios")."""
    level = Q(offer__niveau_min=1, offer__niveau_max=4) | Q(
        offer__niveau_min__lte=me.level, offer__niveau_max__gte=me.level
    )
    programmes = Offer.programmes.through.objects.filter(offer_id=OuterRef("offer_id"))
    programme = Q(~Exists(programmes)) | Q(
        Exists(programmes.filter(kwalificatie__crebo=me.programme))
    )
    schools = Offer.schools.through.objects.filter(offer_id=OuterRef("offer_id"))
    my_consortia = ConsortiumMembership.objects.filter(
        organisation_id=me.school_id, left_on__isnull=True
    ).values("consortium_id")
    school = (
        Q(~Exists(schools))
        | Q(Exists(schools.filter(organisation_id=me.school_id)))
        | Q(offer__consortium_id__in=my_consortia)
    )
    slots = Q()
    held = list(me.certificates)
    for index in range(CERTIFICATE_SLOTS):
        slot = f"certificate_{index}"
        slots &= Q(**{f"{slot}__isnull": True}) | Q(**{f"{slot}__in": held})
    # "Requires nothing" first: PostgreSQL estimates `= '[]'` from its statistics (most offers),
    # but guesses 0.5% for each `->> n IS NULL`; multiplied over the slots that made it expect
    # one offer and plan a nested loop over all of them.
    certificates = Q(offer__required_certificates=[]) | slots
    return level & programme & school & certificates


def covers_open_werkproces(profile: StudentProfile) -> Exists:
    """The entry's challenge works on at least one of the student's open werkprocessen: a
    correlated EXISTS on the mappings (an index probe per challenge read, so the filtered list
    still walks the title index and stops after a page). False without open werkprocessen."""
    return Exists(
        WerkprocesMapping.objects.filter(
            offer_id=OuterRef("offer_id"), werkproces_id__in=sorted(profile.goal_ids)
        )
    )


def eligible_entries(
    allocation_rounds: Sequence[AllocationRound], me: StudentRecord
) -> QuerySet[RoundChallenge]:
    """The (round, challenge) rows of `allocation_rounds` open to the student `me`. Lazy and
    unordered: page it with challenge_page, or narrow it to a few offers."""
    slots = {f"certificate_{i}": _certificate_slot(i) for i in range(CERTIFICATE_SLOTS)}
    return (
        RoundChallenge.objects.filter(round__in=[r.pk for r in allocation_rounds])
        .alias(**slots)
        .filter(_eligible_to(me))
    )


def filter_entries(
    entries: QuerySet[RoundChallenge], filters: ChallengeFilters, profile: StudentProfile
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
        entries = entries.filter(covers_open_werkproces(profile))
    return entries


# Above this many companies a drop-down stops helping (and a region's 5,000 names would make the
# page grow with the round): the text search finds companies by name instead.
MAX_COMPANY_OPTIONS = 40


def companies_of(allocation_rounds: Sequence[AllocationRound]) -> list[tuple[int, str]]:
    """(id, name) of the companies with a challenge in `allocation_rounds`, by name (the company
    filter's options); empty when there are more than MAX_COMPANY_OPTIONS of them. The round's
    companies, not only those with a challenge open to this student: the student's rules are not
    evaluated a second time for a drop-down (a company without one just filters to nothing).

    First the owners, in owner order, up to one more than fit (a walk of the offers' owner index
    with a probe of round_challenge_once per offer, stopping at MAX_COMPANY_OPTIONS + 1 owners:
    a region's round is never read whole); their names only when they fit in the drop-down."""
    in_rounds = RoundChallenge.objects.filter(
        round__in=[r.pk for r in allocation_rounds], offer_id=OuterRef("pk")
    )
    owners = list(
        Offer.objects.filter(Exists(in_rounds))
        .order_by("owner_id")
        .values_list("owner_id", flat=True)
        .distinct()[: MAX_COMPANY_OPTIONS + 1]
    )
    if not owners or len(owners) > MAX_COMPANY_OPTIONS:
        return []
    return list(
        Organisation.objects.filter(pk__in=owners).order_by("name", "pk").values_list("pk", "name")
    )


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


def _fits_for(offer_ids: Sequence[int], profile: StudentProfile) -> dict[int, list[FitGoal]]:
    """{offer id: the student's open werkprocessen it covers, by code} (one query)."""
    if not offer_ids or not profile.goal_ids:
        return {}
    rows = WerkprocesMapping.objects.filter(
        offer_id__in=list(offer_ids), werkproces_id__in=sorted(profile.goal_ids)
    ).values_list("offer_id", "werkproces_id")
    codes: dict[int, set[str]] = defaultdict(set)
    for offer_id, werkproces_id in rows:
        codes[offer_id].add(profile.goal_ids[werkproces_id])
    return {
        offer_id: [profile.goals.get(code, FitGoal(code, "", "", "")) for code in sorted(found)]
        for offer_id, found in codes.items()
    }


def _ranks_for(student: User, entries: Sequence[RoundChallenge]) -> dict[tuple[int, int], int]:
    """{(round id, offer id): position} of the student's choices among `entries` (one query)."""
    rows = Choice.objects.filter(
        choice_list__student=student,
        choice_list__round_id__in={e.round_id for e in entries},
        offer_id__in={e.offer_id for e in entries},
    ).values_list("choice_list__round_id", "offer_id", "position")
    return {(round_id, offer_id): position for round_id, offer_id, position in rows}


def describe_entries(
    student: User, profile: StudentProfile, entries: Sequence[RoundChallenge]
) -> list[StudentChallenge]:
    """The rows with fit and rank: two queries, however many rows."""
    if not entries:
        return []
    fits = _fits_for([e.offer_id for e in entries], profile)
    ranks = _ranks_for(student, entries)
    return [
        StudentChallenge(
            entry=entry,
            fits=fits.get(entry.offer_id, []),
            rank=ranks.get((entry.round_id, entry.offer_id)),
        )
        for entry in entries
    ]


def entries_for_offers(
    allocation_rounds: Sequence[AllocationRound], me: StudentRecord, offer_ids: Sequence[int]
) -> list[RoundChallenge]:
    """The entries of these offers open to the student (a few: chosen ones, one detail page),
    with offer, host and round (one query)."""
    if not offer_ids:
        return []
    return list(
        eligible_entries(allocation_rounds, me)
        .filter(offer_id__in=list(offer_ids))
        .select_related("offer__owner", "offer__location", "round")
    )


@dataclass
class ChallengePage:
    """One page of the challenges open to a student, by title, and how many there are: `count`
    exactly when `count_exact`, else "more than `count`"."""

    items: list[StudentChallenge]
    number: int
    per_page: int
    count: int
    count_exact: bool = True
    more: bool = False  # a next page exists (known also when the count is not exact)

    @property
    def num_pages(self) -> int:
        """The number of pages (when the count is not exact: of the pages known to exist)."""
        return max(1, -(-self.count // self.per_page))

    @property
    def exists(self) -> bool:
        """False for a page number past the last page (page 1 always exists, empty or not)."""
        return self.number == 1 or bool(self.items)

    @property
    def has_next(self) -> bool:
        return self.more

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


LIST_ORDER = ("offer__title", "offer_id", "round_id")


def challenge_page(
    student: User,
    profile: StudentProfile,
    allocation_rounds: Sequence[AllocationRound],
    filters: ChallengeFilters,
    *,
    number: int = 1,
    per_page: int = PAGE_SIZE,
) -> ChallengePage:
    """Page `number` (1 = first) of the challenges of `allocation_rounds` open to the student,
    filtered, by title (then offer and round, so the order is total and pages never overlap).

    Four queries, however many challenges and students: one narrow query reads the ids from the
    page's first row up to the end of the page or COUNT_CAP rows, whichever is further (the
    planner walks offer_title_order and stops there: the count comes from the same rows), then
    the page's rows, the open werkprocessen they cover, the student's ranks. A page past the end:
    no items, and one count of at most the rows before it for the number of pages (`exists` is
    False)."""
    if not 1 <= number <= MAX_PAGE_NUMBER or not 1 <= per_page <= MAX_PAGE_SIZE:
        raise ValueError("page numbers are 1..MAX_PAGE_NUMBER; pages hold 1..MAX_PAGE_SIZE")
    entries = filter_entries(eligible_entries(allocation_rounds, profile.me), filters, profile)
    start = (number - 1) * per_page
    upto = max(start + per_page, COUNT_CAP)
    ids = list(entries.order_by(*LIST_ORDER).values_list("pk", flat=True)[start : upto + 1])
    if not ids:
        count = entries.order_by()[:start].count() if number > 1 else 0
        return ChallengePage(items=[], number=number, per_page=per_page, count=count)
    exact = len(ids) <= upto - start
    page_ids = ids[:per_page]
    rows = RoundChallenge.objects.select_related(
        "offer__owner", "offer__location", "round"
    ).in_bulk(page_ids)
    return ChallengePage(
        items=describe_entries(student, profile, [rows[pk] for pk in page_ids]),
        number=number,
        per_page=per_page,
        count=start + len(ids) if exact else upto,
        count_exact=exact,
        more=len(ids) > per_page,
    )


def open_challenge_for_student(
    student: User, enrolment: StudentEnrolment, offer_id: int, *, now: dt.datetime
) -> StudentChallenge | None:
    """One challenge open to the student in a round that accepts choices (the soonest closing
    when it is in several), or None: unknown ids, other schools' offers, closed rounds and
    challenges the student may not take all answer None, so nothing can be enumerated."""
    allocation_rounds = sorted(
        open_rounds_for_student(student, now=now), key=lambda r: (r.choices_close_at, r.pk)
    )
    profile = profile_for_rounds(allocation_rounds, enrolment, today=timezone.localdate(now))
    if profile is None:
        return None
    entries = entries_for_offers(allocation_rounds, profile.me, [offer_id])
    entries.sort(key=lambda e: (e.round.choices_close_at, e.round_id))
    if not entries:
        return None
    # Adding it to the choices (services.choices.choice_add) asks the engine's own rules again.
    return describe_entries(student, profile, entries[:1])[0]


# ---------------------------------------------------------------------------------------------
# Teammate search: a few classmates at a time, first name + initial + class + level only.
#
# Each way a word can match (start of the first name, start of the last name, the class) is its
# own query that walks an index in order and stops after a few rows (user_first_name_search,
# user_last_name_search, enrolment_school_class): the cost depends on the page, not on how many
# students the region has. A substring search ("%lo%") would read every student of the school.


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


def _classmate_rows(
    queryset: QuerySet[StudentEnrolment],
) -> list[tuple[tuple[str, str, int], Classmate]]:
    """(sort key, classmate) per enrolment: the key orders as the name indexes do."""
    return [
        (
            ((first or "").upper(), (last or "").upper(), pk),
            Classmate(pk, first or "", (last or "")[:1], class_code or "", level),
        )
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


def _starts_with(alias: str, word: str) -> Q:
    """`alias` starts with `word` (both upper case), as an index range plus the exact test: the
    range lets the database walk the index (LIKE 'AB%' cannot use it unless the collation is
    "C"); the LIKE keeps the answer exact whatever the collation."""
    after = word[:-1] + chr(ord(word[-1]) + 1)
    return Q(**{f"{alias}__gte": word, f"{alias}__lt": after, f"{alias}__startswith": word})


def _word_matches(word: str) -> Q:
    return _starts_with("first", word) | _starts_with("last", word) | Q(klas=word)


def search_classmates(
    allocation_round: AllocationRound,
    enrolment: StudentEnrolment,
    query: str,
    *,
    limit: int = TEAMMATE_RESULTS,
) -> tuple[list[Classmate], bool]:
    """At most `limit` classmates whose first or last name starts with each word of `query` (or
    whose class it is), by first name, and whether there are more. Nothing for a query shorter
    than TEAMMATE_MIN_QUERY characters: no browsing the class list. Three small queries (one per
    index, each at most limit + 1 rows), plus the round's schools and programmes."""
    words = [w for w in query.upper().split() if w.isprintable()][:3]
    if len(query.strip()) < TEAMMATE_MIN_QUERY or not words:
        return [], False
    classmates = _classmate_enrolments(allocation_round, enrolment).alias(
        first=Upper("student__first_name"),
        last=Upper("student__last_name"),
        klas=Upper("class_code"),
    )
    for word in words[1:]:
        classmates = classmates.filter(_word_matches(word))
    lead = words[0]
    found: dict[int, tuple[tuple[str, str, int], Classmate]] = {}
    for condition, order in (
        (_starts_with("first", lead), ("first", "last", "student_id")),
        (_starts_with("last", lead), ("last", "first", "student_id")),
        (Q(klas=lead), ("first", "last", "student_id")),
    ):
        rows = _classmate_rows(classmates.filter(condition).order_by(*order)[: limit + 1])
        found.update((classmate.pk, (key, classmate)) for key, classmate in rows)
    ordered = [classmate for _key, classmate in sorted(found.values(), key=lambda kc: kc[0])]
    return ordered[:limit], len(ordered) > limit


def classmates_by_id(
    allocation_round: AllocationRound, enrolment: StudentEnrolment, ids: Sequence[int]
) -> list[Classmate]:
    """The named teammates that are classmates in this round, in the given order (one query);
    ids of anyone else are left out."""
    if not ids:
        return []
    found = {
        classmate.pk: classmate
        for _key, classmate in _classmate_rows(
            _classmate_enrolments(allocation_round, enrolment).filter(student_id__in=list(ids))
        )
    }
    return [found[pk] for pk in ids if pk in found]
