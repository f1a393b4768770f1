"""Fault injection on the real stack (PostgreSQL, Redis, Celery worker processes).

- A worker is killed (SIGKILL) in the middle of a run: the run does not stay "running" for ever;
  the reaper fails it with a reason and a retry succeeds, or the redelivered task finishes it.
- The broker is unreachable (a closed port) when a run starts and when an offer is submitted,
  reviewed and published: every request answers normally, nothing is lost; once the broker is
  back the dispatcher publishes the outbox, the run ends and every notification is mailed once,
  even when the broker delivers a task twice.
"""

import datetime as dt
import os
import signal
import time
from contextlib import contextmanager

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.allocations import services
from backend.allocations.models import AllocationRun, RunStatus
from backend.core.models import OutboxMessage, OutboxStatus
from backend.core.outbox import _send, outbox_dispatch_pending
from backend.notifications.models import Notification
from backend.offers.models import Offer, OfferStatus
from tests.conftest import as_user
from tests.factories import OfferFactory, student
from tests.integration.workers import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
        or not os.environ.get("CELERY_BROKER_URL"),
        reason="needs DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… (worker processes)",
    ),
]

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: connection refused
STOPPED = "De berekening is onderbroken (worker gestopt); probeer opnieuw."


@contextmanager
def broker_unreachable(app):
    """Publishing from this process goes to a closed port until the block ends."""

    def reconnect(url):
        # The write URL, since CELERY_BROKER_URL in the environment wins over conf.broker_url.
        app.conf.broker_write_url = url
        app._pool = None  # the cached connection and producer pools point at the old URL
        app.amqp._producer_pool = None

    reconnect(CLOSED_PORT)
    try:
        yield
    finally:
        reconnect(None)


def ready_round(cast, *, students: int = 12):
    """A round of Vista with a few challenges; everyone chose; choosing is closed."""
    now = timezone.now()
    offers = [
        OfferFactory(
            owner=cast.pixel,
            contact=cast.eva,
            status=OfferStatus.PUBLISHED,
            max_students=3,
            schools=[cast.vista],
        )
        for _ in range(5)
    ]
    allocation_round = services.allocation_round_create(
        actor=cast.bos,
        name="Storingsronde",
        period="2026 blok 1",
        school=cast.vista,
        challenges=offers,
        min_choices=1,
        max_choices=3,
        choices_close_at=now + dt.timedelta(days=7),
        objections_close_at=now + dt.timedelta(days=21),
        now=now,
    )
    services.allocation_round_open_choosing(
        allocation_round=allocation_round, actor=cast.bos, now=now
    )
    for i in range(students):
        user = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name=f"S{i}")
        picks = [offers[(i + k) % len(offers)].pk for k in range(3)]
        services.choice_list_submit(
            allocation_round=allocation_round, student=user, offer_ids=picks, now=now
        )
    services.allocation_round_close_choosing(
        allocation_round=allocation_round, actor=cast.bos, now=now
    )
    return allocation_round


def run_status(run_id: int) -> AllocationRun:
    return AllocationRun.objects.get(pk=run_id)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_leaves_a_failed_retryable_run(cast, queues, real_celery, settings):
    allocation_round = ready_round(cast)
    slow = queues.start(real_celery, slow=True)
    bos = as_user(cast.bos)
    started = bos.post(
        reverse("api:round-runs", args=[allocation_round.pk]), {"seed": 1}, format="json"
    )
    assert started.status_code == 202, started.json()
    run_id = started.json()["id"]
    wait_for(lambda: run_status(run_id).stage == "slow", timeout=30, what="the run to start")

    slow.send_signal(signal.SIGKILL)
    slow.wait(timeout=10)
    time.sleep(1)
    killed = run_status(run_id)
    assert (killed.status, killed.percent) == (RunStatus.RUNNING, 14)  # stuck, as before the fix
    assert bos.post(reverse("api:run-retry", args=[run_id])).status_code == 409

    # The reaper (beat, every few minutes) runs once the heartbeat is older than the limit.
    later = killed.heartbeat_at + dt.timedelta(seconds=settings.ALLOCATION_RUN_STALE_AFTER + 1)
    assert services.allocation_runs_reap(now=timezone.now()) == []
    assert services.allocation_runs_reap(now=later) == [run_id]
    failed = bos.get(reverse("api:run-detail", args=[run_id])).json()
    assert (failed["status"], failed["error"]) == ("failed", STOPPED)

    queues.start(real_celery)  # a healthy worker
    retried = bos.post(reverse("api:run-retry", args=[run_id]))
    assert retried.status_code == 202, retried.json()
    done = wait_for(
        lambda: run_status(run_id).status in (RunStatus.SUCCEEDED, RunStatus.FAILED) or None,
        timeout=60,
        what="the retried run",
    )
    assert done
    final = run_status(run_id)
    assert (final.status, final.attempt, final.error) == (RunStatus.SUCCEEDED, 2, "")


