"""What coaches and teachers see across their students: the class overview (open werkprocessen,
validations waiting, company feedback still open, sorted by the nearest exam or BPV date), the
company feedback that has not come in, and the counts on their dashboard. Also the company's
one count on its dashboard (feedback asked for how many students).

Every list is read in a fixed number of queries, whatever the number of students."""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, DateField, F, Min, Q, QuerySet, When
from django.db.models.functions import Coalesce, Least

from backend.accounts.models import StudentEnrolment, User
from backend.accounts.selectors import (
    company_ids,
    open_werkproces_codes_for_students,
    staff_school_ids,
)
from backend.learning.models import CompanyFeedback, ReviewStatus, SelfAssessment

PAGE_SIZE = 50


class NextDateKind:
    EXAM = "exam"
    BPV = "bpv"


@dataclass(frozen=True)
class StudentRow:
    enrolment: StudentEnrolment
    next_on: dt.date | None
    next_kind: str  # NextDateKind or "" when no date lies ahead
    open_werkprocessen: int
    pending_validations: int
    open_feedback: int
    overdue_feedback: int

    @property
    def student(self) -> User:
        return self.enrolment.student

    @property
    def next_is_exam(self) -> bool:
        return self.next_kind == NextDateKind.EXAM


@dataclass(frozen=True)
class ClassOverview:
    rows: list[StudentRow]
    page: "Page[StudentEnrolment]"
    classes: list[str]
    class_code: str
    mine: bool

    @property
    def count(self) -> int:
        return self.page.paginator.count


def _upcoming(field: str, today: dt.date) -> Case:
    return Case(
        When(**{f"{field}__gte": today}, then=F(field)), default=None, output_field=DateField()
    )


def _enrolments(
    user: User, *, class_code: str, mine: bool, today: dt.date
) -> QuerySet[StudentEnrolment]:
    """The user's schools' enrolments, the nearest exam or BPV date (today or later) first and
    those without one last. LEAST ignores NULL on PostgreSQL but not on SQLite, hence the
    COALESCEs: each side falls back on the other, so only two NULLs give NULL."""
    queryset = StudentEnrolment.objects.filter(school_id__in=staff_school_ids(user))
    if class_code:
        queryset = queryset.filter(class_code__iexact=class_code)
    if mine:
        queryset = queryset.filter(coach_id=user.pk)
    exam, bpv = "exam_on", "bpv_starts_on"
    next_on = Least(
        Coalesce(_upcoming(exam, today), _upcoming(bpv, today)),
        Coalesce(_upcoming(bpv, today), _upcoming(exam, today)),
        output_field=DateField(),
    )
    return (
        queryset.select_related("student", "kwalificatie", "coach")
        .annotate(next_exam=_upcoming(exam, today), next_on=next_on)
        .order_by(
            F("next_on").asc(nulls_last=True),
            "class_code",
            "student__last_name",
            "student__first_name",
            "pk",
        )
    )


def _class_codes(user: User) -> list[str]:
    return list(
        StudentEnrolment.objects.filter(school_id__in=staff_school_ids(user))
        .exclude(class_code="")
        .values_list("class_code", flat=True)
        .distinct()
        .order_by("class_code")
    )


def _pending_validations(student_ids: list[int]) -> dict[int, int]:
    return dict(
        SelfAssessment.objects.filter(student_id__in=student_ids, status=ReviewStatus.SUBMITTED)
        .values("student_id")
        .annotate(n=Count("pk"))
        .values_list("student_id", "n")
    )


