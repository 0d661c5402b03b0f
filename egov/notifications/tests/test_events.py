"""Each change the applicant cares about reaches them by e-mail and SMS, read back from
the real catchers (aiosmtpd, the fake SMS gateway); other changes send nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.core import outbox
from egov.core.models import OutboxEvent
from egov.dossiers import services
from egov.dossiers.services import ComponentInput
from egov.dossiers.tests.factories import at, full_checklist, pdf_bytes
from egov.notifications.models import Notification
from egov.notifications.tests.helpers import (
    CONTACT,
    EMAIL,
    MONDAY,
    PORTAL,
    body,
    processing,
    receive,
    relay,
    subject,
    subjects,
)

pytestmark = pytest.mark.django_db


def test_the_handler_is_registered_at_startup_for_every_topic():
    from egov.notifications.handlers import TOPICS

    name = "egov.notifications.handlers.notify_applicant"
    for topic in TOPICS:
        assert name in [n for n, _ in outbox.handlers_for(topic)], topic
    assert name not in [n for n, _ in outbox.handlers_for("dossier.assign")]


def test_a_dossier_from_reception_to_return_tells_the_applicant_each_time(notify, people, version):
    smtp, sms = notify
    dossier = processing(people, version)
    link = f"{PORTAL}/ca-nhan/ho-so/{dossier.code}/"
    relay()
    assert len(smtp.messages) == 1 and len(sms.messages) == 1  # received; forward: nothing
    assert "Đã tiếp nhận" in subjects(smtp)[0]

    component = version.components.first()
    dossier = services.request_supplement(
        actor=people.specialist,
        dossier=dossier,
        missing=[component.pk],
        reason="Bản sao mờ, không đọc được",
        now=at(2026, 3, 3, 9, 0),
    )
    dossier = services.supply(
        actor=people.desk_officer,
        dossier=dossier,
        components=[ComponentInput(component_id=component.pk, originals=1)],
        now=at(2026, 3, 4, 9, 0),
    )
    dossier = services.request_financial_obligation(
        actor=people.specialist, dossier=dossier, amount=1_250_000, now=at(2026, 3, 4, 10, 0)
    )
    dossier = services.fulfil_financial_obligation(
        actor=people.specialist, dossier=dossier, paid=1_250_000, now=at(2026, 3, 4, 11, 0)
    )
    dossier = services.advance(
        actor=people.specialist, dossier=dossier, action="forward", now=at(2026, 3, 5, 9, 0)
    )
    pdf = SimpleUploadedFile("giay.pdf", pdf_bytes(), content_type="application/pdf")
    dossier = services.record_result(
        actor=people.agency_leader,
        dossier=dossier,
        files=[("Giấy chứng nhận", pdf)],
        now=at(2026, 3, 5, 10, 0),
    )
    services.return_result(actor=people.desk_officer, dossier=dossier, now=at(2026, 3, 5, 14, 0))
    relay()

    mails = smtp.wait_for(5)
    assert len(mails) == 5 and len(sms.wait_for(5)) == 5
    assert [s.split(": ", 1)[1] for s in subjects(smtp)] == [
        "Đã tiếp nhận",
        "Yêu cầu bổ sung",
        "Nghĩa vụ tài chính",
        "Có kết quả",
        "Đã trả kết quả",
    ]
    for mail in mails:
        assert mail["To"] == EMAIL
        assert subject(mail).startswith(f"Hồ sơ {dossier.code}: ")
        assert link in body(mail)
        assert version.name in body(mail)  # the procedure
    assert "Trạng thái mới: Yêu cầu bổ sung" in body(mails[1])
    assert "Trạng thái mới: Chờ thực hiện nghĩa vụ tài chính" in body(mails[2])
    assert "Trạng thái mới: Đã giải quyết xong" in body(mails[3])
    assert "Trạng thái mới: Đã trả kết quả" in body(mails[4])
    for message in sms.messages:
        assert message["to"] == "0912345678"
        assert dossier.code in message["text"] and link in message["text"]
    records = Notification.objects.filter(dossier=dossier)
    assert records.count() == 10
    assert set(records.values_list("state", flat=True)) == {Notification.State.SENT}
    assert not OutboxEvent.objects.exclude(status=OutboxEvent.Status.DELIVERED).exists()


def test_an_online_submission_is_acknowledged_then_its_acceptance(notify, people, places, version):
    smtp, sms = notify
    dossier = services.submit_online(
        actor=people.citizen,
        procedure_code=version.code,
        receiving_agency=places.district,
        applicant=CONTACT,
        components=full_checklist(version),
        now=MONDAY,
    )
    relay()
    [mail] = smtp.wait_for(1)
    assert "Đã nhận hồ sơ trực tuyến" in subject(mail)
    assert "chờ bộ phận một cửa kiểm tra" in body(mail)
    assert "Trạng thái mới: Mới đăng ký, chờ tiếp nhận" in body(mail)
    services.accept(actor=people.desk_officer, dossier=dossier, now=at(2026, 3, 2, 10, 0))
    relay()
    mails = smtp.wait_for(2)
    assert "Đã tiếp nhận" in subject(mails[1])
    assert "Ngày hẹn trả kết quả: 10:00 ngày 05/03/2026" in body(mails[1])
    texts = [m["text"] for m in sms.wait_for(2)]
    assert "da nhan ho so truc tuyen" in texts[0]
    assert "da duoc tiep nhan, hen tra 05/03/2026" in texts[1]


@pytest.mark.parametrize(
    ("act", "title", "words", "sms_words"),
    [
        (
            lambda people, d: services.refuse(
                actor=people.agency_leader, dossier=d, reason="Không đủ điều kiện cấp phép"
            ),
            "Từ chối giải quyết",
            ["Lý do: Không đủ điều kiện cấp phép", "nhận văn bản trả lời"],
            "bi tu choi giai quyet",
        ),
        (
            lambda people, d: services.apologise_late(
                actor=people.specialist,
                dossier=d,
                new_due=at(2026, 3, 10, 16, 0),
                reason="Cần xác minh thực địa",
                now=at(2026, 3, 3, 9, 0),
            ),
            "Xin lỗi, hẹn lại ngày trả",
            ["xin lỗi", "Ngày hẹn trả kết quả mới: 16:00 ngày 10/03/2026", "Cần xác minh"],
            "hen moi 10/03/2026",
        ),
        (
            lambda people, d: services.withdraw(
                actor=people.desk_officer, dossier=d, reason="Công dân đề nghị"
            ),
            "Rút hồ sơ",
            ["đã được rút theo đề nghị", "Trạng thái mới: Công dân rút hồ sơ"],
            "da duoc rut",
        ),
        (
            lambda people, d: services.stop(
                actor=people.agency_leader, dossier=d, reason="Quá hạn bổ sung"
            ),
            "Dừng xử lý",
            ["Lý do: Quá hạn bổ sung"],
            "da dung xu ly",
        ),
    ],
    ids=["refused", "apology", "withdrawn", "stopped"],
)
def test_refusal_apology_withdrawal_and_stop_are_told(
    notify, people, version, act, title, words, sms_words
):
    smtp, sms = notify
    dossier = processing(people, version)
    act(people, dossier)
    relay()
    mails = smtp.wait_for(2)
    assert subject(mails[-1]) == f"Hồ sơ {dossier.code}: {title}"
    for word in words:
        assert word in body(mails[-1])
    assert sms_words in sms.wait_for(2)[-1]["text"]


def test_supplement_and_refusal_at_reception_are_told(notify, people, version):
    smtp, sms = notify
    missing = [c.pk for c in version.components.all()]
    incomplete = receive(people, version, components=[], outcome="incomplete", missing=missing)
    refused = receive(
        people, version, components=[], outcome="refused", reason="Không thuộc thẩm quyền"
    )
    relay()
    mails = {subject(m): body(m) for m in smtp.wait_for(2)}
    supplement = mails[f"Hồ sơ {incomplete.code}: Yêu cầu bổ sung"]
    for component in version.components.all():
        assert f"- {component.name}" in supplement
    assert "Lý do: Không thuộc thẩm quyền" in mails[f"Hồ sơ {refused.code}: Từ chối tiếp nhận"]
    texts = sorted(m["text"] for m in sms.wait_for(2))
    assert any(f"can bo sung {len(missing)} thanh phan" in t for t in texts)
    assert any("khong duoc tiep nhan" in t for t in texts)


def test_the_online_desk_asking_for_a_supplement_is_told(notify, people, places, version):
    smtp, _ = notify
    dossier = services.submit_online(
        actor=people.citizen,
        procedure_code=version.code,
        receiving_agency=places.district,
        applicant=CONTACT,
        components=[],
        now=MONDAY,
    )
    component = version.components.first()
    services.request_reception_supplement(
        actor=people.desk_officer, dossier=dossier, missing=[component.pk], note="Thiếu bản chụp"
    )
    relay()
    mail = smtp.wait_for(2)[1]
    assert "Yêu cầu bổ sung" in subject(mail)
    assert f"- {component.name}" in body(mail) and "Lý do: Thiếu bản chụp" in body(mail)


def test_changes_the_applicant_does_not_wait_for_send_nothing(notify, people, version):
    smtp, sms = notify
    dossier = processing(people, version)
    services.assign(actor=people.specialist, dossier=dossier, assignee=people.specialist)
    relay()
    assert len(smtp.messages) == 1 and len(sms.messages) == 1  # the reception only
