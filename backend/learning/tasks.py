"""Beat tasks of the learning loop (schedule in backend/config/settings.py). Thin: one service
call each; every service is idempotent, so a task that runs twice sends nothing twice."""

from celery import shared_task
from django.utils import timezone

from backend.learning.services.activity_feedback import activity_feedback_invite
from backend.learning.services.company_feedback import (
    company_feedback_open_due,
    company_feedback_remind,
)
from backend.learning.services.triads import triad_missed_alert


@shared_task
def company_feedback_task() -> dict[str, int]:
    """Open the feedback moments that arrived and remind companies of the ones still open."""
    now = timezone.now()
    opened = company_feedback_open_due(now=now)
    reminded = company_feedback_remind(now=now)
    return {"opened": opened, "reminded": reminded}


@shared_task
def activity_feedback_invite_task() -> int:
    """Ask students whose activity ended for their feedback on it (once per activity)."""
    return activity_feedback_invite(now=timezone.now())


@shared_task
def triad_missed_alert_task() -> int:
    """Alert the coach about driehoekgesprekken that were planned but not recorded as held."""
    return triad_missed_alert(now=timezone.now())
