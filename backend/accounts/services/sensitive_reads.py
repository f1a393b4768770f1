"""The record of sensitive reads (the access log, AVG accountability): every view of a care note,
every export of a person's data and every opening of a student's full record by staff is written
here, one row per read: who, when, whose, what, through which page or API, and why when asked.

The log is append-only (backend/accounts/models.py refuses changes in the app; on PostgreSQL the
trigger of migration 0011 refuses them for every client). The one way rows leave it is retention:
`purge_reads` removes rows read before a cut-off, inside `access_log_maintenance()`, the documented
switch `SET LOCAL koppel.privacy_log_maintenance = 'on'`."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from backend.accounts.models import (
    PersonalDataRead,
    PersonalDataReadKind,
    StudentEnrolment,
    User,
)

# The name the trigger checks; SET LOCAL ends with the transaction.
MAINTENANCE_SETTING = "koppel.privacy_log_maintenance"


def record_sensitive_read(
    *,
    reader: User,
    student: User,
    kind: PersonalDataReadKind | str,
    purpose: str,
    reason: str = "",
    enrolment: StudentEnrolment | None = None,
    now: dt.datetime | None = None,
) -> PersonalDataRead:
    """Record that `reader` read `student`'s data of `kind` through `purpose` (a page or API
    name, e.g. "api:student-detail", "admin:accounts_user_change"). The school whose privacy
    officer sees the row is the student's enrolment's school (none for a person without one)."""
    if enrolment is None:
        enrolment = (
            StudentEnrolment.objects.filter(student_id=student.pk).only("pk", "school_id").first()
        )
    return PersonalDataRead.objects.create(
        reader=reader,
        student=student,
        school_id=enrolment.school_id if enrolment else None,
        enrolment=enrolment,
        kind=kind,
        purpose=purpose[:100],
        reason=reason[:300],
        read_at=now or timezone.now(),
    )


@contextmanager
def access_log_maintenance() -> Iterator[None]:
    """A transaction in which the database lets rows of the access log be deleted (retention,
    a data-protection order). Use only for removing rows past their period or for erasure.

    Inside an outer transaction this is a savepoint, and SET LOCAL would last until the OUTER
    transaction ends: so the switch is turned off again on the way out (on an error the
    savepoint's rollback undoes it)."""
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL {MAINTENANCE_SETTING} = 'on'")
        yield
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL {MAINTENANCE_SETTING} = 'off'")


def purge_reads(*, before: dt.datetime, school_id: int | None = None) -> int:
    """Retention: remove the access log rows read before `before` (of one school when
    `school_id` is given). Returns how many rows were removed. The only delete the app allows."""
    reads = PersonalDataRead.objects.filter(read_at__lt=before)
    if school_id is not None:
        reads = reads.filter(school_id=school_id)
    with access_log_maintenance():
        # _raw_delete: one DELETE statement, no signals, past the QuerySet's own refusal.
        return reads._raw_delete(reads.db)
