"""The forms of Circular 03/2025/TT-VPCP (dossiers received from 15/09/2025; the
Circular 01/2018 set: test_form_sets.py): content of the HTML pages, the
PDFs' paper size and embedded fonts, and who may open them.

The dossiers are written directly with the ORM (the forms only read), at fixed times
in Asia/Ho_Chi_Minh so that the printed dates are known."""

from __future__ import annotations

import datetime
import re
import zlib
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from egov.catalog.tests.factories import published
from egov.core.errors import Conflict
from egov.dossiers.forms import formatting, render, views
from egov.dossiers.lifecycle import Status
from egov.dossiers.models import Channel, Dossier, DossierComponent, DossierEvent

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
A5 = (419.53, 595.28)  # points, portrait
A4_LANDSCAPE = (841.89, 595.28)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def version(db):
    return published(code="1.001193", name="Thủ tục đăng ký khai sinh", time_amount=Decimal(3))


@pytest.fixture
def dossier(places, people, version):
    """Hoàng Thị Lan's birth registration, received at the district desk on Thursday
    5 March 2026 at 08:30, due Tuesday 10 March at 08:30, forwarded, appraised."""
    d = Dossier.objects.create(
        code="000.00.12.H06-260305-0007",
        procedure_version=version,
        receiving_agency=places.district,
        processing_agency=places.district,
        channel=Channel.COUNTER,
        status=Status.PROCESSING,
        applicant_name="Hoàng Thị Lan",
        applicant_id_number="001090012345",
        applicant_address="Tổ 5, phường Đức Xuân",
        applicant_province="tỉnh Bắc Kạn",
        applicant_phone="0912345678",
        applicant_email="lan.hoang@example.vn",
        applicant_user=people.citizen,
        sets=1,
        fee_due=50000,
        submitted_at=at(5, 8, 30),
        received_at=at(5, 8, 30),
        due_at=at(10, 8, 30),
        original_due_at=at(10, 8, 30),
    )
    tokhai, chungsinh = version.components.order_by("order")
    DossierComponent.objects.create(dossier=d, component=tokhai, name=tokhai.name, originals=1)
    DossierComponent.objects.create(
        dossier=d, component=chungsinh, name=chungsinh.name, originals=1, photocopies=2
    )
    event(
        d,
        "receive_complete",
        at(5, 8, 30),
        places.district,
        "Trần Văn Tâm",
        "Tiếp nhận hồ sơ",
        step_due_at=at(5, 12, 30),
    )
    # Handed over before the desk step's deadline, on its day: on time.
    event(
        d,
        "forward",
        at(5, 11, 0),
        places.district,
        "Trần Văn Tâm",
        "Thẩm định",
        step_due_at=at(9, 11, 0),
    )
    # Appraisal finished a day before its deadline: early.
    event(
        d,
        "advance",
        at(6, 16, 0),
        places.district,
        "Lý Thị Hạnh",
        "Phê duyệt, ký, trả kết quả",
        step_due_at=at(9, 9, 0),
    )
    return d


def event(d, action, when, agency, actor_name, step_name="", step_due_at=None, note="", **data):
    return DossierEvent.objects.create(
        dossier=d,
        at=when,
        action=action,
        agency=agency,
        actor_name=actor_name,
        step_name=step_name,
        step_due_at=step_due_at,
        note=note,
        data=data,
    )


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated, so
    that page and font dictionaries can be searched without a PDF library."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return b"\n".join(parts)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(
        rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", inflated(pdf)
    )
    return [
        (round(float(x1) - float(x0), 2), round(float(y1) - float(y0), 2))
        for x0, y0, x1, y1 in boxes
    ]


def fonts(pdf: bytes) -> set[str]:
    return {m.decode() for m in re.findall(rb"/BaseFont\s*/([^\s/\]>]+)", inflated(pdf))}


