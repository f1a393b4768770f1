"""Thin Celery tasks of the core: ids in, one service call, idempotent."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="backend.core.tasks.outbox_dispatch_task")
def outbox_dispatch_task() -> int:
    """Scheduled by beat every minute; its run is also beat's sign of life for /healthz/."""
    from backend.core.health import beat_tick
    from backend.core.outbox import outbox_dispatch_pending

    now = timezone.now()
    beat_tick(now=now)
    return outbox_dispatch_pending(now=now)


@shared_task(name="backend.core.tasks.outbox_prune_task")
def outbox_prune_task() -> int:
    """Daily: forget published outbox rows and sent mails once nobody needs them for support."""
    from backend.core.mail import outgoing_mail_prune
    from backend.core.outbox import outbox_prune

    now = timezone.now()
    return outbox_prune(now=now) + outgoing_mail_prune(now=now)


@shared_task(
    name="backend.core.tasks.outgoing_mail_send_task",
    autoretry_for=(OSError,),  # smtplib's errors included
    retry_backoff=True,
    max_retries=5,
)
def outgoing_mail_send_task(mail_id: int) -> bool:
    from backend.core.mail import outgoing_mail_send

    return outgoing_mail_send(mail_id=mail_id)
