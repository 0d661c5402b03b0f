"""Rules of the one-stop shop, one function each, with a stable error code."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable
from typing import Any

from django.conf import settings

from egov.core import files, uploads
from egov.core.errors import Conflict, DomainError, NotPermitted
from egov.directory.rules import check_cccd

__all__ = ["check_cccd"]


def check_version(dossier: Any, expected: int | None) -> None:
    """Optimistic concurrency: refuse a change made from a stale copy (409)."""
    if expected is not None and int(expected) != dossier.version:
        raise Conflict(
            "version_mismatch",
            "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trước khi thao tác.",
            "The dossier was changed by someone else. Reload it before acting.",
            details={"current_version": dossier.version, "your_version": int(expected)},
        )


def check_procedure_offered(version: Any, code: str) -> None:
    if version is None:
        raise DomainError(
            "procedure_not_offered",
            f"Thủ tục '{code}' không có phiên bản đang có hiệu lực.",
            f"Procedure '{code}' has no version in force.",
            field="procedure",
        )


def check_channel(version: Any, channel: str) -> None:
    allowed = {
        "counter": version.channel_counter,
        "post": version.channel_post,
        "online": version.channel_online,
    }
    if not allowed.get(channel, False):
        raise DomainError(
            "channel_not_allowed",
            "Thủ tục này không nhận hồ sơ qua kênh đã chọn.",
            f"This procedure does not accept dossiers through '{channel}'.",
            field="channel",
        )


def check_competent(version: Any, agency: Any) -> None:
    """The processing agency must implement the procedure (by name or by tier)."""
    items = version.items
    agencies, tiers = items.agency_ids, items.tier_ids
    if agency.pk in agencies or agency.tier_id in tiers or not (agencies or tiers):
        return
    raise DomainError(
        "agency_not_competent",
        f"'{agency.name}' không có thẩm quyền giải quyết thủ tục này.",
        f"'{agency.name}' is not competent for this procedure.",
        field="processing_agency",
    )


def _as_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None  # a malformed date is the date field's own error


def check_applicant(applicant: dict[str, Any]) -> None:
    check_applicant_name(applicant)
    check_applicant_identifier(applicant)


def check_applicant_name(applicant: dict[str, Any]) -> None:
    if not (applicant.get("name") or "").strip():
        raise DomainError(
            "required",
            "Thiếu họ tên người nộp hồ sơ.",
            "Applicant name is required.",
            field="applicant.name",
        )


def check_applicant_identifier(applicant: dict[str, Any]) -> None:
    """A citizen's ID (CCCD, checked against the date of birth and sex entered) or a
    business's tax code."""
    kind = applicant.get("type", "citizen")
    if kind == "citizen":
        try:
            check_cccd(
                applicant.get("id_number", ""),
                birth_date=_as_date(applicant.get("birth_date")),
                sex=applicant.get("sex"),
            )
        except DomainError as exc:
            exc.field = "applicant.id_number"
            raise
    elif not (applicant.get("tax_code") or "").strip():
        raise DomainError(
            "required",
            "Thiếu mã số thuế của tổ chức.",
            "Business tax code is required.",
            field="applicant.tax_code",
        )


def check_mandatory_components(version: Any, provided_ids: set[int]) -> None:
    """A dossier found complete must contain every mandatory component."""
    missing = [
        c for c in version.items.components.values() if c.mandatory and c.pk not in provided_ids
    ]
    if missing:
        raise DomainError(
            "components_missing",
            "Hồ sơ thiếu thành phần bắt buộc: " + "; ".join(c.name for c in missing) + ".",
            "Mandatory components missing: " + "; ".join(c.name for c in missing) + ".",
            field="components",
            details={"missing": [{"id": c.pk, "name": c.name} for c in missing]},
        )


def check_reason(reason: str, field: str = "reason") -> None:
    if not (reason or "").strip():
        raise DomainError(
            "reason_required", "Cần nêu rõ lý do.", "A reason is required.", field=field
        )


