"""Access table for the driehoekgesprekken pages (issue 15): the list for every role that can
take part (each sees only their own series), planning for school staff, a series and its
conversations for its three participants only. The series is Sanne's, with De Vries as coach and
Jan as mentor: Bos, a coordinator of the same school who is not among the three, gets a 404."""

import datetime as dt

from django.utils import timezone

from backend.learning.services.triads import triad_series_start
from tests.backend.learning.factories import placement
from tests.frontend.role_access import COMPANY, STAFF, STUDENT, TEACHER, Page


def _series(cast):
    now = timezone.now()
    today = timezone.localdate(now)
    offer = placement(cast).offer
    return triad_series_start(
        actor=cast.devries,
        student=cast.sanne,
        offer=offer,
        mentor=cast.jan,
        interval_days=14,
        first_on=today,
        last_on=today + dt.timedelta(days=28),
        now=now,
    )


def _detail(cast):
    return {"pk": _series(cast).pk}


def _conversation(cast):
    return {"pk": _series(cast).conversations.order_by("planned_on").first().pk}


PARTICIPANTS = STUDENT | TEACHER | COMPANY

PAGES = {
    "frontend:triad-list": Page(STUDENT | STAFF | COMPANY),
    "frontend:triad-new": Page(STAFF),
    # The privacy officer gets 403 (no role for these pages), Bos 404 (not one of the three).
    "frontend:triad-detail": Page(PARTICIPANTS, kwargs=_detail, refused=(403, 404)),
    "frontend:triad-conversation": Page(PARTICIPANTS, kwargs=_conversation, refused=(403, 404)),
}
