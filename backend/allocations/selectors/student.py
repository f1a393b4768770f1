"""What a student sees: the challenges open to them (and why they fit), their choices, result."""

import datetime as dt
from dataclasses import dataclass, field

from backend.accounts.models import StudentEnrolment, User
from backend.allocations import engine_adapter
from backend.allocations.engine_adapter import ChallengeRecord, StudentRecord
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    Choice,
    ChoiceList,
    Objection,
    Phase,
)
from backend.allocations.selectors.snapshot import challenge_records, student_records
from backend.curriculum.models import Werkproces
from backend.offers.models import Offer


@dataclass
class OpenChallenge:
    offer: Offer
    capacity: int
    eligible: bool
    why_not: dict | None
    # (code, title) of the student's open werkprocessen this challenge works on
    fits: list[tuple[str, str]] = field(default_factory=list)


def student_record(
    round: AllocationRound, enrolment: StudentEnrolment, *, today: dt.date
) -> StudentRecord:
    enrolments = StudentEnrolment.objects.filter(pk=enrolment.pk)
    return student_records(round, enrolments, today=today)[0]


def challenges_for_student(
    round: AllocationRound,
    enrolment: StudentEnrolment,
    *,
    today: dt.date,
    include_ineligible: bool = False,
) -> list[OpenChallenge]:
    """The round's challenges this student may choose, each with the open werkprocessen it covers
    (matching codes + titles), best fit first. A fixed number of queries."""
    me = student_record(round, enrolment, today=today)
    records = {c.offer_id: c for c in challenge_records(round)}
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


def choice_list_for(round: AllocationRound, student: User) -> ChoiceList | None:
    return (
        ChoiceList.objects.filter(round=round, student=student)
        .prefetch_related("teammates")
        .first()
    )


def choices_for(round: AllocationRound, student: User) -> list[Choice]:
    return list(
        Choice.objects.filter(choice_list__round=round, choice_list__student=student)
        .select_related("offer__owner")
        .order_by("position")
    )


def classmates_for(round: AllocationRound, enrolment: StudentEnrolment):
    """Students of the same school in this round who can be named as teammates."""
    from backend.allocations.selectors.access import round_enrolments

    return (
        User.objects.filter(
            pk__in=round_enrolments(round)
            .filter(school_id=enrolment.school_id)
            .values("student_id")
        )
        .exclude(pk=enrolment.student_id)
        .order_by("first_name", "last_name")
    )


@dataclass
class StudentResult:
    assignment: Assignment | None
    explanation: dict | None
    team: list[dict]
    objection: Objection | None
    can_object: bool


def result_for_student(
    round: AllocationRound, student: User, *, now: dt.datetime
) -> StudentResult | None:
    """The student's published assignment, its explanation and team; None before publication."""
    if round.phase not in (Phase.PUBLISHED, Phase.OBJECTIONS, Phase.CLOSED):
        return None
    from backend.allocations.selectors.review import explanation_for_student, team_of

    assignment = (
        Assignment.objects.filter(round=round, student=student)
        .select_related("offer__owner")
        .first()
    )
    objection = (
        Objection.objects.filter(round=round, student=student).order_by("-created_at").first()
    )
    return StudentResult(
        assignment=assignment,
        explanation=explanation_for_student(round, student, assignment=assignment),
        team=team_of(round, assignment.offer_id) if assignment else [],
        objection=objection,
        can_object=round.phase == Phase.PUBLISHED
        and now < round.objections_close_at
        and (objection is None or objection.status != "open"),
    )