def check_file_size(size: int, field: str = "file") -> None:
    """One file is at most ``EGOV_UPLOAD_MAX_FILE_BYTES`` (also enforced while the
    request streams in, ``egov.core.uploads``)."""
    if size > settings.EGOV_UPLOAD_MAX_FILE_BYTES:
        raise uploads.file_too_large(settings.EGOV_UPLOAD_MAX_FILE_BYTES, field=field)


_REFUSALS = {
    "markup": (
        "Tệp chứa mã trang web hoặc mã lệnh, không phải bản quét.",
        "The file holds web page markup or script, not a scan.",
    ),
    "pdf_invalid": (
        "Tệp PDF bị hỏng hoặc không đầy đủ, không mở được.",
        "The PDF file is damaged or incomplete and cannot be opened.",
    ),
    "image_invalid": (
        "Tệp ảnh bị hỏng, không đầy đủ hoặc có dữ liệu lạ kèm theo.",
        "The image is damaged, incomplete or carries extra data.",
    ),
    "image_too_large": (
        "Ảnh có quá nhiều điểm ảnh (quá 80 triệu), không phải bản quét thông thường.",
        "The image has too many pixels (over 80 million) for a scan.",
    ),
    "unknown_type": (
        "Chỉ nhận tệp PDF, PNG hoặc JPEG (kiểm tra theo nội dung tệp).",
        "Only PDF, PNG or JPEG files are accepted (checked by content).",
    ),
}


def check_upload(file: Any, field: str = "file") -> str:
    """The content type of an uploaded scan or result, decided by its whole content
    (``egov.core.files.inspect``: a PDF that opens, a PNG or JPEG that decodes, no
    markup); its name and declared type do not count. Refuses other files and files
    over the per-file limit."""
    check_file_size(file.size or 0, field=field)
    verdict = files.inspect(files.read_all(file))
    if not verdict.content_type:
        vi, en = _REFUSALS[verdict.reason]
        raise DomainError(
            "file_type_not_accepted", vi, en, field=field, details={"reason": verdict.reason}
        )
    return verdict.content_type


def check_dossier_files(total: int, field: str = "file") -> None:
    """All the files of one dossier together are at most
    ``EGOV_DOSSIER_MAX_FILE_BYTES``."""
    limit = settings.EGOV_DOSSIER_MAX_FILE_BYTES
    if total > limit:
        raise DomainError(
            "dossier_files_too_large",
            f"Tổng dung lượng tệp của hồ sơ vượt quá {uploads.size_text(limit, ',')}.",
            f"The files of this dossier would exceed {uploads.size_text(limit)} in total.",
            field=field,
            details={"limit": limit, "total": total},
            status=413,
        )


def check_step_role(step: Any, roles: frozenset[str]) -> None:
    if step is not None and step.role not in roles:
        raise NotPermitted(
            action=f"step:{step.name}",
            details={"step": step.name, "role_required": step.role},
        )


def check_step_action(step: Any, action: str) -> None:
    if step is not None and action not in (step.actions or []):
        raise Conflict(
            "step_action_not_allowed",
            f"Bước '{step.name}' không cho phép thao tác '{action}'.",
            f"Step '{step.name}' does not allow '{action}'.",
            details={"allowed": list(step.actions or [])},
        )


def is_decision_step(step: Any, steps: list[Any]) -> bool:
    """The step where the result is decided (recorded, or refused): the final step, or
    the last step before the desk's own closing steps (workflows often end with "return
    the result" at the desk, which comes after the decision; Decree 61/2018 art. 19)."""
    if step is None:
        return True
    return step.is_final or all(s.role == "desk_officer" for s in steps if s.order > step.order)


def check_not_final(step: Any, decision: bool = False) -> None:
    if step is not None and (step.is_final or decision):
        raise Conflict(
            "final_step",
            "Đây là bước cuối: hãy ghi nhận kết quả hoặc từ chối giải quyết.",
            "This is the final step: record the result or refuse.",
        )


def check_final(step: Any) -> None:
    if step is not None and not step.is_final:
        raise Conflict(
            "not_final_step",
            "Chỉ ghi nhận kết quả ở bước cuối của quy trình.",
            "The result is recorded at the final step of the workflow.",
        )


