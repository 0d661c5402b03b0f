"""What the fake national portal (fakes/dvcqg.py) serves: its demo catalogue (DEMO
DATA: a few national procedure codes with their names, fields and agencies) and the
files citizens attached (a valid one-page PDF)."""

from __future__ import annotations

# The demo catalogue (DEMO DATA: a few national procedure codes with their names).
FIELDS = [
    {"MaLinhVuc": "G22-TP-HT", "TenLinhVuc": "Hộ tịch"},
    {"MaLinhVuc": "G22-KH-DKKD", "TenLinhVuc": "Thành lập và hoạt động của hộ kinh doanh"},
    {"MaLinhVuc": "G22-XD", "TenLinhVuc": "Hoạt động xây dựng"},
]
AGENCIES = [
    {"MaCoQuan": "000.00.00.G22", "TenCoQuan": "Văn phòng Chính phủ"},
    {"MaCoQuan": "000.00.00.G06", "TenCoQuan": "Bộ Tư pháp"},
    {"MaCoQuan": "000.00.00.H06", "TenCoQuan": "UBND tỉnh Bắc Kạn"},
]
PROCEDURES = [
    {
        "MaTTHC": "1.001193",
        "TenTTHC": "Thủ tục đăng ký khai sinh",
        "MaLinhVuc": "G22-TP-HT",
        "CapThucHien": ["Cấp xã"],
        "ThoiHanGiaiQuyet": "Ngay trong ngày tiếp nhận",
        "CoQuanCongBo": "000.00.00.G06",
        "ThanhPhanHoSo": [
            {"TenGiayTo": "Tờ khai đăng ký khai sinh theo mẫu", "BatBuoc": True},
            {"TenGiayTo": "Giấy chứng sinh", "BatBuoc": True},
        ],
        "LePhi": [{"MoTa": "Miễn lệ phí", "MucPhi": 0}],
    },
    {
        "MaTTHC": "2.000884",
        "TenTTHC": "Cấp giấy chứng nhận đăng ký hộ kinh doanh",
        "MaLinhVuc": "G22-KH-DKKD",
        "CapThucHien": ["Cấp xã"],
        "ThoiHanGiaiQuyet": "3 ngày làm việc",
        "CoQuanCongBo": "000.00.00.G22",
        "ThanhPhanHoSo": [
            {"TenGiayTo": "Giấy đề nghị đăng ký hộ kinh doanh", "BatBuoc": True},
            {"TenGiayTo": "Bản sao giấy tờ pháp lý của cá nhân", "BatBuoc": True},
        ],
        "LePhi": [{"MoTa": "Lệ phí đăng ký hộ kinh doanh", "MucPhi": 100000}],
    },
    {
        "MaTTHC": "1.009994",
        "TenTTHC": "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "MaLinhVuc": "G22-XD",
        "CapThucHien": ["Cấp xã"],
        "ThoiHanGiaiQuyet": "15 ngày",
        "CoQuanCongBo": "000.00.00.G22",
        "ThanhPhanHoSo": [
            {"TenGiayTo": "Đơn đề nghị cấp giấy phép xây dựng", "BatBuoc": True},
            {"TenGiayTo": "Bản vẽ thiết kế xây dựng", "BatBuoc": True},
        ],
        "LePhi": [{"MoTa": "Lệ phí cấp giấy phép xây dựng", "MucPhi": 75000}],
    },
]


def demo_pdf(title: str) -> bytes:
    """A valid one-page PDF (what the back office's content check accepts), as the
    portal stores the files citizens attach."""
    text = title.encode("ascii", "replace")[:60].replace(b"(", b"").replace(b")", b"")
    stream = b"BT /F1 12 Tf 20 100 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
