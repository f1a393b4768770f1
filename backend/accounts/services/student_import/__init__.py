"""Import students from a school's student-system export (CSV). Format: docs/student-import.md.

Two phases: every row is validated first (including lookups against the database); only when the
whole file is right is anything written, in one transaction with bulk statements. The number of
queries does not grow with the number of rows (apart from bulk batches of BATCH_SIZE rows).
"""

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.access import require_may_import_students
from backend.accounts.models import StudentEnrolment, User
from backend.accounts.services.student_import.checks import check_against_database, check_duplicates
from backend.accounts.services.student_import.parsing import parse_row, read_rows
from backend.accounts.services.student_import.types import (
    ImportResult,
    RowError,
    StudentImportError,
)
from backend.accounts.services.student_import.writing import write_rows
from backend.core.errors import ApplicationError

if TYPE_CHECKING:
    from backend.organisations.models import Organisation

__all__ = [
    "ImportResult",
    "RowError",
    "StudentImportError",
    "students_import",
]


def students_import(
    *,
    school: "Organisation",
    content: bytes | str,
    actor: User | None,
    today: dt.date,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Import or update the students in `content` (a CSV export) for `school`.

    Students are matched on school + studentnummer: a known number updates that student, a new one
    creates a login (without password), a student membership and the enrolment. The import only
    ever changes logins that are students of `school` and nothing else: a login of staff, a
    superuser, or anyone with a (past) membership or enrolment elsewhere is refused with one
    neutral message. A student login of this school without enrolment is linked rather than
    duplicated. A new e-mail address for a known student is not applied: the old address gets a
    link to confirm it (docs/student-import.md). A student who left this school and is listed
    again is reactivated. Students missing from the file are left alone.

    All-or-nothing: raises StudentImportError listing every bad row ("rij 14, kolom crebo: onbekend
    crebonummer 99999") and writes nothing. `actor=None` is an operator on the command line;
    otherwise see `accounts.access.may_import_students`. `now` defaults to the current time.
    """
    if actor is not None:
        require_may_import_students(actor, school)
    if not school.is_school:
        raise ApplicationError(_("%(name)s is geen school.") % {"name": school.name})
    _header, raw_rows = read_rows(content)
    rows = [parse_row(number, cells, today=today) for number, cells in raw_rows]
    if not rows:
        raise StudentImportError([RowError(2, "-", _("het bestand bevat geen studenten"))])
    check_duplicates(rows)
    with transaction.atomic():
        existing = {
            enrolment.student_number: enrolment
            for enrolment in StudentEnrolment.objects.select_for_update(of=("self",))
            .select_related("student")
            .filter(school=school, student_number__in={row.student_number for row in rows})
        }
        check_against_database(rows, school, existing)
        errors = [error for row in rows for error in row.errors]
        if errors:
            raise StudentImportError(errors)
        return write_rows(rows, school, existing, actor=actor, now=now or timezone.now())
