"""The demo identities of the fake national SSO and the claims it issues for them.

Claim names are those of the national SSO (Cổng DVCQG / VNeID): ``SoDinhDanh`` (the
personal identification number), ``HoVaTen``, ``NgayThangNamSinh`` (dd/mm/yyyy),
``SoDienThoai``, ``ThuDienTu``, ``ThuongTru`` (permanent residence), ``LoaiTaiKhoan``
(1 citizen, 2 business), and for a business ``MaSoThue`` / ``MaSoDoanhNghiep`` with
``TenDoanhNghiep``. ``loa`` is the highest level of assurance the identity reaches.
"""

from __future__ import annotations

PASSWORD = "vneid-demo-2026"

IDENTITIES: dict[str, dict] = {
    "congdan": {
        "loa": "LoA2",
        "claims": {
            "sub": "vneid-0001-citizen",
            "SoDinhDanh": "001090012345",
            "HoVaTen": "Nguyễn Văn An",
            "NgayThangNamSinh": "15/03/1990",
            "SoDienThoai": "0912345678",
            "ThuDienTu": "nguyen.van.an@example.vn",
            "ThuongTru": "Số 12 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội",
            "LoaiTaiKhoan": "1",
        },
    },
    "congdan-muc1": {
        "loa": "LoA1",
        "claims": {
            "sub": "vneid-0002-citizen-loa1",
            "SoDinhDanh": "006195004321",
            "HoVaTen": "Trần Thị Bình",
            "NgayThangNamSinh": "02/09/1995",
            "SoDienThoai": "0987000111",
            "ThuDienTu": "",
            "ThuongTru": "Tổ 5 phường Đức Xuân, tỉnh Thái Nguyên",
            "LoaiTaiKhoan": "1",
        },
    },
    "doanhnghiep": {
        "loa": "LoA2",
        "claims": {
            "sub": "vneid-0003-business",
            "SoDinhDanh": "006088007777",
            "HoVaTen": "Lê Minh Châu",
            "NgayThangNamSinh": "20/11/1988",
            "SoDienThoai": "0209387654",
            "ThuDienTu": "lienhe@namchau.example.vn",
            "ThuongTru": "Số 8 đường Trường Chinh, phường Đức Xuân, tỉnh Thái Nguyên",
            "LoaiTaiKhoan": "2",
            "MaSoThue": "4700123456",
            "MaSoDoanhNghiep": "4700123456",
            "TenDoanhNghiep": "Công ty TNHH Nam Châu",
        },
    },
}

LEVELS = ("LoA1", "LoA2")


def achieved_level(username: str, requested: str | None) -> str:
    """The level this login reaches: the highest requested level the identity can
    reach, else the identity's own (lower) level; the relying party decides whether
    that is enough."""
    reach = IDENTITIES[username]["loa"]
    asked = [v for v in (requested or "").split() if v in LEVELS]
    possible = [v for v in asked if LEVELS.index(v) <= LEVELS.index(reach)]
    if possible:
        return max(possible, key=LEVELS.index)
    return reach


def claims(username: str) -> dict:
    return dict(IDENTITIES[username]["claims"])


def logins_text(issuer: str) -> str:
    lines = [f"Fake national SSO (OpenID Connect) at {issuer}/ - demo logins:"]
    for name, identity in IDENTITIES.items():
        c = identity["claims"]
        kind = "doanh nghiệp" if c["LoaiTaiKhoan"] == "2" else "công dân"
        lines.append(f"  {name:<14} / {PASSWORD}  {c['HoVaTen']} ({kind}, {identity['loa']})")
    return "\n".join(lines) + "\n"
