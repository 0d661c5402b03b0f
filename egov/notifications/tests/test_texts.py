"""What the texts say: the code, the procedure, the status, the portal link, the
missing items and the reason, the amount in VND; Vietnamese with diacritics in
e-mail, SMS unaccented unless the gateway carries Unicode."""

from __future__ import annotations

import pytest

from egov.dossiers import services
from egov.dossiers.tests.factories import at
from egov.notifications.models import Channel, Notification
from egov.notifications.tests.helpers import PORTAL, body, processing, receive, relay
from egov.notifications.texts import unaccent, vnd

pytestmark = pytest.mark.django_db


def test_amounts_and_unaccented_text():
    assert vnd(1_250_000) == "1.250.000 đồng" and vnd(500) == "500 đồng"
    assert unaccent("Hồ sơ đã được tiếp nhận. ĐƯỢC") == "Ho so da duoc tiep nhan. DUOC"


def test_the_fee_due_names_the_amount_in_vnd(notify, people, version):
    smtp, sms = notify
    dossier = processing(people, version)
    services.request_financial_obligation(
        actor=people.specialist,
        dossier=dossier,
        amount=1_250_000,
        note="Lệ phí đăng ký hộ kinh doanh",
        now=at(2026, 3, 2, 10, 0),
    )
    relay()
    mail = body(smtp.wait_for(2)[1])
    assert "Số tiền phải nộp: 1.250.000 đồng" in mail
    assert "Nội dung: Lệ phí đăng ký hộ kinh doanh" in mail
    assert "Trạng thái mới: Chờ thực hiện nghĩa vụ tài chính" in mail
    assert "a payment of 1.250.000 đồng (VND) is due" in mail  # English below
    text = sms.wait_for(2)[1]["text"]
    assert text == (
        f"Mot cua: ho so {dossier.code} can nop 1.250.000 dong. "
        f"Nop tai: {PORTAL}/ca-nhan/ho-so/{dossier.code}/"
    )


def test_the_supplement_lists_every_missing_item_and_the_reason(notify, people, version):
    smtp, _ = notify
    dossier = processing(people, version)
    components = list(version.components.all())
    services.request_supplement(
        actor=people.specialist,
        dossier=dossier,
        missing=[c.pk for c in components],
        reason="Bản sao không có chứng thực",
        now=at(2026, 3, 3, 9, 0),
    )
    relay()
    mail = body(smtp.wait_for(2)[1])
    lines = mail.splitlines()
    start = lines.index("Thành phần cần bổ sung:") + 1
    assert lines[start : start + len(components) + 1] == [
        *(f"- {c.name}" for c in components),
        "Lý do: Bản sao không có chứng thực",
    ]
    assert "Lý do: Bản sao không có chứng thực" in mail
    assert "Việc cần làm tiếp theo: bổ sung đủ các thành phần trên" in mail
    assert f"Xem hồ sơ: {PORTAL}/ca-nhan/ho-so/{dossier.code}/" in mail


def test_each_event_is_told_with_its_own_data_even_after_the_dossier_moved_on(
    notify, people, version
):
    """Two fee requests relayed after both happened: each e-mail names its amount
    (the n-th event goes with the n-th history row of its action)."""
    smtp, _ = notify
    dossier = processing(people, version)
    for amount, hour in ((100_000, 10), (250_000, 14)):
        dossier = services.request_financial_obligation(
            actor=people.specialist, dossier=dossier, amount=amount, now=at(2026, 3, 2, hour, 0)
        )
        dossier = services.fulfil_financial_obligation(
            actor=people.specialist, dossier=dossier, paid=amount, now=at(2026, 3, 2, hour, 30)
        )
    relay()
    fees = [body(m) for m in smtp.wait_for(3)[1:]]
    assert "Số tiền phải nộp: 100.000 đồng" in fees[0]
    assert "Số tiền phải nộp: 250.000 đồng" in fees[1]


def test_email_is_vietnamese_first_with_diacritics_and_english_below(notify, people, version):
    smtp, _ = notify
    dossier = receive(people, version)
    relay()
    mail = body(smtp.wait_for(1)[0])
    assert mail.startswith("Kính gửi ông/bà Hoàng Thị Lan,")
    assert f"Mã hồ sơ: {dossier.code}" in mail
    assert f"Thủ tục: {version.name}" in mail
    assert "Trạng thái mới: Đã tiếp nhận" in mail
    assert "Ngày hẹn trả kết quả: 09:00 ngày 05/03/2026" in mail  # Asia/Ho_Chi_Minh
    assert mail.index("Kính gửi") < mail.index("English:")
    assert "&amp;" not in mail and "&#" not in mail  # plain text, not HTML-escaped


def test_sms_are_short_and_unaccented_by_default(notify, people, version):
    _, sms = notify
    receive(people, version)
    relay()
    text = sms.wait_for(1)[0]["text"]
    assert text.isascii() and len(text) <= 160  # one GSM 7-bit part
    record = Notification.objects.get(channel=Channel.SMS)
    assert record.body == text  # what was sent is what is kept


def test_a_unicode_gateway_gets_the_diacritics(notify, people, version, settings):
    _, sms = notify
    settings.EGOV_SMS_UNICODE = True
    dossier = receive(people, version)
    relay()
    assert sms.wait_for(1)[0]["text"].startswith(f"Một cửa: hồ sơ {dossier.code} đã được tiếp")


class _Postcard:
    """Another provider, chosen by setting (what a carrier's adapter would be)."""

    sent: list[tuple[str, str, str]] = []
    unicode = True

    def send(self, to: str, text: str, *, reference: str = "") -> None:
        self.sent.append((to, text, reference))


def test_the_sms_provider_is_chosen_by_setting(notify, people, version, settings):
    _, sms = notify
    settings.EGOV_SMS_PROVIDER = f"{__name__}._Postcard"
    _Postcard.sent.clear()
    receive(people, version)
    relay()
    [(to, text, reference)] = _Postcard.sent
    assert to == "0912345678" and "đã được tiếp nhận" in text
    assert reference == Notification.objects.get(channel=Channel.SMS).reference
    assert sms.messages == []
