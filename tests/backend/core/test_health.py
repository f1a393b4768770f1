"""/healthz/ reports the database, the broker, the workers and beat separately, plus the outbox
backlog; 503 when a required part is down. /healthz/live/ stays a cheap liveness probe."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.config.celery import app as celery_app
from backend.core.health import beat_tick
from backend.core.models import OutboxMessage

DOWN_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once


class FakeInspect:
    def __init__(self, replies):
        self.replies = replies

    def active_queues(self):
        return self.replies


@pytest.fixture
def deployed(monkeypatch):
    """Not embedded: a broker (the in-memory transport) and no worker answering."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_read_url", "memory://localhost/")


def workers_answer(monkeypatch, replies):
    monkeypatch.setattr(
        celery_app.control, "inspect", lambda timeout: FakeInspect(replies), raising=False
    )


BOTH = {
    "celery@web1": [{"name": "default"}],
    "celery@engine1": [{"name": "engine"}],
}


def test_it_reports_embedded_parts_as_healthy(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": {"status": "ok"},
        "broker": {"status": "embedded"},
        "workers": {"status": "embedded"},
        "beat": {"status": "embedded"},
    }
    assert body["outbox"] == {"pending": 0, "oldest_pending_age_seconds": None, "failed": 0}


def test_it_is_ok_when_broker_workers_and_beat_all_answer(client, db, deployed, monkeypatch):
    workers_answer(monkeypatch, BOTH)
    beat_tick(now=timezone.now() - dt.timedelta(seconds=30))
    response = client.get("/healthz/")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["broker"] == {"status": "ok"}
    assert checks["workers"] == {
        "status": "ok",
        "queues": {"default": ["celery@web1"], "engine": ["celery@engine1"]},
    }
    assert checks["beat"]["status"] == "ok"
    assert 29 <= checks["beat"]["age_seconds"] <= 60


def test_it_answers_503_when_the_broker_is_down(client, db, deployed, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_read_url", DOWN_BROKER)
    beat_tick(now=timezone.now())
    response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["broker"]["status"] == "down"
    assert body["checks"]["workers"]["status"] == "down"
    assert body["checks"]["beat"]["status"] == "ok"


def test_it_answers_503_when_no_worker_takes_the_engine_queue(client, db, deployed, monkeypatch):
    workers_answer(monkeypatch, {"celery@web1": [{"name": "default"}]})
    beat_tick(now=timezone.now())
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["checks"]["workers"] == {
        "status": "missing",
        "queues": {"default": ["celery@web1"], "engine": []},
    }


def test_it_answers_503_when_no_worker_answers(client, db, deployed, monkeypatch):
    workers_answer(monkeypatch, None)
    beat_tick(now=timezone.now())
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["checks"]["workers"]["status"] == "down"


def test_it_answers_503_when_beat_has_not_ticked_for_minutes(
    client, db, deployed, monkeypatch, settings
):
    workers_answer(monkeypatch, BOTH)
    beat_tick(now=timezone.now() - dt.timedelta(seconds=settings.HEALTH_BEAT_STALE_AFTER + 5))
    response = client.get("/healthz/")
    assert response.status_code == 503
    beat = response.json()["checks"]["beat"]
    assert beat["status"] == "stale"
    assert beat["age_seconds"] >= settings.HEALTH_BEAT_STALE_AFTER


def test_it_shows_the_outbox_backlog(client, db):
    now = timezone.now()
    for minutes, status in ((10, "pending"), (2, "pending"), (30, "dispatched"), (60, "failed")):
        OutboxMessage.objects.create(
            task="t",
            status=status,
            created_at=now - dt.timedelta(minutes=minutes),
            next_attempt_at=now,
        )
    outbox = client.get("/healthz/").json()["outbox"]
    assert outbox["pending"] == 2
    assert outbox["failed"] == 1
    assert 600 <= outbox["oldest_pending_age_seconds"] <= 660


def test_the_beat_scheduled_dispatcher_records_beats_tick(db):
    from backend.core.models import ServiceHeartbeat
    from backend.core.tasks import outbox_dispatch_task

    assert outbox_dispatch_task() == 0
    assert timezone.now() - ServiceHeartbeat.objects.get(name="beat").seen_at < dt.timedelta(
        seconds=5
    )


def test_liveness_needs_only_the_database(client, db, deployed, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_read_url", DOWN_BROKER)
    response = client.get("/healthz/live/")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
