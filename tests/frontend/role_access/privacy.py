"""Access table for the privacy pages (frontend/urls_privacy.py, issue 14): the student's own
privacy page, data and requests are the student's; everything under /privacy/ is for the school's
privacy officer (Fenna at Vista) only. Companies, teachers and coordinators get 403."""

import datetime as dt

from django.utils import timezone

from backend.accounts.models import ConsentPurpose
from backend.privacy.models import DataRequest, RequestKind, RetentionRun
from tests.frontend.role_access import PRIVACY, STUDENT, Page


def _request(cast):
    now = timezone.now()
    request = DataRequest.objects.create(
        school=cast.vista,
        subject=cast.sanne,
        kind=RequestKind.ERASURE,
        submitted_by=cast.sanne,
        submitted_at=now,
        due_on=(now + dt.timedelta(days=30)).date(),
    )
    return {"pk": request.pk}


def _run(cast):
    now = timezone.now()
    run = RetentionRun.objects.create(
        school=cast.vista, dry_run=True, started_at=now, finished_at=now, as_of=now
    )
    return {"pk": run.pk}


PAGES = {
    "frontend:my-privacy": Page(STUDENT),
    "frontend:my-consent-change": Page(
        STUDENT, kwargs=lambda cast: {"purpose": ConsentPurpose.EVENT_PHOTOS}
    ),
    "frontend:my-data": Page(STUDENT),
    "frontend:my-data-json": Page(STUDENT),
    "frontend:my-request-new": Page(STUDENT),
    "frontend:privacy-home": Page(PRIVACY),
    "frontend:privacy-register": Page(PRIVACY),
    "frontend:privacy-students": Page(PRIVACY),
    "frontend:privacy-student-data": Page(PRIVACY, kwargs=lambda cast: {"pk": cast.sanne.pk}),
    "frontend:privacy-student-data-json": Page(PRIVACY, kwargs=lambda cast: {"pk": cast.sanne.pk}),
    "frontend:privacy-requests": Page(PRIVACY),
    "frontend:privacy-request": Page(PRIVACY, kwargs=_request),
    "frontend:privacy-request-erase": Page(PRIVACY, kwargs=_request),
    "frontend:privacy-access-log": Page(PRIVACY),
    "frontend:privacy-retention": Page(PRIVACY),
    "frontend:privacy-retention-dry-run": Page(PRIVACY),
    "frontend:privacy-retention-run": Page(PRIVACY, kwargs=_run),
}
