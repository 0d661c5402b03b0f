"""The province administrator's page for the signing trust: the roots and intermediate
CAs the province trusts, the CRLs, and the signing credentials (officers' PKCS#12 files
and agencies' seals), with each one's state today. Every form goes through the audited
services of ``services.trust``; a refusal is shown next to its field and writes
nothing. PKCS#11 tokens are registered with ``manage.py signing_trust`` (the module path
is the server's, not something to upload)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from egov.core.errors import DomainError
from egov.directory.models import Agency
from egov.signing import rules, services
from egov.signing.models import Credential, RevocationList, TrustedCertificate
from egov.signing.trust import Trust

MAX_FILE = 1024 * 1024  # a certificate, a CRL or a PKCS#12 file is a few kilobytes


def _file(request: HttpRequest, name: str, *, required: bool = True) -> bytes:
    upload = request.FILES.get(name)
    if upload is None:
        if not required:
            return b""
        raise DomainError("file_required", "Chưa chọn tệp.", "No file was chosen.", field=name)
    if upload.size > MAX_FILE:
        raise DomainError(
            "file_too_large",
            "Tệp quá lớn (tối đa 1 MB).",
            "The file is too large (1 MB at most).",
            field=name,
            status=413,
        )
    return upload.read()


def _state(credential: Credential, trust: Trust, now) -> tuple[str, str]:
    """("ok", "") or (code, message) of why the credential cannot sign today."""
    try:
        rules.check_certificate(credential, trust, now)
    except DomainError as refused:
        return refused.code, f"{refused.message} ({refused.message_en})"
    return "ok", ""


def _import_credential(request: HttpRequest) -> Credential:
    post = request.POST
    errors = []
    agency = Agency.objects.filter(pk=post.get("agency") or None).first()
    if agency is None:
        errors.append(("agency", "Chọn cơ quan.", "Choose the agency."))
    kind = post.get("kind", "")
    if kind not in Credential.Kind.values:
        errors.append(("kind", "Chọn loại chứng thư.", "Choose the kind."))
    holder = None
    if kind == Credential.Kind.PERSONAL:
        holder = get_user_model().objects.filter(username=post.get("holder", "").strip()).first()
        if holder is None:
            errors.append(
                ("holder", "Không có cán bộ với tên đăng nhập này.", "No officer has this login.")
            )
    if "file" not in request.FILES:
        errors.append(("file", "Chưa chọn tệp.", "No file was chosen."))
    if errors:
        field, vi, en = errors[0]
        raise DomainError(
            "credential_form_invalid",
            vi,
            en,
            field=field,
            details={"fields": [{"field": f, "message": v, "message_en": e} for f, v, e in errors]},
        )
    return services.import_pkcs12(
        actor=request.user,
        agency=agency,
        data=_file(request, "file"),
        passphrase=post.get("passphrase", ""),
        kind=kind,
        holder=holder,
        image=_file(request, "image", required=False),
    )


ACTIONS = {
    "certificate": lambda request: services.add_trusted_certificate(
        actor=request.user,
        data=_file(request, "file"),
        is_root=request.POST.get("is_root") == "on",
    ),
    "crl": lambda request: services.add_revocation_list(
        actor=request.user, data=_file(request, "file")
    ),
    "credential": _import_credential,
}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def trust_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_province_admin:
        raise PermissionDenied
    status, error, form = 200, None, request.POST.get("form", "")
    if request.method == "POST":
        if form == "withdraw":
            credential = get_object_or_404(Credential, pk=request.POST.get("credential"))
            services.withdraw_credential(actor=request.user, credential=credential)
            messages.success(request, _("Đã ngừng sử dụng chứng thư số."))
            return redirect("signing:trust")
        action = ACTIONS.get(form)
        if action is None:
            return HttpResponse(status=400)
        try:
            action(request)
        except DomainError as refused:
            status, error = refused.status, refused
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("signing:trust")
    trust, now = Trust.configured(), timezone.now()
    credentials = list(
        Credential.objects.select_related("agency", "holder").order_by("-active", "-created_at")
    )
    field_errors = {}
    if error is not None:
        for item in (error.details or {}).get("fields", []):
            field_errors.setdefault(item["field"], f"{item['message']} ({item['message_en']})")
        field_errors.setdefault(error.field or "form", f"{error.message} ({error.message_en})")
    context = {
        "roots": TrustedCertificate.objects.order_by("-is_root", "name"),
        "crls": RevocationList.objects.order_by("issuer"),
        "credentials": [(c, *_state(c, trust, now)) for c in credentials],
        "agencies": Agency.objects.order_by("name").only("pk", "name", "code"),
        "kinds": Credential.Kind.choices,
        "form": form,
        "errors": field_errors,
        "posted": request.POST if error is not None else {},
    }
    return render(request, "signing/trust.html", context, status=status)
