"""Shared pieces of the officer workspace pages: access, the remaining-time context and
the printable forms of a dossier."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.dossiers.lifecycle import Status
from egov.workdays import services as workdays


def officer_required(view):
    """Login required; the workspace is for officers only (citizens get 403). Which
    dossiers an officer sees is decided by the access policy in the queries."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_superuser or user.officer_or_none is not None):
            raise PermissionDenied("officers only")
        return view(request, *args, **kwargs)

    return wrapper


def clock() -> dict[str, Any]:
    """The working-day calendar and "now", once per page, for the remaining-time badges."""
    return {"ws_calendar": workdays.get_calendar(), "ws_now": timezone.now()}


FORM_TITLES = {
    "01": _("Mẫu 01 · Giấy tiếp nhận, hẹn trả kết quả"),
    "02": _("Mẫu 02 · Phiếu yêu cầu bổ sung"),
    "03": _("Mẫu 03 · Phiếu từ chối"),
    "04": _("Mẫu 04 · Phiếu xin lỗi, hẹn lại"),
    "05": _("Mẫu 05 · Phiếu kiểm soát quá trình"),
}


def form_url(code: str, number: str) -> str:
    # Pages of egov.dossiers.forms (printable HTML and PDF).
    return f"/ho-so/{code}/mau/{number}/"


def printable_forms(dossier, components) -> list[dict[str, str]]:
    """The forms 01-05 that apply to the dossier as it stands."""
    numbers = []
    if dossier.received_at:
        numbers.append("01")
    if any(not c.provided for c in components):
        numbers.append("02")
    if dossier.status == Status.NOT_RECEIVED or dossier.outcome == "refused":
        numbers.append("03")
    if dossier.extended:
        numbers.append("04")
    if dossier.received_at:
        numbers.append("05")
    return [
        {
            "number": n,
            "title": FORM_TITLES[n],
            "url": form_url(dossier.code, n),
            "pdf": form_url(dossier.code, n) + "pdf",
        }
        for n in numbers
    ]


def reception_form_number(status: str) -> str:
    """The form to print after a reception outcome."""
    return {Status.RECEIVED: "01", Status.RECEPTION_SUPPLEMENT: "02"}.get(status, "03")
