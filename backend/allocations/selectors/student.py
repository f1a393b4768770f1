"""What a student sees: the challenges open to them (and why they fit), their choices, result."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from backend.accounts.models import StudentEnrolment, User
from backend.allocations import engine_adapter
from backend.allocations.engine_adapter import ChallengeRecord, StudentRecord
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    Choice,
    ChoiceList,
    Objection,
)
from backend.allocations.selectors.access import round_enrolments
from backend.allocations.selectors.review import explanation_for_student, team_of
from backend.allocations.selectors.snapshot import challenge_records, student_records
from backend.curriculum.models import Werkproces
from backend.offers.models import Offer


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


def classmates_for(
    allocation_round: AllocationRound, enrolment: StudentEnrolment
) -> QuerySet[User]:
    """Students of the same school in this round who can be named as teammates."""
    return (
        User.objects.filter(
            pk__in=round_enrolments(allocation_round)
            .filter(school_id=enrolment.school_id)
            .values("student_id")
        )
        .exclude(pk=enrolment.student_id)
        .order_by("first_name", "last_name")
    )


@dataclass
class StudentResult:
    assignment: Assignment | None
    explanation: dict[str, Any]
    team: list[dict[str, Any]]
    objection: Objection | None
    can_object: bool


def result_for_student(
    allocation_round: AllocationRound, student: User, *, now: dt.datetime
) -> StudentResult | None:
    """The student's published assignment, its explanation and team; None before publication."""
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
    return StudentResult(
        assignment=assignment,
        explanation=explanation_for_student(allocation_round, student, assignment=assignment),
        team=team_of(allocation_round, assignment.offer_id) if assignment else [],
        objection=objection,
        can_object=allocation_round.objecting_is_open(now)
        and (objection is None or not objection.is_open),
    )
