"""Beat task (schedule in backend/config/settings.py)."""

from celery import shared_task
from django.utils import timezone

from backend.privacy.services.retention import apply_retention_everywhere


@shared_task
def apply_retention_daily() -> int:
    """Every school's retention periods, counted back from now. Idempotent: a second run the
    same day finds nothing left to remove. Returns the number of schools that ran."""
    return len(apply_retention_everywhere(as_of=timezone.now()))