def _transition(client, action: str, offer: Offer) -> int:
    started = time.monotonic()
    response = client.post(reverse(f"api:offer-{action}", args=[offer.pk]), {}, format="json")
    # The broker is down: publishing must give up fast, not hang the request.
    assert time.monotonic() - started < 10
    assert response.status_code == 200, response.json()
    return response.status_code


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_nothing_is_lost_and_nothing_is_sent_twice(cast, queues, real_celery):
    allocation_round = ready_round(cast)
    offer = OfferFactory(
        owner=cast.bakkerij, contact=cast.jan, status=OfferStatus.DRAFT, schools=[cast.vista]
    )
    bos, jan, devries = as_user(cast.bos), as_user(cast.jan), as_user(cast.devries)

    with broker_unreachable(real_celery):
        started = bos.post(
            reverse("api:round-runs", args=[allocation_round.pk]), {"seed": 2}, format="json"
        )
        assert started.status_code == 202, started.json()
        _transition(jan, "submit", offer)
        _transition(devries, "review", offer)
        _transition(devries, "publish", offer)

    run_id = started.json()["id"]
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED
    assert run_status(run_id).status == RunStatus.QUEUED
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    assert pending.count() == OutboxMessage.objects.count() >= 4  # the run + each transition's mail
    assert all(m.attempts == 1 and "111" in m.last_error for m in pending)
    wanted = Notification.objects.filter(wants_email=True)
    assert wanted.filter(recipient=cast.jan).count() == 2  # review started, published
    assert wanted.filter(recipient=cast.bos).count() == 1  # a new offer to review

    # The broker is back: a worker starts and beat's dispatcher publishes the outbox.
    queues.start(real_celery)
    assert outbox_dispatch_pending(now=timezone.now() + dt.timedelta(minutes=2)) == pending.count()
    wait_for(
        lambda: (
            run_status(run_id).status == RunStatus.SUCCEEDED
            and not wanted.filter(emailed_at__isnull=True).exists()
        ),
        timeout=60,
        what="the run and the e-mails",
    )

    # The broker delivers every e-mail task a second time (at least once): nothing more is sent.
    for message in OutboxMessage.objects.exclude(task__endswith="allocation_run_task"):
        _send(message)
    time.sleep(3)
    mails = queues.mailbox.messages()
    assert sorted(tuple(m["to"]) for m in mails) == sorted(
        (n.recipient.email,) for n in wanted.select_related("recipient")
    )
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"dispatched"}


@pytest.mark.django_db(transaction=True)
def test_a_run_whose_worker_was_killed_is_completed_by_the_redelivered_task(
    cast, queues, real_celery
):
    """Acknowledged late, the killed worker's task stays in Redis; after the visibility timeout
    another worker gets it and takes over the run, whose heartbeat is by then stale."""
    allocation_round = ready_round(cast)
    slow = queues.start(real_celery, slow=True)
    started = as_user(cast.bos).post(
        reverse("api:round-runs", args=[allocation_round.pk]), {"seed": 4}, format="json"
    )
    assert started.status_code == 202, started.json()
    run_id = started.json()["id"]
    wait_for(lambda: run_status(run_id).stage == "slow", timeout=30, what="the run to start")
    slow.send_signal(signal.SIGKILL)
    slow.wait(timeout=10)

    # Short limits for the test; production keeps hours (CELERY_VISIBILITY_TIMEOUT) and
    # ALLOCATION_RUN_STALE_AFTER below it.
    queues.start(
        real_celery,
        CELERY_VISIBILITY_TIMEOUT="3",
        ALLOCATION_RUN_STALE_AFTER="2",
        KOPPEL_TEST_FAST_RESTORE="1",
    )
    wait_for(
        lambda: run_status(run_id).status == RunStatus.SUCCEEDED,
        timeout=60,
        what="the redelivered run",
    )
    final = run_status(run_id)
    assert (final.attempt, final.error, final.percent) == (1, "", 100)
