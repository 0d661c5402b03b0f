from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.staticfiles.views import serve as staticfiles_serve
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from egov.core.models import WorkerHeartbeat


def home(request):
    return render(request, "core/home.html")


def static_file(request, path):
    # Assets are found in the apps' static folders, so a one-machine install needs
    # neither collectstatic nor a web server in front.
    response = staticfiles_serve(request, path, insecure=True)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@never_cache
def healthz(request):
    """Liveness for load balancers and operators: the database answers and a
    worker has shown a sign of life recently. 200 when both hold, 503 otherwise."""
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # report, never raise, from a health check
        checks["database"] = {"ok": False, "error": exc.__class__.__name__}
    if checks["database"]["ok"]:
        cutoff = timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS)
        beats = list(
            WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("name", flat=True)
        )
        checks["worker"] = {"ok": bool(beats), "alive": sorted(beats)}
    else:
        checks["worker"] = {"ok": False, "error": "database unavailable"}
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503
    )
