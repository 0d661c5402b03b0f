"""The online application, step by step: who applies (prefilled from the account),
the request and how the result is received, one file per component (or a file from an
earlier dossier), the fees, then a review with the expected appointment date and the
declaration. Every step is saved when the person moves on, so the application resumes
on any device with its files (``portal.services``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from egov.catalog import eform
from egov.core import audit
from egov.core.errors import DomainError
from egov.portal import queries, rules, services
from egov.portal.models import Application
from egov.portal.views.common import applicant_required, take_pending
from egov.registries import portal as registry_prefill
from egov.workdays import services as workdays

STEP_TITLES = {
    "nguoi-nop": gettext_lazy("Người nộp hồ sơ"),
    "thong-tin": gettext_lazy("Nội dung yêu cầu, cách nhận kết quả"),
    "giay-to": gettext_lazy("Giấy tờ kèm theo"),
    "phi": gettext_lazy("Phí, lệ phí"),
    "xem-lai": gettext_lazy("Xem lại và nộp"),
}


def start(request, code: str):
    """The page behind "Nộp hồ sơ trực tuyến": where to file, and the applications of
    this procedure already started (to resume instead)."""
    try:
        version = services.version_now(code)
    except DomainError as error:
        raise Http404(error.message) from None
    agencies = services.receiving_agencies(version)
    if not request.user.is_authenticated:
        return render(
            request, "portal/start.html", {"v": version, "agencies": agencies, "anonymous": True}
        )
    return _start(request, code, version, agencies)


@applicant_required
def _start(request, code, version, agencies):
    error = None
    if request.method == "POST":
        try:
            agency_id = int(request.POST.get("agency", "0") or 0)
            application = services.start(
                actor=request.user, procedure_code=code, agency_id=agency_id
            )
        except (DomainError, ValueError) as refused:
            error = (
                refused
                if isinstance(refused, DomainError)
                else DomainError(
                    "agency_required", "Hãy chọn cơ quan.", "Choose an agency.", field="agency"
                )
            )
        else:
            return redirect("portal:apply", pk=application.pk, step="nguoi-nop")
    drafts = [a for a in queries.open_applications(request.user) if a.procedure.code == code]
    return render(
        request,
        "portal/start.html",
        {"v": version, "agencies": agencies, "drafts": drafts, "error": error},
        status=400 if error else 200,
    )


def _steps(application: Application, current: str) -> list[dict]:
    return [
        {
            "slug": slug,
            "title": STEP_TITLES[slug],
            "url": reverse("portal:apply", kwargs={"pk": application.pk, "step": slug}),
            "current": slug == current,
        }
        for slug in Application.STEPS
    ]


def _next(step: str) -> str:
    steps = Application.STEPS
    return steps[min(steps.index(step) + 1, len(steps) - 1)]


def _prev(step: str) -> str:
    steps = Application.STEPS
    return steps[max(steps.index(step) - 1, 0)]


def expected_due(version):
    """The appointment date if the desk received the dossier now (the working-day
    engine, as reception computes it)."""
    if version.same_day:
        amount, unit = 0, "same_day"
    else:
        amount, unit = version.time_amount, version.time_unit
    return workdays.compute_due(
        start=timezone.now(), amount=amount, unit=unit, cutoff_15h=version.cutoff_15h
    ).due


@applicant_required
def apply(request, pk, step: str):
    application = queries.application(request.user, pk)
    if application is None or step not in Application.STEPS:
        raise Http404("no such application")
    if application.submitted:
        return redirect("portal:dossier", code=application.dossier.code)
    version = services.version_now(application.procedure.code)
    errors: list[DomainError] = []
    refused: dict[str, DomainError] = {}
    pending = take_pending(request)
    if pending is not None and step in ("nguoi-nop", "thong-tin"):
        errors = services.save(actor=request.user, application=application, step=step, data=pending)
        messages.info(
            request,
            _(
                "Phiên làm việc đã hết hạn; những gì bạn đã nhập được giữ lại. "
                "Hãy kiểm tra và tiếp tục."
            ),
        )
        application.refresh_from_db()
    if request.method == "POST":
        go = request.POST.get("go", "next")
        if step == "nguoi-nop" and go == registry_prefill.GO:  # "Lấy thông tin từ CSDL"
            lookup = registry_prefill.fill_applicant(
                actor=request.user, application=application, typed=request.POST
            )
            application.refresh_from_db()
            context = _context(request, application, version, step, [], {})
            return render(
                request, "portal/apply.html", {**context, "lookup": lookup}, status=lookup.status
            )
        if step in ("nguoi-nop", "thong-tin"):
            errors = services.save(
                actor=request.user, application=application, step=step, data=request.POST
            )
        elif step == "giay-to":
            if request.POST.get("remove"):
                services.detach(
                    actor=request.user,
                    application=application,
                    component_id=int(request.POST["remove"]),
                )
                go = "stay"
            elif request.POST.get("reuse"):
                component_id, _sep, source_id = request.POST["reuse"].partition(":")
                try:
                    services.reuse(
                        actor=request.user,
                        application=application,
                        component_id=int(component_id),
                        source_id=int(source_id or 0),
                    )
                except (DomainError, ValueError) as error:
                    refused[f"c{component_id}-file"] = error
                go = "stay"
            refused.update(
                services.attach(actor=request.user, application=application, files=request.FILES)
            )
            if go == "next" and not refused:
                attached = set(application.files.values_list("component_id", flat=True))
                errors = rules.file_errors(list(version.items.components.values()), attached)
        if go == "back":
            return redirect("portal:apply", pk=application.pk, step=_prev(step))
        if go == "next" and not errors and not refused:
            return redirect("portal:apply", pk=application.pk, step=_next(step))
        if go == "stay" and not errors and not refused:
            return redirect("portal:apply", pk=application.pk, step=step)
        application.refresh_from_db()
    return render(
        request,
        "portal/apply.html",
        _context(request, application, version, step, errors, refused),
        status=400 if (errors or refused) else 200,
    )


def _context(request, application, version, step, errors, refused):
    components = list(version.items.components.values())
    files = {f.component_id: f for f in application.files.all()}
    field_errors = {e.field: e for e in errors if e.field}
    field_errors.update(refused)
    allowed = rules.deliveries(version)
    context = {
        "a": application,
        "v": version,
        "step": step,
        "steps": _steps(application, step),
        "title": STEP_TITLES[step],
        "who": services.identity(request.user),
        "data": application.data,
        "errors": [*errors, *refused.values()],
        "field_errors": field_errors,
        "deliveries": [(d, rules.DELIVERY_LABELS[d]) for d in allowed],
        "delivery_label": rules.DELIVERY_LABELS.get(application.delivery, ""),
        "components": [
            {"c": c, "file": files.get(c.pk), "error": field_errors.get(f"c{c.pk}-file")}
            for c in components
        ],
        "is_last": step == Application.STEPS[-1],
        "is_first": step == Application.STEPS[0],
    }
    if step == "giay-to":
        context["reusable"] = services.reusable_files(request.user, components)
    if step in ("phi", "xem-lai"):
        context["fees"] = list(version.fees.all())
        context["fee_total"] = version.items.fee_total
    if step == "xem-lai":
        context["form_rows"] = eform.shown(version.form_fields, application.data.get("form", {}))
        context["due"] = expected_due(version)
        context["problems"] = services.problems(application, request.user)
    return context


@require_POST
@applicant_required
def submit(request, pk):
    application = queries.application(request.user, pk)
    if application is None:
        raise Http404("no such application")
    try:
        dossier = services.submit(
            actor=request.user,
            application=application,
            consent=request.POST.get("consent") == "yes",
        )
    except DomainError as error:
        audit.record(
            actor=request.user,
            action="portal.application_refused",
            obj=application,
            changes={"code": error.code},
        )
        version = services.version_now(application.procedure.code)
        context = _context(request, application, version, "xem-lai", [], {})
        context["submit_error"] = error
        return render(request, "portal/apply.html", context, status=error.status)
    messages.success(
        request,
        _("Đã nộp hồ sơ %(code)s. Bộ phận Một cửa sẽ kiểm tra và tiếp nhận.")
        % {"code": dossier.code},
    )
    return redirect("portal:dossier", code=dossier.code)


@require_POST
@applicant_required
def discard(request, pk):
    application = queries.application(request.user, pk)
    if application is None:
        raise Http404("no such application")
    if not application.submitted:
        services.discard(actor=request.user, application=application)
        messages.info(request, _("Đã xoá hồ sơ đang soạn."))
    return redirect("portal:mine")


@applicant_required
def attached_file(request, pk, component_id: int):
    """The owner sees what they attached (no one else: 404)."""
    from egov.core import files

    application = queries.application(request.user, pk)
    row = application and application.files.filter(component_id=component_id).first()
    if not row:
        raise Http404("no such file")
    return files.respond(row.file, content_type=row.content_type, filename=row.original_name)
