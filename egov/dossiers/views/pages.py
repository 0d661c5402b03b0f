"""The workspace pages: queues, search and the dossier page with its actions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.views.decorators.http import require_GET, require_POST

from egov.catalog.models import Procedure
from egov.core.errors import DomainError
from egov.dossiers import queries, services
from egov.dossiers.lifecycle import Status
from egov.dossiers.views import actions
from egov.dossiers.views.common import clock, officer_required, printable_forms
from egov.dossiers.webforms import SearchForm
from egov.payments.queries import fee_summary, payments_of

PAGE_SIZE = 25
# Queues shown first to each role; the others follow.
ROLE_QUEUES = {
    "desk_officer": ["to_receive", "to_forward", "waiting_supplement", "to_return"],
    "specialist": ["to_process"],
    "department_head": ["to_sign", "to_process"],
    "agency_leader": ["to_sign", "to_process"],
}


def _queue_order(user) -> list[str]:
    first: list[str] = []
    for role, names in ROLE_QUEUES.items():
        if role in user.role_set:
            first += [n for n in names if n not in first]
    return first + [n for n in queries.QUEUES if n not in first]


@require_GET
@officer_required
def home(request):
    counts = queries.queue_counts(request.user)
    queues = [
        {
            "name": name,
            "label": queries.QUEUES[name],
            "label_en": queries.QUEUES_EN[name],
            "count": counts[name],
            "alert": name == "overdue" and counts[name] > 0,
            "soon": name == "due_soon" and counts[name] > 0,
        }
        for name in _queue_order(request.user)
    ]
    return render(
        request,
        "dossiers/workspace/home.html",
        {
            "queues": queues,
            "can_receive": "desk_officer" in request.user.role_set,
            "statuses": Status.choices,
        },
    )


@require_GET
@officer_required
def queue_list(request, name: str):
    if name not in queries.QUEUES:
        raise Http404("no such queue")
    page = Paginator(queries.queue(request.user, name), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    queries.attach(page.object_list, rows=True)
    return render(
        request,
        "dossiers/workspace/queue.html",
        {
            "name": name,
            "label": queries.QUEUES[name],
            "label_en": queries.QUEUES_EN[name],
            "page": page,
            **clock(),
        },
    )


@require_GET
@officer_required
def search(request):
    get = request.GET
    form = SearchForm(
        {
            "q": get.get("q", ""),
            "procedure": get.get("procedure", ""),
            "status": get.get("status", ""),
            "date_from": get.get("from", ""),
            "date_to": get.get("to", ""),
        }
    )
    searched = any(get.get(k) for k in ("q", "procedure", "status", "from", "to"))
    page = None
    if form.is_valid() and searched:
        d = form.cleaned_data
        qs = queries.search(
            request.user,
            text=d["q"],
            procedure=d["procedure"].strip(),
            status=d["status"],
            date_from=d["date_from"],
            date_to=d["date_to"],
        )
        page = Paginator(qs, PAGE_SIZE).get_page(get.get("page"))
        page.object_list = list(page.object_list)
        queries.attach(page.object_list, rows=True)
        if queries.searches_identity(d["q"]):
            services.record_search_read(
                actor=request.user, shown=page.object_list, count=page.paginator.count
            )
        typed = request.headers.get("HX-Request") == "true"  # as the officer types
        code = d["q"].strip().upper()
        if not typed and page.paginator.count == 1 and page.object_list[0].code == code:
            # A scanned or typed code goes straight to its dossier.
            return redirect("dossiers:dossier", code=page.object_list[0].code)
    query = get.copy()
    query.pop("page", None)
    return render(
        request,
        "dossiers/workspace/search.html",
        {
            "form": form,
            "page": page,
            "searched": searched,
            "query": query.urlencode(),
            "statuses": Status.choices,
            "procedures": Procedure.objects.order_by("code").values_list("code", flat=True)[:2000],
            **clock(),
        },
    )


def _detail_context(request, dossier, *, error=None, error_action="", post=None):
    components = list(dossier.components.all())
    tasks = queries.visible_tasks(request.user, dossier)
    available = actions.available(request.user, dossier, components, tasks)
    missing_rows = actions.missing_components(dossier, components)
    return {
        "d": dossier,
        "components": components,
        "handed_in": [c for c in components if c.provided],
        "asked": [c for c in components if not c.provided],
        "tasks": tasks,
        "consultations": list(dossier.consultations.all()),
        "events": list(dossier.events.all()),
        "results": list(dossier.result_files.all()),
        "actions": available,
        "component_choices": actions.component_choices(dossier),
        "missing_rows": missing_rows,
        "forms": printable_forms(dossier, components),
        "print_now": request.GET.get("in", ""),
        "fees": fee_summary(dossier),
        # Payments exist only where a fee is due (``payments.rules.check_something_due``).
        "payments": list(payments_of(request.user, dossier) or []) if dossier.fee_due else [],
        "receipt_now": request.GET.get("bien-lai", ""),
        "error": error,
        "error_action": error_action,
        "post": post,
        "status_label": Status(dossier.status).label,
        **clock(),
    }


def _open(request, code: str):
    dossier = services.open_dossier(actor=request.user, code=code)
    if dossier is None:
        # Outside the officer's scope reads as "no such dossier", so codes cannot be probed.
        raise Http404("no such dossier")
    return dossier


@require_GET
@officer_required
def dossier_page(request, code: str):
    dossier = _open(request, code)
    return render(request, "dossiers/workspace/dossier.html", _detail_context(request, dossier))


ACTION_DONE = {
    "accept": (N_("Đã tiếp nhận hồ sơ."), "01"),
    "request_reception_supplement": (N_("Đã yêu cầu bổ sung hồ sơ."), "02"),
    "refuse_at_reception": (N_("Đã từ chối tiếp nhận hồ sơ."), "03"),
    "request_supplement": (N_("Đã yêu cầu bổ sung hồ sơ."), "02"),
    "refuse": (N_("Đã từ chối giải quyết hồ sơ."), "03"),
    "apologise_late": (N_("Đã hẹn lại ngày trả kết quả."), "04"),
    "record_payment": (N_("Đã ghi nhận khoản nộp phí, lệ phí: hãy in biên lai."), ""),
}


def _receipt_of(key: str, result: Any) -> str:
    """The receipt a fee action just issued (to print now), or ""."""
    if key == "record_payment":
        return result.receipt_number
    if key == "return_result" and result.fee_paid:
        last = result.payments.order_by("-id").first()
        if last is not None and last.received_at == result.returned_at:
            return last.receipt_number
    return ""


@require_POST
@officer_required
def dossier_action(request, code: str, key: str):
    dossier = queries.dossier_detail(request.user, code)
    if dossier is None:
        raise Http404("no such dossier")
    components = list(dossier.components.all())
    try:
        result = actions.perform(key, request, dossier, components)
    except KeyError:
        raise Http404("no such action") from None
    except DomainError as error:
        # Nothing was written (the services are transactional): show the page as it is
        # now, with the message next to the form that failed. On a version mismatch the
        # page shows the other officer's change and the forms carry the new version.
        fresh = _open(request, code)
        context = _detail_context(request, fresh, error=error, error_action=key, post=request.POST)
        if error.code == "version_mismatch":
            context["error_action"] = ""
        return render(request, "dossiers/workspace/dossier.html", context, status=error.status)
    done, form_no = ACTION_DONE.get(key, (N_("Đã cập nhật hồ sơ."), ""))
    messages.success(request, _(done))
    url = reverse("dossiers:dossier", kwargs={"code": code})
    if receipt := _receipt_of(key, result):
        return redirect(f"{url}?{urlencode({'bien-lai': receipt})}")
    return redirect(f"{url}?in={form_no}" if form_no else url)
