"""Producing a person's export (AVG art. 15 and 20) and recording it in the access log.

A student downloading their own data is not a sensitive read of someone else's data: nothing is
recorded. Anyone else (the school's privacy officer answering a request) is recorded as a
PersonalDataRead of kind EXPORT, with the page or API they used and, when given, why."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import PersonalDataReadKind, User
from backend.accounts.services.sensitive_reads import record_sensitive_read
from backend.core.errors import PermissionDenied
from backend.privacy.selectors.export import PersonalData, officer_student, personal_data_of


@transaction.atomic
def export_for(
    *,
    subject: User,
    reader: User,
    purpose: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> PersonalData:
    """Everything Koppel holds about `subject`, for `reader`: the subject themselves or a privacy
    officer of the subject's school (anyone else: PermissionDenied, nothing recorded). An
    officer's export is recorded with `purpose` (the page or API, e.g.
    "frontend:privacy-student-data") and `reason` (e.g. "verzoek om inzage #12")."""
    now = now or timezone.now()
    if reader.pk != subject.pk:
        if officer_student(reader, subject.pk) is None:
            raise PermissionDenied(_("U mag de gegevens van deze persoon niet inzien."))
        record_sensitive_read(
            reader=reader,
            student=subject,
            kind=PersonalDataReadKind.EXPORT,
            purpose=purpose,
            reason=reason.strip(),
            now=now,
        )
    return personal_data_of(subject, now=now)
