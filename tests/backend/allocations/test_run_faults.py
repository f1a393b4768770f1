"""Runs survive broker and worker failures: a run started while the broker is down is kept and
runs once it is back; a run whose worker died is failed by the reaper with a reason the
coordinator sees, and can be retried; a redelivered task takes over a run nobody is running."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.allocations import services
from backend.allocations.models import AllocationRun, Assignment, RunStatus
from backend.allocations.tasks import allocation_run_task
from backend.core.models import OutboxMessage, OutboxStatus
from backend.core.outbox import outbox_dispatch_pending
from tests.backend.allocations.conftest import NOW, choose, open_round
from tests.backend.core.broker import install_fake_broker
from tests.conftest import as_user

STOPPED = "De berekening is onderbroken (worker gestopt); probeer opnieuw."
NEVER_STARTED = "De berekening is niet gestart (geen worker beschikbaar); probeer opnieuw."


@pytest.fixture
def broker(monkeypatch):
    return install_fake_broker(monkeypatch)


@pytest.fixture
def ready(world):
    """Everyone chose; choosing is closed: a run can start."""
    open_round(world)
    for user in world.students:
        choose(world, user, world.webshop, world.app)
    services.allocation_round_close_choosing(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=8)
    )
    return world


def stale(settings, seconds: int = 1) -> dt.datetime:
    """A moment just past the staleness limit, seen from now."""
    return timezone.now() + dt.timedelta(seconds=settings.ALLOCATION_RUN_STALE_AFTER + seconds)


def worker_died_while_running(run: AllocationRun) -> None:
    """What a SIGKILL leaves behind: claimed, half way, no longer beating."""
    assert services.runs._claim(run.pk, timezone.now())
    AllocationRun.objects.filter(pk=run.pk).update(stage="solving", percent=50)


def test_starting_a_run_with_the_broker_down_answers_202_and_it_runs_once_the_broker_is_back(
    ready, broker, django_capture_on_commit_callbacks
):
    broker.up = False
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(ready.cast.bos).post(
            reverse("api:round-runs", args=[ready.round.pk]), {"seed": 1}, format="json"
        )
    assert response.status_code == 202, response.content
    run = AllocationRun.objects.get()
    assert (run.pk, run.status) == (response.json()["id"], RunStatus.QUEUED)
    message = OutboxMessage.objects.get()
    assert (message.task, message.kwargs, message.status) == (
        "backend.allocations.tasks.allocation_run_task",
        {"run_id": run.pk},
        OutboxStatus.PENDING,
    )

    broker.up = True
    assert outbox_dispatch_pending(now=timezone.now() + dt.timedelta(minutes=2)) == 1
    broker.deliver()
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert Assignment.objects.filter(round=ready.round).count() == 3


def test_the_reaper_fails_a_run_whose_worker_died_and_a_retry_succeeds(
    ready, settings, django_capture_on_commit_callbacks
):
    run = services.allocation_run_start(allocation_round=ready.round, actor=ready.cast.bos)
    worker_died_while_running(run)
    # While beating it is left alone.
    assert services.allocation_runs_reap(now=timezone.now()) == []
    # The coordinator cannot start another run or retry while it is "running".
    bos = as_user(ready.cast.bos)
    assert bos.post(reverse("api:run-retry", args=[run.pk])).status_code == 409

    assert services.allocation_runs_reap(now=stale(settings)) == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, STOPPED)
    assert run.finished_at is not None
    shown = bos.get(reverse("api:run-detail", args=[run.pk])).json()
    assert (shown["status"], shown["error"]) == ("failed", STOPPED)

    with django_capture_on_commit_callbacks(execute=True):
        response = bos.post(reverse("api:run-retry", args=[run.pk]))
    assert response.status_code == 202, response.content
    run.refresh_from_db()
    assert (run.status, run.attempt, run.error) == (RunStatus.SUCCEEDED, 2, "")
    assert Assignment.objects.filter(round=ready.round).count() == 3


def test_after_the_reaper_a_new_run_can_start(ready, settings):
    run = services.allocation_run_start(allocation_round=ready.round, actor=ready.cast.bos)
    worker_died_while_running(run)
    services.allocation_runs_reap(now=stale(settings))
    response = as_user(ready.cast.bos).post(
        reverse("api:round-runs", args=[ready.round.pk]), {"seed": 2}, format="json"
    )
    assert response.status_code == 202, response.content


def test_the_reaper_fails_a_queued_run_that_never_reached_a_worker(ready, settings):
    run = services.allocation_run_start(allocation_round=ready.round, actor=ready.cast.bos)
    assert services.allocation_runs_reap(now=timezone.now()) == []
    assert services.allocation_runs_reap(now=stale(settings)) == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, NEVER_STARTED)
    # Its task arriving late does nothing: the run is no longer queued.
    assert allocation_run_task(run.pk) is False
    assert not Assignment.objects.filter(round=ready.round).exists()


def test_the_reaper_leaves_finished_runs_alone(ready, settings):
    run = services.allocation_run_start(allocation_round=ready.round, actor=ready.cast.bos)
    services.allocation_run_execute(run_id=run.pk)
    assert services.allocation_runs_reap(now=stale(settings, 3600)) == []
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.SUCCEEDED, "")


def test_a_redelivered_task_takes_over_a_run_whose_worker_stopped_beating(ready, settings):
    run = services.allocation_run_start(allocation_round=ready.round, actor=ready.cast.bos)
    worker_died_while_running(run)
    # Redelivered at once (the worker's child was killed): the run still beats, so nothing.
    assert allocation_run_task(run.pk) is False
    # Redelivered after the visibility timeout: nobody beat for too long, the task takes it over.
    AllocationRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(seconds=settings.ALLOCATION_RUN_STALE_AFTER + 1)
    )
    assert allocation_run_task(run.pk) is True
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert Assignment.objects.filter(round=ready.round).count() == 3


def test_a_run_reaped_while_still_solving_stores_nothing(ready, settings, monkeypatch):
    """A worker presumed dead that was only slow must not overwrite what a retry produces."""
    run = services.allocation_run_start(allocation_round=ready.round, actor=ready.cast.bos)
    original = services.runs.engine_adapter.solve

    def slow_solve(*args, **kwargs):
        services.allocation_runs_reap(now=stale(settings))  # meanwhile, the reaper gave up on it
        return original(*args, **kwargs)

    monkeypatch.setattr(services.runs.engine_adapter, "solve", slow_solve)
    assert services.allocation_run_execute(run_id=run.pk) is True
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, STOPPED)
    assert not Assignment.objects.filter(round=ready.round).exists()
    ready.round.refresh_from_db()
    assert ready.round.applied_run_id is None


def test_the_reaper_task_is_scheduled_and_counts_what_it_reaped(ready, settings):
    from backend.allocations.tasks import allocation_runs_reap_task

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "backend.allocations.tasks.allocation_runs_reap_task" in schedule
    assert "backend.core.tasks.outbox_dispatch_task" in schedule
    services.allocation_run_start(allocation_round=ready.round, actor=ready.cast.bos)
    settings.ALLOCATION_RUN_STALE_AFTER = -1  # everything is stale
    assert allocation_runs_reap_task() == 1
    assert AllocationRun.objects.get().status == RunStatus.FAILED


def test_the_engine_task_has_a_queue_of_its_own(settings):
    from backend.config.celery import app

    route = app.amqp.router.route({}, "backend.allocations.tasks.allocation_run_task")
    assert route["queue"].name == "engine"
    mail = app.amqp.router.route({}, "backend.notifications.tasks.send_notification_emails_task")
    assert mail["queue"].name == "default"
    assert settings.CELERY_TASK_ACKS_LATE
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.ALLOCATION_RUN_STALE_AFTER
