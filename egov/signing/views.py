"""Pages of the signing app: the public verification page (anyone, in Vietnamese
for a citizen), and the leader's batch signature with its per-document results."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from egov.core.clientip import client_ip
from egov.core.errors import DomainError
from egov.dossiers.models import Dossier
from egov.signing import conf, queries, rules, services

INDICATIONS = {
    "TOTAL_PASSED": (_("Hợp lệ"), _("Chữ ký số hợp lệ, tài liệu không bị thay đổi sau khi ký.")),
    "TOTAL_FAILED": (
        _("Không hợp lệ"),
        _("Chữ ký số không hợp lệ hoặc tài liệu đã bị thay đổi."),
    ),
    "INDETERMINATE": (
        _("Chưa xác định được"),
        _("Không đủ căn cứ để khẳng định chữ ký hợp lệ (chứng thư không tin cậy, hết hạn...)."),
    ),
    "NO_SIGNATURE_FOUND": (_("Không có chữ ký số"), _("Tệp không có chữ ký số nào.")),
}
SUB_INDICATIONS = {
    "HASH_FAILURE": _("Nội dung tài liệu đã bị sửa sau khi ký (mã băm không khớp)."),
    "SIG_CRYPTO_FAILURE": _("Chữ ký không khớp với khóa của chứng thư số."),
    "REVOKED": _("Chứng thư số của người ký đã bị thu hồi."),
    "NO_CERTIFICATE_CHAIN_FOUND": _("Chứng thư số không do tổ chức chứng thực được tin cậy cấp."),
    "OUT_OF_BOUNDS_NO_POE": _(
        "Chứng thư số đã hết hạn và không có dấu thời gian chứng minh chữ ký có trước đó."
    ),
    "NOT_YET_VALID": _("Chứng thư số chưa có hiệu lực tại thời điểm ký."),
    "SIG_CONSTRAINTS_FAILURE": _("Tài liệu đã bị thêm hoặc sửa nội dung sau khi ký."),
    "TIMESTAMP_ORDER_FAILURE": _("Dấu thời gian của tài liệu không hợp lệ."),
}
LEVELS = {
    "B-B": _("PAdES B-B (chữ ký cơ bản)"),
    "B-T": _("PAdES B-T (có dấu thời gian)"),
    "B-LT": _("PAdES B-LT (kèm thông tin thu hồi)"),
    "B-LTA": _("PAdES B-LTA (kiểm tra được lâu dài)"),
}


def _local(value: str | None) -> str:
    """An ISO time of the report as a citizen reads it (Asia/Ho_Chi_Minh)."""
    if not value:
        return "—"
    moment = timezone.localtime(datetime.datetime.fromisoformat(value))
    return gettext("%(time)s ngày %(date)s") % {
        "time": moment.strftime("%H:%M:%S"),
        "date": moment.strftime("%d/%m/%Y"),
    }


def _explained(report: dict) -> dict:
    label, text = INDICATIONS[report["indication"]]
    report["label"], report["text"] = str(label), str(text)
    report["reason"] = str(SUB_INDICATIONS.get(report.get("sub_indication") or "", ""))
    for signature in report["signatures"]:
        signature["label"] = str(INDICATIONS[signature["indication"]][0])
        signature["reason"] = str(SUB_INDICATIONS.get(signature.get("sub_indication") or "", ""))
        signature["level_label"] = str(LEVELS.get(signature["level"], signature["level"]))
        signature["signing_time_local"] = _local(signature["signing_time"])
        signature["timestamp_time_local"] = _local(signature["timestamp_time"])
    return report


@require_http_methods(["GET", "HEAD", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    code = (request.POST.get("code") or request.GET.get("ma") or "").strip().upper()[:30]
    context: dict = {"code": code, "limit_mb": conf.verify_max_bytes() // (1024 * 1024)}
    if code:
        found = queries.signed_result_by_code(code)
        context["registered"] = found
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(
                    "file_required",
                    "Chọn tệp PDF cần kiểm tra.",
                    "Choose the PDF to check.",
                    field="file",
                )
            rules.check_size(upload.size or 0, conf.verify_max_bytes())
            report = services.verify_upload(
                actor=request.user, data=upload.read(), code=code, client=client_ip(request)
            )
        except DomainError as refused:
            context["error"], status = refused, refused.status
        else:
            context["report"] = _explained(report)
    response = render(request, "signing/verify.html", context, status=status)
    if request.method == "POST":
        patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def _officer(request: HttpRequest):
    officer = request.user.officer_or_none
    if officer is None:
        raise Http404("officers only")
    return officer


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def batch_page(request: HttpRequest) -> HttpResponse:
    _officer(request)
    waiting = queries.waiting_for_signature(request.user)
    context: dict = {
        "waiting": waiting,
        "credential": queries.personal_credential(request.user),
    }
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("dossiers") if v.isdigit()]
        try:
            run = services.start_batch(
                actor=request.user,
                dossier_ids=ids,
                passphrase=request.POST.get("passphrase", ""),
                note=request.POST.get("note", "")[:2000],
                request=request,
            )
        except DomainError as refused:
            context["error"] = refused
            context["chosen"] = set(ids)
            return render(request, "signing/batch.html", context, status=refused.status)
        response = StreamingHttpResponse(
            _stream(request, run), content_type="text/html; charset=utf-8"
        )
        # Each row goes out when its dossier is done (a proxy must not hold them).
        response["X-Accel-Buffering"] = "no"
        patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response
    return render(request, "signing/batch.html", context)


def _stream(request: HttpRequest, run):
    """The batch page, its rows sent one by one as the dossiers are signed: the
    progress a leader sees."""
    page = render_to_string("signing/batch_run.html", {"batch": run.batch}, request=request)
    head, rest = page.split("<!--rows-->", 1)
    middle, tail = rest.split("<!--summary-->", 1)
    yield head
    codes = {d.pk: d.code for d in Dossier.objects.filter(pk__in=[i.dossier_id for i in run.items])}
    counts = {"signed": 0, "failed": 0}
    for n, item in enumerate(run, start=1):
        counts[item.state] = counts.get(item.state, 0) + 1
        yield render_to_string(
            "signing/_batch_row.html",
            {
                "item": item,
                "n": n,
                "total": run.batch.total,
                "code": codes.get(item.dossier_id, ""),
            },
        )
    yield middle
    yield render_to_string(
        "signing/_batch_summary.html",
        {"total": run.batch.total, "done": sum(counts.values()), **counts},
    )
    yield tail


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    batch = queries.batch(request.user, pk)
    if batch is None:
        raise Http404("no such batch")
    signed = sum(1 for r in batch.rows if r.state == "signed")
    failed = sum(1 for r in batch.rows if r.state == "failed")
    return render(
        request,
        "signing/batch_detail.html",
        {
            "batch": batch,
            "signed": signed,
            "failed": failed,
            "done": signed + failed,
            "percent": round(100 * (signed + failed) / batch.total) if batch.total else 100,
        },
    )
