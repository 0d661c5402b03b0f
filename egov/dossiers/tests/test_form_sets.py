"""The form set follows the dossier's receipt date (DOMAIN.md section 4): Circular
01/2018 (six forms) before 15/09/2025, Circular 03/2025 (seven forms: a notice of
stopping at 05, the control sheet at 06, the register at 07) from that day. Dates are
written with their place, and form 01 fits one A5 sheet with eight components."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from egov.dossiers.forms import render, sets, views
from egov.dossiers.lifecycle import Status
from egov.dossiers.models import Dossier, DossierComponent
from egov.dossiers.tests import test_forms
from egov.dossiers.tests.test_forms import TZ, event, officer_request, page_sizes
from egov.dossiers.views.common import printable_forms

# The fixtures of the forms' tests: Hoàng Thị Lan's dossier, received 05/03/2026.
version, dossier = test_forms.version, test_forms.dossier


def _received(d: Dossier, when: datetime.datetime) -> Dossier:
    Dossier.objects.filter(pk=d.pk).update(submitted_at=when, received_at=when)
    d.refresh_from_db()
    return d


@pytest.mark.parametrize(
    "day,circular",
    [
        (datetime.datetime(2025, 9, 14, 16, 59, tzinfo=TZ), "01/2018/TT-VPCP"),
        # 00:30 on the 15th in Vietnam is still the 14th in UTC: the local date decides.
        (datetime.datetime(2025, 9, 15, 0, 30, tzinfo=TZ), "03/2025/TT-VPCP"),
    ],
)
def test_the_receipt_date_chooses_the_set(dossier, day, circular):
    assert sets.of_dossier(_received(dossier, day)).circular == circular


def test_a_dossier_of_2025_before_the_circular_keeps_the_old_numbers(dossier, places):
    d = _received(dossier, datetime.datetime(2025, 8, 20, 9, tzinfo=TZ))
    event(d, "apologise_late", datetime.datetime(2025, 8, 25, 9, tzinfo=TZ), places.district, "A")
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in render.render_form_html("04", d).upper()
    control = render.render_form_html("05", d)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control.upper()
    assert "Mẫu số 05 (Thông tư 01/2018/TT-VPCP)" in control
    request = officer_request(d.applicant_user)
    with pytest.raises(Http404):  # the old set has no form of one dossier numbered 06
        views.form_html(request, code=d.code, form_no="06")


def test_circular_03_2025_numbers_seven_forms(dossier, places):
    html = render.render_form_html("06", dossier)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in html.upper()
    assert "Mẫu số 06 (Thông tư 03/2025/TT-VPCP)" in html
    register = render.render_register_html(
        [dossier], places.district, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    )
    assert "Mẫu số 07" in register and dossier.code in register
    old = render.render_register_html(
        [dossier], places.district, datetime.date(2025, 8, 1), datetime.date(2025, 8, 31)
    )
    assert "Mẫu số 06 (Thông tư 01/2018/TT-VPCP)" in old


def test_the_notice_of_stopping_is_form_05(dossier, places, people):
    with pytest.raises(Exception) as caught:
        render.render_form_html("05", dossier)
    assert getattr(caught.value, "code", "") == "form_not_applicable"
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.STOPPED)
    dossier.refresh_from_db()
    event(
        dossier,
        "stop",
        datetime.datetime(2026, 3, 9, 10, tzinfo=TZ),
        places.district,
        "Lý Thị Hạnh",
        note="Công dân đề nghị dừng giải quyết.",
    )
    html = render.render_form_html("05", dossier)
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in html.upper()
    assert "Công dân đề nghị dừng giải quyết." in html
    assert "Chợ Mới, ngày 09 tháng 3 năm 2026" in html
    assert page_sizes(render.render_form_pdf("05", dossier)) == [(419.53, 595.28)]
    numbers = {f["number"]: str(f["title"]) for f in printable_forms(dossier, [])}
    assert numbers["05"].endswith("Thông báo dừng giải quyết")
    assert numbers["06"].endswith("Phiếu kiểm soát quá trình")


def test_the_date_is_written_with_its_place(dossier):
    html = render.render_form_html("01", dossier)
    assert "Chợ Mới, ngày 05 tháng 3 năm 2026" in html


def test_form_01_fits_one_a5_sheet_with_eight_components(dossier, version):
    component = version.components.first()
    for n in range(6):  # two already
        DossierComponent.objects.create(
            dossier=dossier,
            component=component,
            name=f"Giấy tờ kèm theo số {n + 3}: bản sao giấy chứng nhận quyền sử dụng đất",
            originals=1,
            certified_copies=1,
        )
    assert dossier.components.count() == 8
    pdf = render.render_form_pdf("01", dossier)
    assert page_sizes(pdf) == [(419.53, 595.28)], "form 01 runs onto a second sheet"
