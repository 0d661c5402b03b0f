"""Dossiers filed on the national portal, delivered to the back office (issue 16,
point 6): the portal posts the dossier (``views.inbound_dossier``); its files are
fetched from the portal's own addresses and checked by their content; the applicant's
account is the one the portal vouched for (its citizens log in with VNeID), found or
created through ``portal.accounts.sign_in_by_sso``; the dossier is filed through
``dossiers.services.submit_online`` (national status 1, waiting for the desk).

Idempotent on the national dossier id (``MaHoSoQG``): a delivery the portal repeats
(it got no answer the first time) finds the dossier already created and gets the same
answer; two deliveries at once create one dossier (the unique id; the loser's whole
transaction is rolled back, nothing half-written)."""

from __future__ import annotations

import datetime
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from egov.core.errors import DomainError
from egov.directory.models import Agency, User
from egov.dossiers import services as dossiers
from egov.national import conf
from egov.national.models import InboundDossier

ISSUER = "dvcqg"  # the accounts the national portal vouched for


@dataclass
class Outcome:
    inbound: InboundDossier
    created: bool


def _invalid(code: str, vi: str, en: str, field: str) -> DomainError:
    return DomainError(code, vi, en, field=field)


def _text(message: dict, name: str, field: str | None = None, required: bool = True) -> str:
    value = message.get(name)
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _invalid(
            "inbound_field_missing",
            f"Thiếu thông tin bắt buộc: {field or name}.",
            f"A required field is missing: {field or name}.",
            field or name,
        )
    return value.strip()


def _birth_date(value: Any) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.datetime.strptime(str(value)[:8], "%Y%m%d").date()
    except ValueError:
        raise _invalid(
            "inbound_date_invalid",
            "Ngày sinh phải theo định dạng yyyyMMdd.",
            "The date of birth must be yyyyMMdd.",
            "ChuHoSo.NgaySinh",
        ) from None


def _unavailable(field: str, error: Exception) -> DomainError:
    return DomainError(
        "inbound_file_unavailable",
        "Không tải được tệp đính kèm từ Cổng Dịch vụ công quốc gia; hãy gửi lại sau.",
        "An attached file could not be fetched from the national portal; send again later.",
        field=field,
        status=503,
        details={"error": str(error)[:200]},
    )