def _open_feedback(student_ids: list[int], today: dt.date) -> dict[int, tuple[int, int]]:
    rows = (
        CompanyFeedback.objects.filter(student_id__in=student_ids, submitted_at__isnull=True)
        .values("student_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
        .values_list("student_id", "n", "late")
    )
    return {student_id: (n, late) for student_id, n, late in rows}


def _next_kind(enrolment: StudentEnrolment) -> str:
    next_on = getattr(enrolment, "next_on", None)
    if next_on is None:
        return ""
    return (
        NextDateKind.EXAM if next_on == getattr(enrolment, "next_exam", None) else NextDateKind.BPV
    )


def class_overview(
    user: User, *, class_code: str = "", mine: bool = False, today: dt.date, page: int = 1
) -> ClassOverview:
    """The students of the user's staff schools, one page at a time (see `_enrolments` for the
    order), each with their open werkprocessen (validated evidence only), self-assessments
    waiting for validation and company feedback still open. `class_code` keeps one class (any
    case), `mine` only the students the user coaches. Ten queries (one of them the user's
    memberships, unless already read), whatever the number of
    students or evidence."""
    class_code = class_code.strip()
    paginator = Paginator(
        _enrolments(user, class_code=class_code, mine=mine, today=today), PAGE_SIZE
    )
    current = paginator.get_page(page)
    enrolments: list[StudentEnrolment] = list(current.object_list)
    ids = [e.student_id for e in enrolments]
    open_codes = open_werkproces_codes_for_students(ids) if ids else {}
    pending = _pending_validations(ids) if ids else {}
    feedback = _open_feedback(ids, today) if ids else {}
    rows = [
        StudentRow(
            enrolment=e,
            next_on=getattr(e, "next_on", None),
            next_kind=_next_kind(e),
            open_werkprocessen=len(open_codes.get(e.student_id, ())),
            pending_validations=pending.get(e.student_id, 0),
            open_feedback=feedback.get(e.student_id, (0, 0))[0],
            overdue_feedback=feedback.get(e.student_id, (0, 0))[1],
        )
        for e in enrolments
    ]
    return ClassOverview(
        rows=rows, page=current, classes=_class_codes(user), class_code=class_code, mine=mine
    )


def missing_feedback(user: User, *, mine: bool = False) -> QuerySet[CompanyFeedback]:
    """Company feedback that has not come in yet for students of the user's staff schools, the
    most overdue first (earliest due date); `mine` keeps the user's own coachees. With the
    student (and their class), the offer, its company and contact."""
    queryset = CompanyFeedback.objects.filter(
        submitted_at__isnull=True, student__enrolment__school_id__in=staff_school_ids(user)
    )
    if mine:
        queryset = queryset.filter(student__enrolment__coach_id=user.pk)
    return queryset.select_related("student__enrolment", "offer__owner", "offer__contact").order_by(
        "due_on", "student__last_name", "student__first_name", "pk"
    )


# --- dashboard counts ---------------------------------------------------------------------------


def pending_validation_count(user: User) -> int:
    """Self-assessments of the user's schools' students that wait for validation."""
    schools = staff_school_ids(user)
    if not schools:
        return 0
    return SelfAssessment.objects.filter(
        status=ReviewStatus.SUBMITTED, student__enrolment__school_id__in=schools
    ).count()


def overdue_feedback_count(user: User, *, today: dt.date) -> int:
    """Students of the user's schools whose company feedback is past its date."""
    schools = staff_school_ids(user)
    if not schools:
        return 0
    return (
        CompanyFeedback.objects.filter(
            submitted_at__isnull=True,
            due_on__lt=today,
            student__enrolment__school_id__in=schools,
        )
        .values("student_id")
        .distinct()
        .count()
    )


@dataclass(frozen=True)
class FeedbackRequests:
    students: int
    first_due_on: dt.date | None


def feedback_requested_from_company(user: User) -> FeedbackRequests:
    """For a company contact: how many students of their company's activities wait for their
    feedback, and the earliest date it is due. One query."""
    companies = company_ids(user)
    if not companies:
        return FeedbackRequests(students=0, first_due_on=None)
    totals = CompanyFeedback.objects.filter(
        submitted_at__isnull=True, offer__owner_id__in=companies
    ).aggregate(students=Count("student_id", distinct=True), first_due_on=Min("due_on"))
    return FeedbackRequests(students=totals["students"], first_due_on=totals["first_due_on"])
