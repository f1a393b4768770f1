"""A transactional outbox: Celery tasks recorded in the same transaction as the change they follow.

`outbox_enqueue` inserts a row inside the caller's transaction, so a rolled-back change never
sends its task and a committed change never loses it. After commit the row is published to the
broker at once; when the broker is unreachable the error is logged, the row stays pending and the
request still succeeds. The dispatcher (`outbox_dispatch_task` every minute from beat, or
`manage.py outbox_dispatch`) publishes due pending rows later with a growing backoff, and marks a
row failed after OUTBOX_MAX_ATTEMPTS attempts.

A row is marked dispatched only after the broker accepted it, so a task may arrive twice: every
task sent through the outbox must be idempotent.

Embedded mode (CELERY_TASK_ALWAYS_EAGER, no broker) runs the task in process after commit.
"""

import datetime as dt
import logging
from typing import Any

from celery import current_app as celery_app  # the project app: backend.config sets it up first
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from backend.core.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

# The dispatcher leaves a fresh row to the request that wrote it for this long.
FIRST_RETRY_AFTER = dt.timedelta(seconds=60)


def outbox_enqueue(*, task: str, kwargs: dict[str, Any]) -> OutboxMessage:
    """Record `task(**kwargs)` in the current transaction; it is published after commit.

    The queue comes from Celery's routing (CELERY_TASK_ROUTES), like any other publish."""
    now = timezone.now()
    message = OutboxMessage.objects.create(
        task=task, kwargs=kwargs, created_at=now, next_attempt_at=now + FIRST_RETRY_AFTER
    )
    transaction.on_commit(lambda: outbox_dispatch_one(message_id=message.pk))
    return message


def _eager() -> bool:
    return bool(celery_app.conf.task_always_eager)


def _send(message: OutboxMessage) -> None:
    """Publish to the broker. Fails fast (CELERY_BROKER_CONNECTION_TIMEOUT and the publish retry
    policy) so a request never hangs on a broker that is down."""
    celery_app.send_task(message.task, kwargs=message.kwargs)


def _run_in_process(message: OutboxMessage) -> None:
    celery_app.loader.import_default_modules()  # tasks are registered lazily
    celery_app.tasks[message.task].apply_async(kwargs=message.kwargs)


def _backoff(attempts: int) -> dt.timedelta:
    factor: int = 2 ** (attempts - 1)  # attempts >= 1
    return min(FIRST_RETRY_AFTER * factor, dt.timedelta(hours=1))


def _record_failure(message: OutboxMessage, error: Exception, now: dt.datetime) -> None:
    attempts = message.attempts + 1
    give_up = attempts >= settings.OUTBOX_MAX_ATTEMPTS
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=attempts,
        last_attempt_at=now,
        next_attempt_at=now + _backoff(attempts),
        last_error=repr(error)[:2000],
        status=OutboxStatus.FAILED if give_up else OutboxStatus.PENDING,
    )
    log = logger.error if give_up else logger.warning
    log(
        "outbox: publishing %s #%s failed (attempt %s): %r",
        message.task,
        message.pk,
        attempts,
        error,
    )


def _mark_dispatched(message_id: int, now: dt.datetime) -> int:
    return OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.DISPATCHED,
        dispatched_at=now,
        last_attempt_at=now,
        attempts=F("attempts") + 1,
    )


def outbox_dispatch_one(*, message_id: int, now: dt.datetime | None = None) -> bool:
    """Publish one pending row. True when published; False when the broker refused it (the row
    stays pending and is counted) or another process has it or already sent it."""
    now = now or timezone.now()
    if _eager():
        # Claimed first: the task runs outside any transaction, as a worker would run it.
        message = OutboxMessage.objects.filter(pk=message_id).first()
        if message is None or not _mark_dispatched(message_id, now):
            return False
        _run_in_process(message)
        return True
    with transaction.atomic():
        # The lock keeps the dispatcher and the request from publishing the same row at once.
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxStatus.PENDING)
            .first()
        )
        if message is None:
            return False
        try:
            _send(message)
        except Exception as exc:  # any publish error: the row stays, the caller carries on
            _record_failure(message, exc, now)
            return False
        _mark_dispatched(message_id, now)
        return True


def outbox_dispatch_pending(
    *, now: dt.datetime | None = None, limit: int = 500, due_only: bool = True
) -> int:
    """Publish pending rows that are due (every pending row with `due_only=False`); stop at the
    first failure (the broker is down, the rest would fail too). Returns how many were
    published."""
    now = now or timezone.now()
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    if due_only:
        pending = pending.filter(next_attempt_at__lte=now)
    due = pending.values_list("pk", flat=True)[:limit]
    published = 0
    for message_id in list(due):
        if outbox_dispatch_one(message_id=message_id, now=now):
            published += 1
        elif OutboxMessage.objects.filter(pk=message_id, last_attempt_at=now).exists():
            break  # this attempt failed
    return published


def outbox_requeue_failed() -> int:
    """Make failed rows pending again (after fixing the broker), to be published on the next
    dispatch."""
    now = timezone.now()
    return OutboxMessage.objects.filter(status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now
    )


def outbox_prune(*, now: dt.datetime | None = None) -> int:
    """Delete rows dispatched longer than OUTBOX_KEEP_DISPATCHED_DAYS ago; pending and failed rows
    stay until they are published or looked at. Returns how many rows were deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.OUTBOX_KEEP_DISPATCHED_DAYS)
    deleted, _ = OutboxMessage.objects.filter(
        status=OutboxStatus.DISPATCHED, dispatched_at__lt=cutoff
    ).delete()
    return deleted
