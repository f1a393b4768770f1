"""The access log for a school's privacy officer: every sensitive read of their students' data
(care notes, exports, full records opened by staff), newest first, a page at a time.

Bounded: one page of rows (with reader, student and enrolment joined), the readers' roles at the
school in one query, and the page count in one: three queries whatever the page size (the
officer's schools are a subquery)."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import (
    Membership,
    PersonalDataRead,
    PersonalDataReadKind,
    Role,
    User,
)
from backend.privacy.access import officer_schools

PAGE_SIZE = 50


@dataclass(frozen=True)
class AccessLogRow:
    read: PersonalDataRead
    # The reader's roles at the student's school ("Koppel-beheer" for Koppel's own staff).
    reader_roles: list[str]

    @property
    def student_number(self) -> str:
        enrolment = self.read.enrolment
        return enrolment.student_number if enrolment else ""


@dataclass(frozen=True)
class AccessLogPage:
    rows: list[AccessLogRow]
    page: int
    has_previous: bool
    has_next: bool
    total: int
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def next_page(self) -> int:
        return self.page + 1


def access_log_reads(
    officer: User, *, student: str = "", kind: str = ""
) -> QuerySet[PersonalDataRead]:
    """The reads the officer may see (their schools only), filtered: `student` searches the
    student's first name, last name and student number (every word must match); `kind` is a
    PersonalDataReadKind value (others are ignored)."""
    reads = PersonalDataRead.objects.filter(school__in=officer_schools(officer).values("pk"))
    for word in student.split():
        reads = reads.filter(
            Q(student__first_name__icontains=word)
            | Q(student__last_name__icontains=word)
            | Q(enrolment__student_number__icontains=word)
        )
    if kind in PersonalDataReadKind.values:
        reads = reads.filter(kind=kind)
    return reads.order_by("-read_at", "-id")


def _roles_at_schools(reads: list[PersonalDataRead]) -> dict[tuple[int, int | None], list[str]]:
    """{(reader id, school id): role labels} for the readers of these rows (one query)."""
    readers = {r.reader_id for r in reads}
    schools = {r.school_id for r in reads if r.school_id is not None}
    roles: dict[tuple[int, int | None], list[str]] = {}
    for user_id, school_id, role in (
        Membership.objects.active()
        .filter(user_id__in=readers, organisation_id__in=schools)
        .order_by("role")
        .values_list("user_id", "organisation_id", "role")
    ):
        roles.setdefault((user_id, school_id), []).append(str(Role(role).label))
    return roles


def access_log_page(
    officer: User, *, student: str = "", kind: str = "", page: int = 1, per_page: int = PAGE_SIZE
) -> AccessLogPage:
    """One page (1-based) of the officer's access log."""
    reads = access_log_reads(officer, student=student, kind=kind)
    total = reads.count()
    last_page = max(1, -(-total // per_page))
    page = min(max(1, page), last_page)
    start = (page - 1) * per_page
    rows = list(reads.select_related("reader", "student", "enrolment")[start : start + per_page])
    roles = _roles_at_schools(rows) if rows else {}
    return AccessLogPage(
        rows=[
            AccessLogRow(
                read=read,
                reader_roles=roles.get((read.reader_id, read.school_id))
                or ([str(_("Koppel-beheer"))] if read.reader.is_staff else []),
            )
            for read in rows
        ],
        page=page,
        has_previous=page > 1,
        has_next=page < last_page,
        total=total,
        filters={"student": student, "kind": kind if kind in PersonalDataReadKind.values else ""},
    )
