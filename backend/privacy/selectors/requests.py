"""Reads for the requests of AVG art. 15-17 and 20: a student's own requests, the queue of a
school's privacy officer, and what an erasure would do to a person (the confirmation page)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from backend.accounts.models import Membership, Role, StudentEnrolment, User
from backend.privacy import register
from backend.privacy.access import officer_schools
from backend.privacy.models import DataRequest, RequestKind, RequestStatus

# The officer's list filters (the page's tabs), besides "all".
OPEN, OVERDUE, CLOSED = "open", "overdue", "closed"
QUEUE_FILTERS = (OPEN, OVERDUE, CLOSED)


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def requests_for_subject(user: User) -> QuerySet[DataRequest]:
    """The person's own requests, newest first."""
    return DataRequest.objects.filter(subject=user).select_related("school")


def open_request_of_kind(user: User, kind: str) -> DataRequest | None:
    return requests_for_subject(user).filter(kind=kind, status=RequestStatus.SUBMITTED).first()


def requests_for_officer(
    user: User, status: str | None = None, *, now: dt.datetime | None = None
) -> QuerySet[DataRequest]:
    """The requests of the officer's schools: overdue first, then open ones by due date, then
    closed ones, newest first. `status`: None (all), "open", "overdue", "closed", or a
    RequestStatus value."""
    today = _today(now)
    overdue = Q(status=RequestStatus.SUBMITTED, due_on__lt=today)
    requests = DataRequest.objects.filter(school__in=officer_schools(user))
    if status == OPEN:
        requests = requests.filter(status=RequestStatus.SUBMITTED)
    elif status == OVERDUE:
        requests = requests.filter(overdue)
    elif status == CLOSED:
        requests = requests.exclude(status=RequestStatus.SUBMITTED)
    elif status:
        requests = requests.filter(status=status)
    return (
        requests.select_related("school", "subject", "handled_by")
        .annotate(
            queue_rank=Case(
                When(overdue, then=Value(0)),
                When(status=RequestStatus.SUBMITTED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("queue_rank", "due_on", "-submitted_at", "-id")
    )


def request_for_officer(user: User, pk: int) -> DataRequest:
    """One request of the officer's schools; Http404 for anything else (another school's request
    looks the same as one that does not exist)."""
    return get_object_or_404(requests_for_officer(user), pk=pk)


def is_overdue(request: DataRequest, *, now: dt.datetime | None = None) -> bool:
    return request.status == RequestStatus.SUBMITTED and request.due_on < _today(now)


@dataclass(frozen=True)
class SubjectSummary:
    """What the school holds to identify the person of a request (for the officer)."""

    name: str
    email: str
    enrolment: StudentEnrolment | None
    is_erased: bool


def subject_summary(request: DataRequest) -> SubjectSummary:
    subject = request.subject
    enrolment = (
        StudentEnrolment.objects.filter(student=subject, school_id=request.school_id)
        .select_related("kwalificatie", "coach", "school")
        .first()
    )
    return SubjectSummary(
        name=subject.get_full_name() or subject.email,
        email=subject.email,
        enrolment=enrolment,
        is_erased=is_erased(subject),
    )


def is_erased(person: User) -> bool:
    return person.email == erased_email(person)


def erased_email(person: User) -> str:
    return f"erased-{person.pk}@invalid"


def pseudonym(person: User) -> str:
    """What replaces the person's name, e-mail and student number in texts about others."""
    return f"Verwijderde persoon #{person.pk}"


def has_work_account() -> Q:
    """People erasure never reaches through a student's request or retention: Koppel's own staff
    and anyone with an active role other than student (an officer, a teacher, a company contact
    who also has an enrolment). Erasing them would end their work account as well."""
    return (
        Q(is_staff=True)
        | Q(is_superuser=True)
        | Q(pk__in=Membership.objects.active().exclude(role=Role.STUDENT).values("user_id"))
    )


def may_be_erased_for(request: DataRequest) -> bool:
    """An erasure request of a student of the request's school (never a company contact or
    staff member through a student's request), still open."""
    return (
        request.kind == RequestKind.ERASURE
        and request.status == RequestStatus.SUBMITTED
        and StudentEnrolment.objects.filter(
            student_id=request.subject_id, school_id=request.school_id
        )
        .exclude(student__in=User.objects.filter(has_work_account()))
        .exists()
    )


# --- The erasure plan ----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    label: str  # "accounts.StudentEnrolment"
    name: str  # the model's verbose name (plural)
    erasure: str  # register.Erasure value
    count: int
    keep_reason: str = ""


@dataclass(frozen=True)
class ErasurePlan:
    person_id: int
    rows: tuple[PlanRow, ...]  # only models with rows about the person

    def count(self, erasure: str) -> int:
        return sum(row.count for row in self.rows if row.erasure == erasure)

    @property
    def deleted(self) -> int:
        return self.count(register.Erasure.DELETE)

    @property
    def pseudonymised(self) -> int:
        return self.count(register.Erasure.PSEUDONYMISE)

    @property
    def kept(self) -> int:
        return self.count(register.Erasure.KEEP)


def rows_about(declaration: register.ModelDeclaration, person: User) -> QuerySet[Any]:
    """The rows of a declared model whose subjects include the person (none without subjects).
    The base manager: append-only logs refuse writes through their default managers, and rows
    hidden by a custom default manager are still about the person."""
    manager: Any = apps.get_model(declaration.label)._base_manager
    if not declaration.subjects:
        return cast("QuerySet[Any]", manager.none())
    rows = manager.filter(register.subject_filter(declaration, person)).distinct()
    return cast("QuerySet[Any]", rows)


def erasure_plan(person: User) -> ErasurePlan:
    """Per declared model: how many rows about the person erasure would delete, pseudonymise or
    keep (with the reason the school keeps them). One count query per model with subjects."""
    rows = []
    for declaration in register.declarations():
        if not declaration.subjects:
            continue
        count = rows_about(declaration, person).count()
        if not count:
            continue
        model = apps.get_model(declaration.label)
        rows.append(
            PlanRow(
                label=declaration.label,
                name=str(model._meta.verbose_name_plural),
                erasure=str(declaration.erasure),
                count=count,
                keep_reason=str(declaration.keep_reason),
            )
        )
    return ErasurePlan(person_id=person.pk, rows=tuple(rows))
