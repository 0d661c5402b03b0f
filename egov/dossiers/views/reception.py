"""The reception form of the desk ("tiếp nhận hồ sơ", Decree 61/2018 art. 16).

One POST form: the procedure, the channel, the applicant, the checklist of the
procedure's components and three outcome buttons (complete -> form 01, incomplete ->
form 02, refused -> form 03). The checklist of the chosen procedure is loaded with
htmx (``checklist``); without JavaScript the "Tải thành phần" button posts the form
back with ``step=load`` and the page comes back with the checklist, nothing received.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from egov.catalog.models import ProcedureVersion
from egov.catalog.queries import public_versions
from egov.catalog.text import normalise
from egov.core.errors import DomainError
from egov.directory import services as directory_services
from egov.dossiers import rules, services
from egov.dossiers.services import staging
from egov.dossiers.views.common import officer_required, reception_form_number
from egov.dossiers.webforms import SERVICE_FIELDS, ReceptionForm, checklist_from
from egov.registries import desk as registry_desk

MAX_OPTIONS = 300


def _desk_only(user) -> None:
    if not (user.is_superuser or "desk_officer" in user.role_set):
        raise PermissionDenied("desk officers only")


def offered_versions(user, q: str = "") -> list[ProcedureVersion]:
    """Versions in force that this desk can receive on paper, matching ``q`` (name or
    code, ignoring accents and case): implemented by the desk's agency or its tier, or
    by a single named agency (the desk then forwards to it)."""
    qs = public_versions().prefetch_related("agencies")
    qs = qs.filter(Q(channel_counter=True) | Q(channel_post=True))
    for word in normalise(q).split()[:8]:
        qs = qs.filter(search_text__contains=word)
    officer = user.officer_or_none
    out = []
    for version in qs.order_by("procedure__code"):
        agencies = {a.pk for a in version.agencies.all()}
        tiers = {t.pk for t in version.tiers.all()}
        if (
            officer is None
            or officer.agency_id in agencies
            or officer.agency.tier_id in tiers
            or len(agencies) == 1
            or not (agencies or tiers)
        ):
            out.append(version)
        if len(out) >= MAX_OPTIONS:
            break
    return out


def _version(code: str) -> ProcedureVersion | None:
    if not code:
        return None
    return (
        public_versions()
        .filter(procedure__code=code)
        .prefetch_related("components", "fees")
        .first()
    )


def _initial_row(component, data) -> dict:
    """A checklist row: the counts typed (after an error) or the required counts."""

    def value(suffix: str, default: int) -> str:
        if data is not None and f"c{component.pk}-{suffix}" in data:
            return data.get(f"c{component.pk}-{suffix}")
        return str(default)

    missing = data is not None and str(component.pk) in data.getlist("missing")
    return {
        "c": component,
        "originals": value("originals", component.originals),
        "certified": value("certified", component.certified_copies),
        "photocopies": value("photocopies", component.photocopies),
        "missing": missing,
    }


def _checklist_rows(version, data=None, kept=None) -> list[dict]:
    if version is None:
        return []
    kept = kept or {}
    return [
        {**_initial_row(c, data), "staged": kept.get(c.pk), "file_field": f"c{c.pk}-file"}
        for c in version.components.all()
    ]


# Form field of each service check a reception form runs before sending.
def _problems(form, version, items, outcome) -> dict[str, DomainError]:
    """Every problem of the form at once, by form field: the services' checks of the
    applicant, the mandatory components and the reason, next to the form's own
    errors (the service itself stops at the first)."""
    applicant = form.applicant() if form.is_valid() else _typed_applicant(form)
    checks = [
        lambda: rules.check_applicant_name(applicant),
        lambda: rules.check_applicant_identifier(applicant),
    ]
    if version is not None and outcome == "complete":
        provided = {i.component_id for i in items}
        checks.append(lambda: rules.check_mandatory_components(version, provided))
    if outcome == "refused":
        checks.append(lambda: rules.check_reason(form.data.get("reason", "")))
    found = {}
    for problem in rules.problems(*checks):
        name = SERVICE_FIELDS.get(problem.field or "", problem.field or "")
        problem.form_field = name
        found.setdefault(name, problem)
    return found


def _typed_applicant(form) -> dict:
    """The applicant as typed, for the checks, when the form itself has errors."""
    data = form.data
    cleaned = getattr(form, "cleaned_data", {})
    return {
        "type": "citizen",
        "name": data.get("name", ""),
        "id_number": (data.get("id_number") or "").strip(),
        "birth_date": cleaned.get("birth_date"),
    }


# Posts of the form that receive nothing: load the checklist, look the applicant up
# (their account; the population registry: egov.registries.desk).
STEPS = ("load", "lookup", registry_desk.STEP)


def _counter_lookup(request) -> tuple[ReceptionForm, DomainError | None]:
    """The desk looks up the account of the person at the counter by ID number, with
    a reason (audited): their name, date of birth and address fill the form, which
    comes back unbound (nothing received, no field marked as missing)."""
    values = {name: request.POST.get(name, "") for name in ReceptionForm.base_fields}
    try:
        found = directory_services.look_up_applicant(
            actor=request.user,
            id_number=values["id_number"].strip(),
            reason=values["lookup_reason"],
        )
    except DomainError as exc:
        exc.form_field = "lookup_reason" if exc.field == "reason" else (exc.field or "")
        return ReceptionForm(initial=values), exc
    if found is None:
        error = DomainError(
            "applicant_not_found",
            "Không có tài khoản công dân với số CCCD này: nhập thông tin người nộp.",
            "No citizen account has this ID number: type the applicant's details.",
            field="id_number",
        )
        error.form_field = "id_number"
        return ReceptionForm(initial=values), error
    values.update(
        name=found["full_name"],
        address=found["address"] or values["address"],
        birth_date=found["date_of_birth"] or values["birth_date"],
    )
    messages.success(
        request, _("Đã điền thông tin từ tài khoản công dân; lần tra cứu đã được ghi nhật ký.")
    )
    return ReceptionForm(initial=values), None


@require_http_methods(["GET", "POST"])
@officer_required
def reception(request):
    _desk_only(request.user)
    q = request.POST.get("procedure_q", request.GET.get("procedure_q", ""))
    error = None
    field_errors: dict[str, DomainError] = {}
    warnings: list[dict] = []
    kept: dict = {}
    if request.method == "POST":
        form = ReceptionForm(request.POST)
        version = _version(request.POST.get("procedure", ""))
        components = list(version.components.all()) if version else []
        kept = staging.staged(actor=request.user, data=request.POST, components=components)
        if request.POST.get("step") == "lookup":
            form, error = _counter_lookup(request)
        elif request.POST.get("step") == registry_desk.STEP:
            form, error = registry_desk.fill_reception(request)
        elif request.POST.get("step") != "load":
            form_ok = form.is_valid()
            outcome = request.POST.get("outcome", "complete")
            items, missing = checklist_from(
                request.POST,
                request.FILES,
                components,
                staged={pk: staging.as_file(row) for pk, row in kept.items()},
            )
            if outcome == "incomplete" and not missing:
                # Nothing ticked "thiếu": the rows with nothing handed in are missing.
                given = {i.component_id for i in items}
                missing = [c.pk for c in components if c.pk not in given]
            field_errors = _problems(form, version, items, outcome)
            if form_ok and not field_errors and outcome != "refused":
                warnings = services.reception_warnings(
                    actor=request.user,
                    procedure_code=form.cleaned_data["procedure"],
                    applicant=form.applicant(),
                )
                if request.POST.get("confirm_warnings"):
                    warnings = []
        if request.POST.get("step") not in STEPS and form.is_valid() and not field_errors:
            try:
                rules.check_warnings_confirmed(warnings, confirmed=False)
                dossier = services.receive(
                    actor=request.user,
                    procedure_code=form.cleaned_data["procedure"],
                    channel=form.cleaned_data["channel"],
                    applicant=form.applicant(),
                    components=items,
                    outcome=outcome,
                    missing=missing,
                    reason=form.cleaned_data["reason"],
                    summary=form.cleaned_data["summary"],
                    sets=form.cleaned_data["sets"] or 1,
                )
            except DomainError as exc:
                error = exc
                name = SERVICE_FIELDS.get(exc.field or "", "")
                if name.startswith("components") or (exc.field or "").startswith("components"):
                    name = "components"
                error.form_field = name
            else:
                staging.discard(list(kept.values()))
                number = reception_form_number(dossier.status)
                messages.success(
                    request,
                    _("Đã nhận hồ sơ %(code)s: %(status)s.")
                    % {"code": dossier.code, "status": dossier.get_status_display().split(" (")[0]},
                )
                url = reverse("dossiers:dossier", kwargs={"code": dossier.code})
                return redirect(f"{url}?in={number}")
        # Sent back: the scans just chosen are kept for the next send.
        fresh, refused = staging.stage(
            actor=request.user, files=request.FILES, components=components
        )
        kept.update(fresh)
        for name, problem in refused.items():
            field_errors.setdefault(name, problem)
        data = request.POST
    else:
        form = ReceptionForm(initial={"procedure": request.GET.get("procedure", "")})
        version = _version(request.GET.get("procedure", ""))
        data = None
    focus = getattr(error, "form_field", "") if error else ""
    if not focus and form.errors:
        focus = next(iter(form.errors))
    if focus not in form.fields and version is not None:
        focus = "name"  # the procedure is chosen: typing starts with the applicant
    if focus in form.fields:
        form.fields[focus].widget.attrs["autofocus"] = True
    status = 200 if error is None else error.status
    if request.method == "POST" and error is None and request.POST.get("step") not in STEPS:
        status = 400  # the form itself is invalid
    if not focus and field_errors:
        focus = next(iter(field_errors))
    return render(
        request,
        "dossiers/workspace/reception.html",
        {
            "form": form,
            "versions": offered_versions(request.user, q),
            "procedure_q": q,
            "version": version,
            "rows": _checklist_rows(version, data, kept),
            "error": error,
            "field_errors": field_errors,
            "warnings": (error.details or {}).get("warnings", []) if error else [],
        },
        status=status,
    )


@require_GET
@officer_required
def checklist(request):
    """The checklist of one procedure (htmx fragment of the reception form)."""
    _desk_only(request.user)
    version = _version(request.GET.get("procedure", ""))
    return render(
        request,
        "dossiers/workspace/_checklist.html",
        {"version": version, "rows": _checklist_rows(version)},
    )


@require_GET
@officer_required
def procedure_options(request):
    """The <option>s of the procedure select for a search (htmx fragment)."""
    _desk_only(request.user)
    return render(
        request,
        "dossiers/workspace/_procedure_options.html",
        {
            "versions": offered_versions(request.user, request.GET.get("procedure_q", "")),
            "selected": request.GET.get("procedure", ""),
        },
    )