def officer_request(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


# ---------------------------------------------------------------- form 01


def test_form_01_shows_the_receipt_and_the_appointment(dossier):
    html = render.render_form_html("01", dossier)

    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ".lower() in html.lower()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Độc lập - Tự do - Hạnh phúc" in html
    # The receiving agency under its parent.
    assert html.index("UBND tỉnh Bắc Kạn") < html.index("UBND huyện Chợ Mới")
    assert 'Mã hồ sơ: <span class="code">000.00.12.H06-260305-0007</span>' in html
    assert "Hoàng Thị Lan" in html
    assert "001090012345" in html
    assert "Tổ 5, phường Đức Xuân, tỉnh Bắc Kạn" in html
    assert "0912345678" in html and "lan.hoang@example.vn" in html
    assert "Hình thức nộp hồ sơ: Trực tiếp" in html
    assert "Thủ tục đăng ký khai sinh" in html
    # Component table: name, originals, certified copies, photocopies.
    rows = re.findall(
        r"<tr><td class=\"num\">(\d+)</td><td>(.*?)</td>"
        r"<td class=\"center\">(\d*)</td><td class=\"center\">(\d*)</td>"
        r"<td class=\"center\">(\d*)</td></tr>",
        html,
    )
    assert rows == [
        ("1", "Tờ khai đăng ký khai sinh", "1", "", ""),
        ("2", "Giấy chứng sinh", "1", "", "2"),
    ]
    assert "Số lượng hồ sơ: 1 bộ" in html
    assert "Thời gian giải quyết hồ sơ theo quy định: 3 ngày làm việc" in html
    assert "Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 05 tháng 3 năm 2026" in html
    assert "Hẹn trả kết quả: <strong>08 giờ 30 phút, ngày 10 tháng 3 năm 2026</strong>" in html
    assert "Đăng ký nhận kết quả tại: Bộ phận tiếp nhận và trả kết quả - UBND huyện Chợ Mới" in html
    assert "50.000 đồng" in html
    # Signatures: the submitter and the officer who recorded the reception.
    assert "Người nộp hồ sơ" in html and "Người tiếp nhận hồ sơ" in html
    assert '<div class="sign-name">Trần Văn Tâm</div>' in html


def test_form_01_qr_encodes_the_public_lookup_url(dossier, settings):
    # The host comes from the request, validated by ALLOWED_HOSTS as usual.
    settings.ALLOWED_HOSTS = ["dichvucong.backan.gov.vn"]
    request = RequestFactory().get("/", HTTP_HOST="dichvucong.backan.gov.vn")
    html = render.render_form_html("01", dossier, request)
    url = "http://dichvucong.backan.gov.vn/tra-cuu/000.00.12.H06-260305-0007/"
    assert url in html
    assert f'src="{formatting.qr_data_uri(url)}"' in html
    assert formatting.qr_data_uri(url).startswith("data:image/svg+xml")

    # Without a request: a relative link, no host invented.
    assert formatting.lookup_url(dossier.code) == "/tra-cuu/000.00.12.H06-260305-0007/"
    assert 'src="' + formatting.qr_data_uri("/tra-cuu/000.00.12.H06-260305-0007/") in (
        render.render_form_html("01", dossier)
    )


def test_form_01_needs_a_received_dossier(dossier):
    dossier.received_at = None
    dossier.status = Status.SUBMITTED
    dossier.save()
    with pytest.raises(Conflict) as raised:
        render.render_form_html("01", dossier)
    assert raised.value.code == "form_not_applicable"


def test_html_is_allowed_by_the_strict_csp(dossier):
    html = render.render_form_html("01", dossier, officer_request(None))
    assert "<script" not in html
    assert "<style" not in html
    assert "style=" not in html
    assert '<link rel="stylesheet" href="/static/dossiers/forms.css">' in html
    # The PDF variant gets the stylesheet from WeasyPrint, not from a link.
    assert "<link" not in render.render_form_html("01", dossier, for_pdf=True)


# ---------------------------------------------------------------- forms 02-05


def test_form_02_lists_the_latest_round_of_missing_components(dossier, places, version):
    tokhai, chungsinh = version.components.order_by("order")
    DossierComponent.objects.create(
        dossier=dossier, component=tokhai, name=tokhai.name, provided=False, supplement_round=1
    )
    DossierComponent.objects.create(
        dossier=dossier,
        component=chungsinh,
        name=chungsinh.name,
        provided=False,
        supplement_round=2,
    )
    event(
        dossier,
        "request_supplement",
        at(6, 9),
        places.district,
        "Lý Thị Hạnh",
        note="Giấy chứng sinh bị mờ, không đọc được ngày sinh.",
    )

    html = render.render_form_html("02", dossier)

    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ".lower() in html.lower()
    assert "Hoàng Thị Lan" in html
    items = re.findall(r'<td class="num">\d+</td><td>(.*?)</td><td>(.*?)</td>', html)
    assert items == [("Giấy chứng sinh", "1 bản chính")]
    assert "Lý do: Giấy chứng sinh bị mờ, không đọc được ngày sinh." in html
    assert "liên hệ với Lý Thị Hạnh" in html

    # A list given by the caller wins over the stored rows.
    html = render.render_form_html("02", dossier, missing=["Bản sao giấy đăng ký kết hôn"])
    assert re.findall(r'<td class="num">\d+</td><td>(.*?)</td>', html) == [
        "Bản sao giấy đăng ký kết hôn"
    ]


def test_form_03_states_the_reason_of_the_refusal(dossier, places):
    event(
        dossier,
        "refuse_at_reception",
        at(5, 9),
        places.district,
        "Trần Văn Tâm",
        note="Thủ tục không thuộc thẩm quyền giải quyết của UBND huyện.",
    )
    html = render.render_form_html("03", dossier)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ".lower() in html.lower()
    assert "Hoàng Thị Lan" in html and "001090012345" in html
    assert "Thủ tục không thuộc thẩm quyền giải quyết của UBND huyện." in html
    assert "từ chối tiếp nhận hồ sơ" in html


def test_form_03_without_a_refusal_is_not_applicable(dossier):
    with pytest.raises(Conflict):
        render.render_form_html("03", dossier)


def test_form_04_gives_the_original_and_the_new_appointment(dossier, places):
    dossier.due_at = at(13, 16, 0)
    dossier.extended = True
    dossier.save()
    event(
        dossier,
        "apologise_late",
        at(9, 10),
        places.district,
        "Lý Thị Hạnh",
        note="Cần xác minh thông tin với UBND xã Yên Đĩnh.",
    )
    html = render.render_form_html("04", dossier)
    # Received in 2026: Circular 03/2025's form 04 (apology and extension request).
    assert "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết".lower() in html.lower()
    assert "000.00.12.H06-260305-0007" in html
    assert "Ngày 05 tháng 3 năm 2026, UBND huyện Chợ Mới tiếp nhận" in html
    assert "08 giờ 30 phút, ngày 10 tháng 3 năm 2026" in html
    assert "Cần xác minh thông tin với UBND xã Yên Đĩnh." in html
    assert "<strong>16 giờ 00 phút, ngày 13 tháng 3 năm 2026</strong>" in html


def test_form_05_classifies_each_hand_over(dossier, places):
    # The leader approves after the step's deadline on the deadline's day: late.
    event(dossier, "advance", at(9, 10), places.district, "Hà Văn Minh", "Trả kết quả")
    # The result: classified on the dossier's appointment (stated by the service).
    event(dossier, "record_result", at(9, 11), places.district, "Hà Văn Minh", timeliness="early")

    html = render.render_form_html("06", dossier)

    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ".lower() in html.lower()
    results = re.findall(r'<td class="center">([^<]*)</td>\s*<td class="sign">', html)
    # receive (no earlier step), forward (on time), advance (early), advance (late), result
    assert results == ["", "Đúng hạn", "Trước hạn", "Quá hạn", "Trước hạn"]
    assert html.count('<td class="sign"></td>') == 10
    assert "08:30 05/03/2026" in html
    assert "UBND huyện Chợ Mới" in html


def test_step_timeliness_uses_the_date_rule_and_the_hour_on_the_day():
    due = at(9, 11)
    assert render.ctx.timeliness(at(6, 16), due) == "early"
    assert render.ctx.timeliness(at(9, 10, 59), due) == "on_time"
    assert render.ctx.timeliness(at(9, 11, 1), due) == "late"
    assert render.ctx.timeliness(at(10, 8), due) == "late"


# ---------------------------------------------------------------- form 06


def test_form_06_has_one_row_per_dossier(dossier, places, version):
    dossier.finished_at = at(9, 11)
    dossier.returned_at = at(9, 14)
    dossier.status = Status.RETURNED
    dossier.save()
    other = Dossier.objects.create(
        code="000.00.12.H06-260306-0001",
        procedure_version=version,
        receiving_agency=places.district,
        processing_agency=places.commune,
        channel=Channel.ONLINE,
        status=Status.PROCESSING,
        applicant_name="Nông Văn Dũng",
        received_at=at(6, 10),
        due_at=at(11, 10),
    )
    html = render.render_register_html(
        Dossier.objects.filter(receiving_agency=places.district),
        places.district,
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 31),
    )
    assert "SỔ THEO DÕI HỒ SƠ".lower() in html.lower()
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in html
    rows = re.findall(r"<tr>\s*<td class=\"num\">(\d+)</td>\s*<td>([^<]+)</td>", html)
    assert rows == [("1", dossier.code), ("2", other.code)]
    first = html[html.index(dossier.code) : html.index(other.code)]
    assert "Hoàng Thị Lan" in first
    assert "08:30 05/03/2026" in first  # received
    assert "08:30 10/03/2026" in first  # due
    assert "11:00 05/03/2026" in first  # forwarded
    assert "11:00 09/03/2026" in first and "14:00 09/03/2026" in first
    assert "Trước hạn" in first
    second = html[html.index(other.code) :]
    assert "UBND xã Yên Đĩnh" in second and "Đang xử lý" in second


