from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """Liveness + database check for load balancers and docker-compose health checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
