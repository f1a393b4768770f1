"""Access table for the students' feedback on an activity (issue 15): the student gives it on an
activity they were placed on; the company that owns the offer and the staff of the schools it
was submitted to read the aggregate. Everyone else gets 403 (wrong role). Eva (Pixelfabriek) and
Peters (Gilde) have the role but not the offer: tests/frontend/learning/test_activity_feedback_pages.py
checks they get 404."""

import datetime as dt

from django.utils import timezone

from tests.backend.learning.factories import placement
from tests.frontend.role_access import COMPANY, STAFF, STUDENT, Page


def _ended(cast):
    today = timezone.localdate()
    ended = placement(
        cast, starts_on=today - dt.timedelta(days=60), ends_on=today - dt.timedelta(days=3)
    )
    return {"offer_pk": ended.offer.pk}


def _offer(cast):
    return {"offer_pk": placement(cast).offer.pk}


PAGES = {
    "frontend:activity-feedback": Page(STUDENT, kwargs=_ended),
    "frontend:offer-student-feedback": Page(COMPANY | STAFF, kwargs=_offer),
}
