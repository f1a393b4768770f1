"""What /healthz/ reports: the database, the broker, the workers, beat and the outbox backlog.

Each check returns a dict with a `status`: "ok", "embedded" (no broker: tasks run in process, so
there is nothing to check), or a failure ("down", "stale", "missing"). The report is healthy when
every required check is ok or embedded; the outbox backlog is informational.
"""

import datetime as dt
from typing import Any

from celery import current_app as celery_app  # the project app: backend.config sets it up first
from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.utils import timezone

from backend.core.models import OutboxMessage, OutboxStatus, ServiceHeartbeat

HEALTHY = ("ok", "embedded")
REQUIRED = ("database", "broker", "workers", "beat")


def beat_tick(*, now: dt.datetime) -> None:
    ServiceHeartbeat.objects.update_or_create(name="beat", defaults={"seen_at": now})


def _embedded() -> bool:
    return bool(celery_app.conf.task_always_eager)


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return {"status": "down", "error": repr(exc)}
    return {"status": "ok"}


def check_broker() -> dict[str, Any]:
    if _embedded():
        return {"status": "embedded"}
    try:
        with celery_app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_BROKER_TIMEOUT)
    except Exception as exc:
        return {"status": "down", "error": repr(exc)}
    return {"status": "ok"}


def expected_queues() -> set[str]:
    """The default queue plus every queue a route names (the engine's)."""
    routes = celery_app.conf.task_routes or {}
    routed = {route["queue"] for route in routes.values() if isinstance(route, dict)}
    return {celery_app.conf.task_default_queue} | routed


def check_workers() -> dict[str, Any]:
    """Which workers consume which queue (asked over the broker); ok when every queue has one."""
    if _embedded():
        return {"status": "embedded"}
    try:
        replies = celery_app.control.inspect(timeout=settings.HEALTH_WORKER_TIMEOUT).active_queues()
    except Exception as exc:
        return {"status": "down", "error": repr(exc)}
    queues: dict[str, list[str]] = {name: [] for name in sorted(expected_queues())}
    for worker, consumed in (replies or {}).items():
        for queue in consumed:
            if queue["name"] in queues:
                queues[queue["name"]].append(worker)
    missing = [name for name, workers in queues.items() if not workers]
    status = "ok" if not missing else ("down" if not replies else "missing")
    return {"status": status, "queues": queues}


def check_beat(*, now: dt.datetime) -> dict[str, Any]:
    if _embedded():
        return {"status": "embedded"}
    seen = ServiceHeartbeat.objects.filter(name="beat").values_list("seen_at", flat=True).first()
    if seen is None:
        return {"status": "stale", "last_tick": None}
    age = (now - seen).total_seconds()
    status = "ok" if age <= settings.HEALTH_BEAT_STALE_AFTER else "stale"
    return {"status": status, "last_tick": seen.isoformat(), "age_seconds": int(age)}


def outbox_backlog(*, now: dt.datetime) -> dict[str, Any]:
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
    return {
        "pending": pending.count(),
        "oldest_pending_age_seconds": int((now - oldest).total_seconds()) if oldest else None,
        "failed": OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count(),
    }


def health_report(*, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    checks = {"database": check_database()}
    if checks["database"]["status"] != "ok":
        # Beat and the outbox live in the database; the broker checks would only add waiting.
        return {"status": "fail", "checks": checks}
    checks |= {"broker": check_broker()}
    checks |= {
        "workers": check_workers()
        if checks["broker"]["status"] in HEALTHY
        else {"status": "down", "error": "no broker"},
        "beat": check_beat(now=now),
    }
    healthy = all(checks[name]["status"] in HEALTHY for name in REQUIRED)
    return {
        "status": "ok" if healthy else "fail",
        "checks": checks,
        "outbox": outbox_backlog(now=now),
    }
