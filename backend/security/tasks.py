"""Beat task (schedule in backend/config/settings.py)."""

from celery import shared_task
from django.utils import timezone

from backend.security.services import security_records_prune


@shared_task
def security_records_prune_task() -> int:
    return security_records_prune(now=timezone.now())