# ---------------------------------------------------------------- PDFs


@pytest.fixture
def every_form(dossier, places):
    event(
        dossier,
        "request_supplement",
        at(6, 9),
        places.district,
        "Lý Thị Hạnh",
        note="Giấy chứng sinh bị mờ.",
    )
    event(dossier, "refuse", at(6, 10), places.district, "Lý Thị Hạnh", note="Không đủ điều kiện.")
    event(
        dossier, "apologise_late", at(9, 10), places.district, "Lý Thị Hạnh", note="Cần xác minh."
    )
    return dossier


@pytest.mark.parametrize("form_no", ["01", "02", "03", "04", "06"])
def test_pdf_is_a5_with_the_shipped_dejavu_font(every_form, form_no):
    pdf = render.render_form_pdf(form_no, every_form)
    assert pdf.startswith(b"%PDF-")
    sizes = page_sizes(pdf)
    assert sizes and all(size == A5 for size in sizes)
    # The @font-face family of forms.css: the fonts came from the repository (a
    # system fallback would carry the system's family name).
    names = fonts(pdf)
    assert names and all(name.split("+")[-1].startswith("egov-DejaVu-Serif") for name in names)


def test_register_pdf_is_a4_landscape(every_form, places):
    pdf = render.render_register_pdf(
        Dossier.objects.all(),
        places.district,
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 31),
    )
    assert pdf.startswith(b"%PDF-")
    assert set(page_sizes(pdf)) == {A4_LANDSCAPE}
    assert any(name.split("+")[-1].startswith("egov-DejaVu-Serif") for name in fonts(pdf))


