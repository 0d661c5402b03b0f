"""Shared pieces of the officer workspace pages: access, the remaining-time context and
the printable forms of a dossier."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.dossiers.forms import sets
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


# Short names of the forms on the dossier page, by kind (the number comes from the
# dossier's form set).
FORM_TITLES = {
    sets.RECEIPT: _("Giấy tiếp nhận, hẹn trả kết quả"),
    sets.SUPPLEMENT: _("Phiếu yêu cầu bổ sung"),
    sets.REFUSAL: _("Phiếu từ chối"),
    sets.APOLOGY: _("Phiếu xin lỗi, hẹn lại"),
    sets.STOP_NOTICE: _("Thông báo dừng giải quyết"),
    sets.CONTROL: _("Phiếu kiểm soát quá trình"),
}


def form_url(code: str, number: str) -> str:
    # Pages of egov.dossiers.forms (printable HTML and PDF).
    return f"/ho-so/{code}/mau/{number}/"


def printable_forms(dossier, components) -> list[dict[str, str]]:
    """The forms that apply to the dossier as it stands, numbered as its form set
    (Circular 01/2018 or 03/2025, by its receipt date) numbers them."""
    kinds = []
    if dossier.received_at:
        kinds.append(sets.RECEIPT)
    if any(not c.provided for c in components):
        kinds.append(sets.SUPPLEMENT)
    if dossier.status == Status.NOT_RECEIVED or dossier.outcome == "refused":
        kinds.append(sets.REFUSAL)
    if dossier.extended:
        kinds.append(sets.APOLOGY)
    if dossier.status == Status.STOPPED:
        kinds.append(sets.STOP_NOTICE)
    if dossier.received_at:
        kinds.append(sets.CONTROL)
    form_set = sets.of_dossier(dossier)
    forms = []
    for kind in kinds:
        number = form_set.number(kind)
        if number is None:  # the notice of stopping is new in Circular 03/2025
            continue
        forms.append(
            {
                "number": number,
                "title": _("Mẫu %(number)s · %(title)s")
                % {"number": number, "title": FORM_TITLES[kind]},
                "url": form_url(dossier.code, number),
                "pdf": form_url(dossier.code, number) + "pdf",
                # egov.signing.form_views: the officer signs it and downloads it.
                "sign": reverse("signing:sign_form", args=[dossier.code, number]),
            }
        )
    return forms


def reception_form_number(status: str) -> str:
    """The form to print after a reception outcome."""
    return {Status.RECEIVED: "01", Status.RECEPTION_SUPPLEMENT: "02"}.get(status, "03")
