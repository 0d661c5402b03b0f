"""A dossier and its history in the national portal's words: the record of
``DongBoHoSoMC`` and the progress items of ``CapNhatTienDoHoSoMC`` (docs/national.md).
Times as ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh; status codes as they are
(``lifecycle.NATIONAL_CODE``: all ten, 5, 6 and 8 never folded into 9)."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from egov.dossiers.models import ApplicantType, Channel, Dossier, DossierEvent

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# HinhThuc: how the dossier was filed.
CHANNEL_CODE = {Channel.COUNTER: 0, Channel.ONLINE: 1, Channel.POST: 2}
# LoaiDoiTuong: 1 citizen, 2 business.
APPLICANT_CODE = {ApplicantType.CITIZEN: 1, ApplicantType.BUSINESS: 2}


def timestamp(moment: datetime.datetime | None) -> str:
    """``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh ("" for no time)."""
    return moment.astimezone(TZ).strftime("%Y%m%d%H%M%S") if moment else ""


def record(dossier: Dossier, national_status: int) -> dict[str, Any]:
    """The dossier record of ``DongBoHoSoMC``. ``national_status`` is the status the
    event reports (the dossier may have moved on since; each event sends its own).
    Reads the rows prefetched by ``queries.dossier_for_sync``."""
    version = dossier.procedure_version
    components = list(dossier.components.all())
    fees = list(version.fees.all())
    identity = []
    if dossier.applicant_id_number:
        identity.append({"LoaiDinhDanh": 1, "SoDinhDanh": dossier.applicant_id_number})
    if dossier.applicant_tax_code:
        identity.append({"LoaiDinhDanh": 2, "SoDinhDanh": dossier.applicant_tax_code})
    supplements: dict[int, list[str]] = {}
    for c in components:
        if c.supplement_round and not c.provided:
            supplements.setdefault(c.supplement_round, []).append(c.name)
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": version.procedure.code,
        "TenTTHC": version.name,
        "MaLinhVuc": version.field.code,
        "TenLinhVuc": version.field.name,
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": APPLICANT_CODE.get(dossier.applicant_type, 1),
        "MaDoiTuong": dossier.applicant_id_number or dossier.applicant_tax_code,
        "Email": dossier.applicant_email,
        "SoDienThoai": dossier.applicant_phone,
        "TrichYeuHoSo": dossier.summary,
        "NgayTiepNhan": timestamp(dossier.received_at or dossier.submitted_at),
        "NgayHenTra": timestamp(dossier.due_at),
        "TrangThaiHoSo": national_status,
        "NgayTra": timestamp(dossier.returned_at),
        "HinhThuc": CHANNEL_CODE.get(dossier.channel, 0),
        "NgayKetThucXuLy": timestamp(dossier.finished_at),
        "DonViXuLy": dossier.processing_agency.name,
        "DinhDanhCHS": identity,
        "TaiLieuNop": [
            {
                "TepDinhKemId": c.pk,
                "TenTepDinhKem": c.original_name or c.name,
                "TenThanhPhan": c.name,
                "SoBanChinh": c.originals,
                "SoBanSao": c.certified_copies + c.photocopies,
                "CoTepDinhKem": bool(c.file),
            }
            for c in components
            if c.provided
        ],
        "DanhSachLePhi": [
            {"TenPhiLePhi": f.name, "MucPhi": f.amount, "ThanhToanTrucTuyen": f.payable_online}
            for f in fees
        ],
        "DanhSachHoSoBoSung": [
            {"LanBoSung": round_no, "DanhSachGiayToBoSung": names}
            for round_no, names in sorted(supplements.items())
        ],
        "DanhSachGiayToKetQua": [
            {
                "TenGiayTo": r.name,
                "TenTepDinhKem": r.original_name,
                "NgayTao": timestamp(r.uploaded_at),
            }
            for r in dossier.result_files.all()
        ],
        "DuocThanhToanTrucTuyen": int(any(f.payable_online for f in fees)),
        "HoSoCoThanhPhanSoHoa": int(any(c.file for c in components)),
    }


def progress_item(
    dossier: Dossier,
    row: DossierEvent | None,
    national_status: int,
    *,
    at: datetime.datetime,
    what: str,
) -> dict[str, Any]:
    """One progress item of ``CapNhatTienDoHoSoMC``: the history row of the event
    (``row``), or, for an event without one, what the event says (``at``, ``what``)."""
    # A user without an officer record (the applicant) has no position: getattr's
    # default (the missing reverse one-to-one raises an AttributeError subclass).
    officer = getattr(row.actor, "officer", None) if row and row.actor_id else None
    return {
        "MaHoSo": dossier.code,
        "NguoiXuLy": row.actor_name if row else "",
        "ChucDanh": officer.position if officer else "",
        "ThoiDiemXuLy": timestamp(row.at if row else at),
        "PhongBanXuLy": (row.agency.name if row and row.agency_id else "")
        or dossier.processing_agency.name,
        "NoiDungXuLy": (f"{row.step_name}: {row.note}" if row and row.note else "")
        or (row.step_name if row else "")
        or what,
        "TrangThai": national_status,
        "NgayBatDau": timestamp(dossier.step_started_at or (row.at if row else at)),
        "NgayKetThucTheoQuyDinh": timestamp((row.step_due_at if row else None) or dossier.due_at),
    }
