from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.staticfiles.views import serve as staticfiles_serve
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from egov.core.models import WorkerHeartbeat


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


# Error pages: Vietnamese first with a way back, and the API's JSON error format under
# /api/ (a client of the API must never have to parse an HTML page).
_ERRORS = {
    400: (
        "bad_request",
        "Yêu cầu không hợp lệ",
        "Bad request",
        "Trang không hiểu được yêu cầu này. Hãy quay lại và thử lại.",
        "The request could not be understood. Go back and try again.",
    ),
    403: (
        "permission_denied",
        "Bạn không có quyền xem trang này",
        "Access denied",
        "Trang này dành cho người có quyền. Hãy đăng nhập bằng tài khoản phù hợp.",
        "This page needs an account that is allowed to see it.",
    ),
    404: (
        "not_found",
        "Không tìm thấy trang",
        "Page not found",
        "Địa chỉ này không có hoặc đã được chuyển đi.",
        "There is nothing at this address, or it has moved.",
    ),
    500: (
        "server_error",
        "Hệ thống đang gặp sự cố",
        "System error",
        "Yêu cầu chưa được thực hiện; xin thử lại sau ít phút.",
        "The request was not carried out; please try again in a few minutes.",
    ),
}


def _error(request, status: int):
    code, title, title_en, text, text_en = _ERRORS[status]
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": code, "message": text, "message_en": text_en}}, status=status
        )
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = ""
    return render(
        request,
        "_error.html",
        {
            "status": status,
            "title": _(title),
            "explanation": _(text),
            "back": back,
            "request_id": getattr(request, "request_id", ""),
        },
        status=status,
    )


def bad_request(request, exception=None):
    return _error(request, 400)


def permission_denied(request, exception=None):
    return _error(request, 403)


def page_not_found(request, exception=None):
    return _error(request, 404)


def server_error(request):
    if request.path.startswith("/api/"):
        return _error(request, 500)
    # No template context, no database: the page must render whatever failed.
    return render(request, "500.html", status=500)
