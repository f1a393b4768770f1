"""A privacy request as the tests need it, without going through the service (which checks who
may ask and notifies the officers)."""

import datetime as dt

from django.utils import timezone

from backend.privacy.models import DataRequest, RequestKind, RequestStatus


def data_request(
    school,
    subject,
    *,
    kind=RequestKind.ERASURE,
    due_in=30,
    status=RequestStatus.SUBMITTED,
    **fields,
) -> DataRequest:
    """`subject`'s request at `school`, submitted now and due in `due_in` days (negative:
    overdue); a closed status gets its handled_at."""
    now = timezone.now()
    fields.setdefault("handled_at", None if status == RequestStatus.SUBMITTED else now)
    return DataRequest.objects.create(
        school=school,
        subject=subject,
        kind=kind,
        submitted_by=subject,
        submitted_at=now,
        due_on=timezone.localdate(now) + dt.timedelta(days=due_in),
        status=status,
        **fields,
    )
