"""Thin Celery tasks: ids in, one service call, idempotent (safe to deliver twice)."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="backend.allocations.tasks.allocation_run_task")
def allocation_run_task(run_id: int) -> bool:
    from backend.allocations.services import allocation_run_execute

    return allocation_run_execute(run_id=run_id)


@shared_task(name="backend.allocations.tasks.allocation_runs_reap_task")
def allocation_runs_reap_task() -> int:
    from backend.allocations.services import allocation_runs_reap

    return len(allocation_runs_reap(now=timezone.now()))


@shared_task(name="backend.allocations.tasks.allocation_rounds_advance_task")
def allocation_rounds_advance_task() -> int:
    from backend.allocations.services import allocation_rounds_advance

    return len(allocation_rounds_advance(now=timezone.now()))


@shared_task(name="backend.allocations.tasks.allocation_choice_reminders_task")
def allocation_choice_reminders_task() -> int:
    from backend.allocations.services import allocation_choice_reminders_send

    return allocation_choice_reminders_send(now=timezone.now())
