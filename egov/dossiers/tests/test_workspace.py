"""The officer workspace ("một cửa") through the Django test client: queues, reception,
the dossier page and its actions, search, access."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov.directory.tests.helpers import login_verified
from egov.dossiers import services
from egov.dossiers.lifecycle import Status
from egov.dossiers.models import Dossier, DossierComponent
from egov.dossiers.tests.factories import (
    APPLICANT,
    district_procedure,
    full_checklist,
    pdf_bytes,
)
from egov.dossiers.views.actions import available

RECEPTION = "/mot-cua/tiep-nhan/"
PASSWORD = "mat-khau-thu-nghiem"  # the factories' password


@pytest.fixture
def version(db):
    return district_procedure()


@pytest.fixture
def desk(client, people):
    client.force_login(people.desk_officer)
    return client


def receive(people, version, **kwargs):
    kwargs.setdefault("components", full_checklist(version))
    kwargs.setdefault("applicant", APPLICANT)
    return services.receive(
        actor=people.desk_officer, procedure_code=version.code, channel="counter", **kwargs
    )


def reception_post(version, **overrides):
    data = {
        "procedure": version.code,
        "channel": "counter",
        "name": "Nông Văn Dũng",
        "id_number": "006090001122",
        "birth_date": "1990-05-17",
        "address": "Thôn Nà Pài, xã Yên Đĩnh",
        "phone": "0987654321",
        "email": "dung@example.vn",
        "sets": "1",
        "reason": "",
        "outcome": "complete",
    }
    for c in version.components.all():
        data[f"c{c.pk}-originals"] = "1"
        data[f"c{c.pk}-certified"] = "0"
        data[f"c{c.pk}-photocopies"] = "0"
    data.update(overrides)
    return data


# ---------------------------------------------------------------- access


def test_login_required(client, db):
    response = client.get("/mot-cua/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_citizen_gets_403(client, people):
    client.force_login(people.citizen)
    assert client.get("/mot-cua/").status_code == 403
    assert client.get(RECEPTION).status_code == 403


def test_officer_of_another_province_gets_404_on_the_dossier(client, people, version):
    dossier = receive(people, version)
    login_verified(client, people.foreign_officer)  # an administrator: second factor
    assert client.get(f"/mot-cua/ho-so/{dossier.code}/").status_code == 404
    response = client.post(
        f"/mot-cua/ho-so/{dossier.code}/thao-tac/forward/", {"version": dossier.version}
    )
    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_specialist_may_not_open_the_reception_form(client, people):
    client.force_login(people.specialist)
    assert client.get(RECEPTION).status_code == 403


# ---------------------------------------------------------------- queues


def test_home_shows_queue_counts(desk, people, version):
    receive(people, version)
    receive(people, version)
    missing = [c.pk for c in version.components.all()]
    receive(people, version, components=[], outcome="incomplete", missing=missing)
    response = desk.get("/mot-cua/")
    assert response.status_code == 200
    queues = {q["name"]: q["count"] for q in response.context["queues"]}
    assert queues["to_forward"] == 2
    assert queues["waiting_supplement"] == 1
    assert queues["to_return"] == 0
    html = response.content.decode()
    assert "Đã tiếp nhận, chờ chuyển xử lý" in html
    assert reverse("dossiers:queue", args=["to_forward"]) in html


def test_queue_page_lists_with_remaining_time_badge(desk, people, version):
    first = receive(people, version)
    response = desk.get("/mot-cua/hang-doi/to_forward/")
    assert response.status_code == 200
    html = response.content.decode()
    assert first.code in html and "Hoàng Thị Lan" in html
    assert 'class="badge' in html and ("còn " in html or "quá hạn " in html)
    assert desk.get("/mot-cua/hang-doi/nope/").status_code == 404


def test_queue_page_query_count_is_bounded(desk, people, version, django_assert_max_num_queries):
    for _ in range(12):
        receive(people, version)
    desk.get("/mot-cua/hang-doi/to_forward/")  # warm the calendar cache
    with django_assert_max_num_queries(12):
        response = desk.get("/mot-cua/hang-doi/to_forward/")
    assert len(response.context["page"].object_list) == 12
    with django_assert_max_num_queries(10):
        desk.get("/mot-cua/")


def test_remaining_badge_words():
    from egov.dossiers.templatetags.workspace_tags import duration_text

    assert duration_text(0, 3, 20) == "3 giờ 20 phút"
    assert duration_text(1, 2, 5) == "1 ngày 2 giờ"
    assert duration_text(0, 0, 0) == "dưới 1 phút"


# ---------------------------------------------------------------- reception


def test_reception_form_lists_the_checklist(desk, version):
    response = desk.get(RECEPTION + f"?procedure={version.code}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tờ khai đăng ký khai sinh" in html and "Giấy chứng sinh" in html
    assert "Đủ - tiếp nhận" in html and 'accesskey="d"' in html
    partial = desk.get(f"/mot-cua/tiep-nhan/thanh-phan/?procedure={version.code}")
    assert "Giấy chứng sinh" in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_procedure_search_ignores_accents(desk, version):
    response = desk.get("/mot-cua/tiep-nhan/thu-tuc/?procedure_q=giay chung nhan ho kinh doanh")
    assert version.code in response.content.decode()
    response = desk.get("/mot-cua/tiep-nhan/thu-tuc/?procedure_q=khong co thu tuc nay")
    assert version.code not in response.content.decode()


def test_reception_without_javascript_loads_the_checklist_and_keeps_the_fields(desk, version):
    data = reception_post(version, step="load")
    response = desk.post(RECEPTION, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Giấy chứng sinh" in html and "Nông Văn Dũng" in html
    assert not Dossier.objects.exists()


def test_reception_complete(desk, version, places):
    scan = SimpleUploadedFile("to-khai.pdf", pdf_bytes(), content_type="application/pdf")
    first = version.components.first()
    response = desk.post(RECEPTION, {**reception_post(version), f"c{first.pk}-file": scan})
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED
    assert dossier.applicant_id_number == "006090001122"
    assert dossier.code.startswith(places.district.code)
    assert response.status_code == 302
    assert response["Location"] == f"/mot-cua/ho-so/{dossier.code}/?in=01"
    assert dossier.components.get(component=first).file
    page = desk.get(response["Location"]).content.decode()
    assert f"/ho-so/{dossier.code}/mau/01/" in page
    assert "Đã nhận hồ sơ" in page


def test_reception_incomplete_lists_the_ticked_items(desk, version):
    birth = version.components.get(name="Giấy chứng sinh")
    data = reception_post(version, outcome="incomplete", missing=[str(birth.pk)])
    response = desk.post(RECEPTION, data)
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEPTION_SUPPLEMENT
    assert response["Location"].endswith("?in=02")
    asked = DossierComponent.objects.filter(dossier=dossier, provided=False)
    assert list(asked.values_list("name", flat=True)) == ["Giấy chứng sinh"]


def test_reception_refused_needs_a_reason(desk, version):
    response = desk.post(RECEPTION, reception_post(version, outcome="refused"))
    assert response.status_code == 400
    assert "Cần nêu rõ lý do." in response.content.decode()
    assert not Dossier.objects.exists()
    response = desk.post(
        RECEPTION, reception_post(version, outcome="refused", reason="Không thuộc thẩm quyền")
    )
    dossier = Dossier.objects.get()
    assert dossier.status == Status.NOT_RECEIVED
    assert response["Location"].endswith("?in=03")


def test_invalid_cccd_shows_the_bilingual_error_and_creates_nothing(desk, version):
    response = desk.post(RECEPTION, reception_post(version, id_number="12345"))
    html = response.content.decode()
    assert response.status_code == 400
    problem = response.context["field_errors"]["id_number"]
    assert problem.code == "id_number_invalid"
    assert problem.message in html
    assert problem.message_en in html
    assert 'class="field-error"' in html
    assert "Nông Văn Dũng" in html  # what was typed is kept
    assert not Dossier.objects.exists()


def test_complete_reception_missing_a_mandatory_component_is_refused(desk, version):
    birth = version.components.get(name="Giấy chứng sinh")
    data = reception_post(version, **{f"c{birth.pk}-originals": "0"})
    response = desk.post(RECEPTION, data)
    assert response.status_code == 400
    assert "Hồ sơ thiếu thành phần bắt buộc" in response.content.decode()
    assert not Dossier.objects.exists()


# ---------------------------------------------------------------- the dossier page


def _labels(response) -> list[str]:
    return [str(a.label) for a in response.context["actions"]]


def test_desk_officer_sees_only_the_allowed_actions(desk, people, version):
    dossier = receive(people, version)
    response = desk.get(f"/mot-cua/ho-so/{dossier.code}/")
    assert response.status_code == 200
    labels = _labels(response)
    assert "Chuyển xử lý" in labels
    assert "Phê duyệt" not in labels
    assert "Trả kết quả" not in labels
    html = response.content.decode()
    assert dossier.code in html and "Hoàng Thị Lan" in html
    assert "Tiếp nhận hồ sơ (đủ)" in html  # history
    assert f'name="version" value="{dossier.version}"' in html


def test_actions_follow_the_step_and_the_role(people, version):
    dossier = receive(people, version)
    dossier = services.forward(actor=people.desk_officer, dossier=dossier)

    def labels(user):
        fresh = Dossier.objects.get(pk=dossier.pk)
        return [str(a.label) for a in available(user, fresh, [], [])]

    assert "Chuyển bước tiếp" in labels(people.specialist)
    assert "Phê duyệt" not in labels(people.specialist)
    assert labels(people.desk_officer) == ["Công dân rút hồ sơ"]
    fresh = services.advance(actor=people.specialist, dossier=Dossier.objects.get(pk=dossier.pk))
    leader = labels(people.agency_leader)
    assert "Phê duyệt, ghi nhận kết quả" in leader and "Trả lại bước trước" in leader
    assert "Chuyển bước tiếp" not in labels(people.specialist)
    assert fresh.current_step.is_final


def test_forward_through_the_page(desk, people, version):
    dossier = receive(people, version)
    response = desk.post(
        f"/mot-cua/ho-so/{dossier.code}/thao-tac/forward/", {"version": dossier.version}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_stale_version_shows_the_conflict_message(desk, people, version):
    dossier = receive(people, version)
    stale = dossier.version
    services.forward(actor=people.desk_officer, dossier=dossier)  # someone else, first
    before = Dossier.objects.get(pk=dossier.pk).version
    response = desk.post(
        f"/mot-cua/ho-so/{dossier.code}/thao-tac/withdraw/", {"version": stale, "reason": "x"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Hồ sơ vừa được người khác cập nhật" in html
    assert "The dossier was changed by someone else" in html
    assert f'name="version" value="{before}"' in html  # the page was reloaded
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.version == before


def test_an_action_error_is_shown_next_to_its_form(client, people, version):
    dossier = services.forward(actor=people.desk_officer, dossier=receive(people, version))
    client.force_login(people.agency_leader)
    dossier.refresh_from_db()
    response = client.post(
        f"/mot-cua/ho-so/{dossier.code}/thao-tac/stop/", {"version": dossier.version}
    )
    assert response.status_code == 400
    assert response.context["error_action"] == "stop"
    assert "Cần nêu rõ lý do." in response.content.decode()


def test_full_path_through_the_pages(client, people, version):
    dossier = receive(people, version)
    page = f"/mot-cua/ho-so/{dossier.code}/"

    def act(user, key, **data):
        client.force_login(user)
        current = Dossier.objects.get(pk=dossier.pk)
        response = client.post(f"{page}thao-tac/{key}/", {"version": current.version, **data})
        assert response.status_code == 302, response.content.decode()[:2000]

    act(people.desk_officer, "forward")
    act(people.specialist, "advance", action="forward")
    pdf = SimpleUploadedFile("kq.pdf", pdf_bytes(), content_type="application/pdf")
    act(people.agency_leader, "record_result", files=pdf, note="Đồng ý")
    act(people.desk_officer, "return_result", channel="counter")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.result_files.count() == 1
    client.force_login(people.desk_officer)
    html = client.get(page).content.decode()
    assert "kq.pdf" in html and "Đã trả kết quả" in html


# ---------------------------------------------------------------- search


def test_search_by_code_name_and_id_number(desk, people, version):
    a = receive(people, version)
    b = receive(people, version, applicant={**APPLICANT, "name": "Lường Văn Páo"})
    response = desk.get("/mot-cua/tim-kiem/", {"q": a.code})
    assert response.status_code == 302 and response["Location"].endswith(f"/{a.code}/")
    response = desk.get("/mot-cua/tim-kiem/", {"q": "Páo"})
    assert [d.code for d in response.context["page"]] == [b.code]
    response = desk.get("/mot-cua/tim-kiem/", {"q": APPLICANT["id_number"]})
    assert {d.code for d in response.context["page"]} == {a.code, b.code}
    response = desk.get(
        "/mot-cua/tim-kiem/",
        {"procedure": version.code, "status": "received", "from": "2000-01-01", "to": "2100-01-01"},
    )
    assert response.context["page"].paginator.count == 2
    response = desk.get("/mot-cua/tim-kiem/", {"status": "returned"})
    assert response.context["page"].paginator.count == 0


def test_the_print_links_lead_to_the_forms(desk, people, version):
    dossier = receive(people, version)
    page = desk.get(f"/mot-cua/ho-so/{dossier.code}/?in=01")
    link = next(f for f in page.context["forms"] if f["number"] == "01")
    assert 'accesskey="p"' in page.content.decode()
    response = desk.get(link["url"])
    assert response.status_code == 200
    assert dossier.code in response.content.decode()


def test_the_desk_attaches_a_scan_through_the_page(desk, people, version):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = receive(people, version)
    line = dossier.components.order_by("pk").first()
    page = desk.get(f"/mot-cua/ho-so/{dossier.code}/")
    assert "Đính kèm tệp quét" in _labels(page)
    assert f'<option value="{line.pk}"' in page.content.decode()
    url = f"/mot-cua/ho-so/{dossier.code}/thao-tac/attach_file/"
    bad = desk.post(
        url,
        {"version": 1, "component": line.pk, "file": SimpleUploadedFile("x.pdf", b"GIF89a")},
    )
    assert bad.status_code == 400 and bad.context["error_action"] == "attach_file"
    assert "PDF, PNG" in bad.content.decode()  # the reason, next to the form
    pdf = SimpleUploadedFile("scan.pdf", pdf_bytes())
    response = desk.post(url, {"version": 1, "component": line.pk, "file": pdf})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.file and line.content_type == "application/pdf" and line.provided


# ---------------------------------------------------------------- log-in


@pytest.mark.parametrize(
    "persona, landing",
    [
        ("desk_officer", "/mot-cua/"),
        ("specialist", "/mot-cua/hang-doi/to_process/"),
        ("department_head", "/mot-cua/hang-doi/to_sign/"),
        ("agency_leader", "/mot-cua/hang-doi/to_sign/"),
        ("clerk", "/"),
        ("citizen", "/"),
    ],
)
def test_log_in_lands_each_role_on_its_own_workspace(client, people, persona, landing):
    user = getattr(people, persona)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == landing
    # An explicit next page still wins.
    client.logout()
    response = client.post(
        "/accounts/login/?next=/tra-cuu/", {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == "/tra-cuu/"


def test_the_heads_review_sits_in_the_queue_to_approve(client, people):
    from decimal import Decimal

    from egov.catalog.tests.factories import steps as three_steps

    review = three_steps(20)  # with the head: 24 hours
    review.insert(
        2,
        {
            "order": 3,
            "name": "Xem xét, trình ký",
            "role": "department_head",
            "department": "Phòng Tư pháp",
            "hours": Decimal(4),
            "actions": ["forward", "send_back"],
            "is_final": False,
        },
    )
    review[3]["order"] = 4
    version = district_procedure(
        "2.000721", workflows=[{"agency": "", "tier": "", "steps": review}]
    )
    dossier = services.forward(actor=people.desk_officer, dossier=receive(people, version))
    services.advance(actor=people.specialist, dossier=dossier)
    from egov.dossiers import queries

    head = queries.queue_counts(people.department_head)
    assert (head["to_sign"], head["to_process"]) == (1, 0)
    client.force_login(people.department_head)
    home = client.get("/mot-cua/").content.decode()
    assert home.index("Chờ phê duyệt, ký") < home.index("Cần xử lý")  # the head's queue first


def test_the_buttons_speak_english_when_asked(client, people):
    from django.utils import translation

    version = district_procedure("2.000722")
    dossier = services.forward(actor=people.desk_officer, dossier=receive(people, version))
    dossier = services.advance(actor=people.specialist, dossier=dossier)
    with translation.override("en"):
        labels = [a.label for a in available(people.agency_leader, dossier, [], [])]
    assert "Approve, record the result" in labels and "Refuse after appraisal" in labels
    with translation.override("vi"):
        labels = [a.label for a in available(people.agency_leader, dossier, [], [])]
    assert "Phê duyệt, ghi nhận kết quả" in labels