class _RefuseRedirect(urllib.request.HTTPRedirectHandler):
    """A file address that redirects elsewhere is not followed (it would lead the back
    office to fetch from anywhere): the redirect is an error."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_RefuseRedirect)


def fetch_file(url: str, *, field: str) -> bytes:
    """A file from the portal's own address (never from anywhere else: the address comes
    from the message), at most ``EGOV_DOSSIER_MAX_FILE_BYTES``."""
    from django.conf import settings

    if not url.startswith(conf.url() + "/"):
        raise _invalid(
            "inbound_file_foreign",
            "Tệp đính kèm phải lấy từ địa chỉ của Cổng Dịch vụ công quốc gia.",
            "An attached file must come from the national portal's address.",
            field,
        )
    limit = settings.EGOV_DOSSIER_MAX_FILE_BYTES
    try:
        with _NO_REDIRECTS.open(url, timeout=conf.timeout()) as answer:
            data = answer.read(limit + 1)
    except urllib.error.HTTPError as error:
        if error.code >= 500 or error.code == 429:
            raise _unavailable(field, error) from error
        raise DomainError(
            "inbound_file_refused",
            f"Cổng Dịch vụ công quốc gia không trả tệp đính kèm (HTTP {error.code}).",
            f"The national portal did not give an attached file (HTTP {error.code}).",
            field=field,
        ) from error
    except (urllib.error.URLError, OSError) as error:
        raise _unavailable(field, error) from error
    if len(data) > limit:
        raise DomainError(
            "inbound_file_too_large",
            "Tệp đính kèm quá lớn.",
            "An attached file is too large.",
            field=field,
            status=413,
        )
    return data


def _applicant(owner: dict) -> tuple[dict, Any]:
    from egov.portal.accounts import SsoPerson

    business = owner.get("LoaiDoiTuong") == 2
    id_number = str(owner.get("SoDinhDanh") or "").strip()
    tax_code = str(owner.get("MaSoThue") or "").strip()
    name = _text(owner, "HoTen", "ChuHoSo.HoTen")
    if not (tax_code if business else id_number):
        raise _invalid(
            "inbound_identity_missing",
            "Thiếu số định danh của chủ hồ sơ (CCCD, hoặc mã số thuế của tổ chức).",
            "The applicant's identifier is missing (ID number, or the business tax code).",
            "ChuHoSo.SoDinhDanh",
        )
    applicant = {
        "type": "business" if business else "citizen",
        "name": name,
        "id_number": id_number,
        "tax_code": tax_code,
        "birth_date": _birth_date(owner.get("NgaySinh")),
        "address": str(owner.get("DiaChi") or ""),
        "phone": str(owner.get("SoDienThoai") or ""),
        "email": str(owner.get("Email") or ""),
    }
    person = SsoPerson(
        subject=f"{'mst' if business else 'cccd'}:{tax_code if business else id_number}",
        kind=User.Kind.BUSINESS if business else User.Kind.CITIZEN,
        full_name=name,
        id_number=id_number,
        date_of_birth=applicant["birth_date"],
        phone=applicant["phone"],
        email=applicant["email"],
        address=applicant["address"],
        tax_code=tax_code,
        organisation_name=name if business else "",
        acr="",
    )
    return applicant, person


def _components(message: dict, version) -> list[dossiers.ComponentInput]:
    """Each attached file on the line of its component (matched by name); the files
    are fetched here, before any transaction (a download can take long)."""
    by_name = {" ".join(c.name.split()).casefold(): c for c in version.components.all()}
    items = message.get("TaiLieuNop") or []
    if not isinstance(items, list):
        raise _invalid(
            "inbound_files_invalid",
            "TaiLieuNop phải là một danh sách.",
            "TaiLieuNop must be a list.",
            "TaiLieuNop",
        )
    inputs = []
    for index, item in enumerate(items):
        field = f"TaiLieuNop[{index}]"
        if not isinstance(item, dict):
            raise _invalid("inbound_files_invalid", "Tệp không hợp lệ.", "Invalid file.", field)
        name = _text(item, "TenThanhPhan", f"{field}.TenThanhPhan")
        component = by_name.get(" ".join(name.split()).casefold())
        url = _text(item, "DuongDan", f"{field}.DuongDan")
        data = fetch_file(url, field=f"{field}.DuongDan")
        file_name = str(item.get("TenTep") or url.rsplit("/", 1)[-1] or "tep.pdf")
        inputs.append(
            dossiers.ComponentInput(
                component_id=component.pk if component else None,
                name=name,
                originals=1,
                file=SimpleUploadedFile(file_name, data),
            )
        )
    return inputs


def receive_inbound_dossier(*, actor: Any, message: dict) -> Outcome:
    """File the national portal's dossier ``message`` here (see the module's doc), or
    find the one already filed for its ``MaHoSoQG``."""
    from egov.catalog import cache as catalog_cache
    from egov.portal.accounts import sign_in_by_sso

    national_id = _text(message, "MaHoSoQG")
    done = InboundDossier.objects.select_related("dossier").filter(national_id=national_id)
    if (found := done.first()) is not None:
        return Outcome(found, created=False)
    procedure_code = _text(message, "MaTTHC")
    agency = Agency.objects.filter(code=_text(message, "MaCoQuanTiepNhan")).first()
    if agency is None:
        raise _invalid(
            "inbound_agency_unknown",
            "Cơ quan tiếp nhận không có trong danh mục của tỉnh.",
            "The receiving agency is not in the province's directory.",
            "MaCoQuanTiepNhan",
        )
    owner = message.get("ChuHoSo")
    if not isinstance(owner, dict):
        raise _invalid(
            "inbound_field_missing",
            "Thiếu thông tin chủ hồ sơ.",
            "The applicant is missing.",
            "ChuHoSo",
        )
    applicant, person = _applicant(owner)
    version = catalog_cache.version_in_force(procedure_code, None)
    from egov.dossiers import rules as dossier_rules

    dossier_rules.check_procedure_offered(version, procedure_code)
    components = _components(message, version)
    try:
        with transaction.atomic():
            user, _ = sign_in_by_sso(actor=actor, issuer=ISSUER, person=person)
            dossier = dossiers.submit_online(
                actor=user,
                procedure_code=procedure_code,
                receiving_agency=agency,
                applicant=applicant,
                components=components,
                summary=str(message.get("TrichYeuHoSo") or "")[:1000],
            )
            inbound = InboundDossier.objects.create(
                national_id=national_id, dossier=dossier, files=len(components)
            )
    except IntegrityError:
        # Delivered twice at once: the other delivery created it (this one wrote nothing).
        if (found := done.first()) is None:
            raise
        return Outcome(found, created=False)
    return Outcome(inbound, created=True)