def check_tasks_done(open_tasks: list[Any]) -> None:
    if open_tasks:
        names = ", ".join(t.agency.name for t in open_tasks)
        raise Conflict(
            "tasks_open",
            f"Các cơ quan phối hợp chưa xong phần việc: {names}.",
            f"Participating agencies have not finished: {names}.",
            details={"agencies": [t.agency.code for t in open_tasks]},
        )


def check_same_province_higher(agency: Any, target: Any) -> None:
    """Cross-level transfer goes to a higher authority of the same province."""
    if target.tier.rank >= agency.tier.rank or target.root_id != agency.root_id:
        raise DomainError(
            "transfer_target_invalid",
            "Chỉ chuyển liên thông lên cơ quan cấp trên trong tỉnh.",
            "Cross-level transfer goes to a higher authority of the same province.",
            field="agency",
        )


SUPPLEMENT_REQUEST_ACTIONS = (
    "receive_incomplete",
    "request_reception_supplement",
    "request_supplement",
)


def check_supplement_request_allowed(previous_requests: int) -> None:
    """A correction or supplement may be requested only once (Decree 118/2025/NĐ-CP art.
    11: "chỉ được yêu cầu sửa đổi, bổ sung một lần"), at reception or during processing.
    The number allowed is a setting (``EGOV_SUPPLEMENT_REQUESTS_MAX``, default 1), since
    the full text of the decree was not at hand when this was written."""
    allowed = settings.SUPPLEMENT_REQUESTS_MAX
    if previous_requests >= allowed:
        raise Conflict(
            "supplement_already_requested",
            "Hồ sơ này đã được yêu cầu bổ sung, hoàn thiện"
            + (" một lần" if allowed == 1 else f" {previous_requests} lần")
            + "; không được yêu cầu thêm (Nghị định 118/2025/NĐ-CP, Điều 11). "
            "Hãy giải quyết hoặc từ chối giải quyết hồ sơ.",
            "A supplement was already requested for this dossier"
            + (" once" if allowed == 1 else f" {previous_requests} times")
            + "; no further request is allowed (Decree 118/2025, art. 11). "
            "Decide the dossier or refuse it.",
            field="reason",
            details={"previous_requests": previous_requests, "allowed": allowed},
        )


# ---------------------------------------------------------------- who files online

# The component line that carries a representative's authorisation ("giấy ủy quyền"):
# a line of the procedure with this in its name, or a free line the client names so
# (the API names a line flagged ``authorisation`` this way).
AUTHORISATION_NAME = "Giấy ủy quyền"


def _same_text(a: str, b: str) -> bool:
    """Names compared as people read them: Unicode NFC (a name typed on a phone and
    the same name from VNeID may differ in composition), case and spacing ignored,
    diacritics kept (Lân and Lan are two people)."""

    def norm(value: str) -> str:
        return " ".join(unicodedata.normalize("NFC", value or "").casefold().split())

    return norm(a) == norm(b)


def _is_authorisation(name: str) -> bool:
    text = unicodedata.normalize("NFC", name or "").casefold().replace("uỷ", "ủy")
    return "ủy quyền" in text


def authorisation_line_name(name: str) -> str:
    """The name of a free component line the client flags as the authorisation."""
    if _is_authorisation(name):
        return name
    return f"{AUTHORISATION_NAME}: {name}" if name else AUTHORISATION_NAME


def account_identity(actor: Any) -> dict[str, str]:
    """The identity an applicant account was registered with (its profile): the
    verified data an online submission is compared with (one read)."""
    from egov.directory.models import ApplicantProfile

    row = ApplicantProfile.objects.filter(user_id=actor.pk).values("id_number", "tax_code").first()
    return {
        "kind": getattr(actor, "kind", ""),
        "full_name": getattr(actor, "full_name", "") or "",
        "id_number": (row or {}).get("id_number") or "",
        "tax_code": (row or {}).get("tax_code") or "",
    }


