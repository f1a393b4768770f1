"""Beat tasks (schedule in backend/config/settings.py). Thin: one service call each, idempotent."""

from celery import shared_task
from django.utils import timezone

from backend.agreements.services import (
    agreements_advance,
    commitment_escalate_overdue,
    commitment_send_reminders,
)


@shared_task
def commitment_reminders_task() -> int:
    return commitment_send_reminders(now=timezone.now())


@shared_task
def commitment_escalations_task() -> int:
    return commitment_escalate_overdue(now=timezone.now())


@shared_task
def agreements_expire_task() -> dict[str, int]:
    return agreements_advance(now=timezone.now())
