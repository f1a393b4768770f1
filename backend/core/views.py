from django.db import connection
from django.http import HttpRequest, JsonResponse

from backend.core.health import health_report


def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database, broker, workers and beat, each reported separately, plus the
    outbox backlog. 200 when every required part is ok (or embedded), 503 otherwise."""
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def healthz_live(request: HttpRequest) -> JsonResponse:
    """Liveness for the container's health check: the web process answers and reaches its
    database. Cheap, and independent of the broker, workers and beat."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