def check_account_verified(identity: dict[str, str]) -> None:
    """An account files online only once its identity is known: a citizen's name and
    ID number, a business's tax code (Decree 69/2024: citizens log in with VNeID, which
    gives both)."""
    business = identity["kind"] == "business"
    missing = (
        not identity["tax_code"]
        if business
        else not (identity["id_number"] and identity["full_name"])
    )
    if missing:
        raise DomainError(
            "account_identity_unverified",
            "Tài khoản chưa có thông tin định danh đã xác thực (họ tên và số CCCD, hoặc mã số "
            "thuế của tổ chức): không thể nộp hồ sơ trực tuyến.",
            "The account has no verified identity (name and ID number, or the business tax "
            "code): it cannot file dossiers online.",
            field="applicant",
            status=403,
        )


def check_account_holder(identity: dict[str, str], applicant: dict[str, Any]) -> None:
    """A citizen account files in its own name and ID number (or as a declared
    representative, ``check_representation``). Every field that differs is listed."""
    fields = []
    if applicant.get("type", "citizen") != "citizen":
        fields.append("applicant.type")
    else:
        if (applicant.get("id_number") or "").strip() != identity["id_number"]:
            fields.append("applicant.id_number")
        if not _same_text(applicant.get("name", ""), identity["full_name"]):
            fields.append("applicant.name")
    if fields:
        raise DomainError(
            "applicant_not_account_holder",
            "Người nộp hồ sơ phải là chủ tài khoản (họ tên và số CCCD của tài khoản), hoặc "
            "người được ủy quyền có giấy ủy quyền kèm theo hồ sơ.",
            "The applicant must be the account holder (the account's name and ID number), "
            "or a representative with an authorisation attached to the dossier.",
            field=fields[0],
            details={"fields": fields},
            status=403,
        )


def check_account_business(identity: dict[str, str], applicant: dict[str, Any]) -> None:
    """A business account files for its own business: the applicant is an organisation
    with the account's tax code."""
    if applicant.get("type", "citizen") != "business":
        field = "applicant.type"
    elif (applicant.get("tax_code") or "").strip() != identity["tax_code"]:
        field = "applicant.tax_code"
    else:
        return
    raise DomainError(
        "applicant_not_account_business",
        "Tài khoản tổ chức chỉ nộp hồ sơ cho chính tổ chức đó (mã số thuế của tài khoản).",
        "A business account files only for its own business (the account's tax code).",
        field=field,
        status=403,
    )