def test_pdf_rendering_fetches_nothing_outside_the_forms_static_files():
    from egov.dossiers.forms import pdf

    fetcher = pdf.RepositoryFetcher()
    for url in (
        "file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "https://fonts.example.com/font.ttf",
        (pdf.STATIC_DIR / ".." / ".." / "models.py").as_uri(),
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    font = fetcher.fetch((pdf.STATIC_DIR / "fonts" / "DejaVuSerif.ttf").as_uri())
    assert font.read(4) == b"\x00\x01\x00\x00"  # a TrueType file
    font.close()
    assert (pdf.STATIC_DIR / "fonts" / "LICENSE-DejaVu.txt").is_file()

    # A page that asks for anything else fails instead of printing without it.
    with pytest.raises(BaseException, match="Error fetching"):
        pdf.html_to_pdf('<img src="file:///etc/hostname">')


# ---------------------------------------------------------------- views


def test_officer_of_the_agency_gets_the_page_and_the_pdf(dossier, people):
    request = officer_request(people.desk_officer)
    response = views.form_html(request, code=dossier.code, form_no="01")
    assert response.status_code == 200
    assert "Hoàng Thị Lan" in response.content.decode()

    response = views.form_pdf(request, code=dossier.code, form_no="1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_applicant_sees_her_own_dossier_forms(dossier, people):
    response = views.form_html(officer_request(people.citizen), code=dossier.code, form_no="06")
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["foreign_officer", "other_officer", "anonymous"])
def test_others_get_404(dossier, people, who):
    user = AnonymousUser() if who == "anonymous" else getattr(people, who)
    with pytest.raises(Http404):
        views.form_html(officer_request(user), code=dossier.code, form_no="01")
    with pytest.raises(Http404):
        views.form_pdf(officer_request(user), code=dossier.code, form_no="01")


def test_unknown_form_is_404_and_inapplicable_form_409(dossier, people):
    request = officer_request(people.desk_officer)
    for form_no in ("08", "07", "abc"):  # 07 is the register of many dossiers
        with pytest.raises(Http404):
            views.form_html(request, code=dossier.code, form_no=form_no)
    response = views.form_html(request, code=dossier.code, form_no="03")
    assert response.status_code == 409
    assert "form 03" in response.content.decode().lower()


def test_register_view_lists_the_officers_agency(dossier, people):
    request = officer_request(
        people.desk_officer, "/so-theo-doi-ho-so/?tu=2026-03-01&den=2026-03-31"
    )
    response = views.register(request)
    assert response.status_code == 200
    assert dossier.code in response.content.decode()

    request = officer_request(
        people.desk_officer, "/so-theo-doi-ho-so/?tu=2026-04-01&den=2026-04-30"
    )
    assert dossier.code not in views.register(request).content.decode()

    request = officer_request(people.citizen, "/so-theo-doi-ho-so/")
    with pytest.raises(Http404):
        views.register(request)


# ---------------------------------------------------------------- formatting


def test_vietnamese_dates_money_and_times():
    assert formatting.vn_date(datetime.date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert formatting.vn_date(datetime.date(2026, 11, 25)) == "ngày 25 tháng 11 năm 2026"
    # UTC instants are printed in Vietnam's time.
    instant = datetime.datetime(2026, 3, 9, 18, 5, tzinfo=datetime.UTC)
    assert formatting.vn_datetime(instant) == "01 giờ 05 phút, ngày 10 tháng 3 năm 2026"
    assert formatting.money(50000) == "50.000 đồng"
    assert formatting.money(1250000) == "1.250.000 đồng"
    assert formatting.number(Decimal("1.50")) == "1,5"
    assert formatting.number(Decimal("15.00")) == "15"
