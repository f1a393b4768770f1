"""Periodic engagement work (schedules in backend/config/settings.py). Each task is one service
call, idempotent: running it twice sends nothing twice (dedupe keys on the notifications)."""

from celery import shared_task
from django.utils import timezone

from backend.engagement.services.digests import partner_digests_send
from backend.engagement.services.events import event_follow_ups_due
from backend.engagement.services.meetings import meeting_reminders_send


@shared_task
def partner_digests_task() -> int:
    return partner_digests_send(now=timezone.now())


@shared_task
def event_follow_up_task() -> int:
    return event_follow_ups_due(now=timezone.now())


@shared_task
def meeting_reminders_task() -> int:
    return meeting_reminders_send(now=timezone.now())