def check_representation(components: list[Any]) -> None:
    """A declared representative ("người được ủy quyền") attaches the authorisation
    as a component line with its scan (practice: procedures list "Giấy ủy quyền" among
    their components for dossiers filed through an authorised person)."""
    from egov.catalog.models import Component

    with_file = [item for item in components if getattr(item, "file", None)]
    ids = [item.component_id for item in with_file if item.component_id]
    # A line of the procedure is stored under the procedure's name for it.
    names = dict(Component.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    for item in with_file:
        name = names.get(item.component_id, "") if item.component_id else item.name
        if _is_authorisation(name):
            return
    raise DomainError(
        "representative_authorisation_missing",
        f"Người nộp thay phải đính kèm '{AUTHORISATION_NAME}' (bản quét) trong thành phần hồ sơ.",
        f"A representative must attach the authorisation ('{AUTHORISATION_NAME}') as a "
        "scanned component.",
        field="components",
        status=403,
    )


def check_online_submitter(
    actor: Any, applicant: dict[str, Any], components: list[Any], *, representative: bool
) -> None:
    """An online dossier is bound to the account that files it: the account holder in
    person, a business for itself, or a declared representative with an authorisation."""
    identity = account_identity(actor)
    check_account_verified(identity)
    if representative:
        check_representation(components)
    elif identity["kind"] == "business":
        check_account_business(identity, applicant)
    else:
        check_account_holder(identity, applicant)


def problems(*checks: Callable[[], None]) -> list[DomainError]:
    """Every refusal of ``checks`` at once (a form shows them all next to their fields,
    where a service stops at the first)."""
    found = []
    for check in checks:
        try:
            check()
        except DomainError as error:
            found.append(error)
    return found


def _same_person_name(a: str, b: str) -> bool:
    """Names compared as written, but for case and spacing ("Lan" and "Lân" differ)."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def identity_warnings(
    applicant: dict[str, Any],
    earlier: list[tuple[str, datetime.date | None]],
    open_codes: list[str],
) -> list[dict[str, Any]]:
    """What the desk must confirm before receiving (DOMAIN.md section 11): the ID number
    was used in earlier dossiers with another name or date of birth (``earlier``: the
    (name, date of birth) pairs on record), or the same person asks for the same
    procedure while earlier dossiers are still open (``open_codes``). Warnings, not
    refusals: a name can be corrected, a person may really apply twice."""
    warnings: list[dict[str, Any]] = []
    name = (applicant.get("name") or "").strip()
    born = _as_date(applicant.get("birth_date"))
    names = sorted({n for n, _ in earlier if n and not _same_person_name(n, name)})
    births = sorted({b for _, b in earlier if b and born and b != born})
    if names or births:
        known = ", ".join(names[:3]) if names else name
        dates = ", ".join(b.strftime("%d/%m/%Y") for b in births[:3])
        warnings.append(
            {
                "code": "applicant_identity_mismatch",
                "field": "applicant.id_number",
                "message": "Số CCCD này đã dùng trong hồ sơ trước với "
                + (f"họ tên «{known}»" if names else "")
                + (" và " if names and births else "")
                + (f"ngày sinh {dates}" if births else "")
                + ": hãy kiểm tra giấy tờ của người nộp.",
                "message_en": "This ID number was used in earlier dossiers with "
                + (f"the name «{known}»" if names else "")
                + (" and " if names and births else "")
                + (f"the date of birth {dates}" if births else "")
                + ": check the applicant's papers.",
                "names": names[:3],
                "birth_dates": [b.isoformat() for b in births[:3]],
            }
        )
    if open_codes:
        codes = ", ".join(open_codes)
        warnings.append(
            {
                "code": "duplicate_open_dossier",
                "field": "procedure",
                "message": f"Người này đang có hồ sơ cùng thủ tục chưa giải quyết xong: {codes}.",
                "message_en": f"This person has an open dossier of the same procedure: {codes}.",
                "dossiers": open_codes,
            }
        )
    return warnings


def check_warnings_confirmed(warnings: list[dict[str, Any]], confirmed: bool) -> None:
    """409 ``confirmation_required`` listing the warnings, until the officer confirms
    (``confirm_warnings``)."""
    if warnings and not confirmed:
        raise Conflict(
            "confirmation_required",
            " ".join(w["message"] for w in warnings)
            + " Đánh dấu «Đã kiểm tra, vẫn tiếp nhận» để tiếp tục.",
            " ".join(w["message_en"] for w in warnings)
            + " Tick «Checked, receive anyway» (confirm_warnings) to go on.",
            field="confirm_warnings",
            details={"warnings": warnings},
        )


def check_online_files(components: list[Any]) -> None:
    """Every file of an online dossier belongs to a component of the procedure (or is
    the authorisation of a representative): a file on a free line would be shown to the
    desk while the checklist says its component is missing. All such lines at once."""
    stray = [
        index
        for index, item in enumerate(components)
        if item.file is not None and not item.component_id and not _is_authorisation(item.name)
    ]
    if stray:
        raise DomainError(
            "file_component_unknown",
            "Tệp không thuộc thành phần nào của thủ tục: hãy chọn thành phần hồ sơ "
            f"(dòng {', '.join(str(i + 1) for i in stray)}).",
            "A file belongs to no component of the procedure: give its component_id "
            f"(line {', '.join(str(i + 1) for i in stray)}).",
            field=f"components[{stray[0]}].component_id",
            details={"lines": stray},
        )


def checked_form_data(version: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The procedure's own fields of an online dossier (``catalog.eform``), cleaned;
    refuses with every error listed (``details.errors``), the first as ``field``."""
    from egov.catalog import eform

    kept, errors = eform.clean(version.form_fields, data)
    if errors:
        raise DomainError(
            errors[0].code,
            errors[0].message,
            errors[0].message_en,
            field=f"form_data.{errors[0].field}",
            details={"errors": [{**e.as_dict(), "field": f"form_data.{e.field}"} for e in errors]},
        )
    return kept
