"""Reading a student's care notes (zorgnotities): the one way any page or API gets them.

Care notes are the most sensitive thing Koppel holds about a student. Only the student's own
coach, and the roles the school's policy names (`Organisation.care_notes_roles`), read them; every
read is recorded in the access log (backend.accounts.services.sensitive_reads)."""

import datetime as dt

from django.db import transaction

from backend.accounts.access import may_read_care_notes
from backend.accounts.models import PersonalDataReadKind, StudentEnrolment, User
from backend.accounts.services.sensitive_reads import record_sensitive_read


@transaction.atomic
def care_notes_read(
    *, enrolment: StudentEnrolment, reader: User, purpose: str, now: dt.datetime | None = None
) -> str | None:
    """The care notes of `enrolment` for `reader`, or None when they may not read them (then
    nothing is recorded). Each permitted read is recorded, also when the notes are empty: the log
    answers "who looked at this student's notes", not "who saw text". `purpose` names the page or
    API, e.g. "api:student-detail"."""
    if not may_read_care_notes(reader, enrolment):
        return None
    record_sensitive_read(
        reader=reader,
        student=enrolment.student,
        enrolment=enrolment,
        kind=PersonalDataReadKind.CARE_NOTES,
        purpose=purpose,
        now=now,
    )
    return enrolment.care_notes


@transaction.atomic
def care_notes_admin_read(*, enrolment: StudentEnrolment, reader: User) -> None:
    """Koppel staff opening the enrolment in the admin see the care notes: recorded too."""
    record_sensitive_read(
        reader=reader,
        student=enrolment.student,
        enrolment=enrolment,
        kind=PersonalDataReadKind.CARE_NOTES,
        purpose="admin",
    )
