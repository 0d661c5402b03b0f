"""The dossier's notifications on its workspace page: loaded after the page (htmx), for
the officers who may read the dossier, addresses masked; the page's own queries do
not change. The journey in a real browser: the desk officer opens the dossier and reads
what the applicant was sent, a failed SMS included."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from egov.directory.tests.helpers import login_verified
from egov.dossiers.tests.journeys import browser, person
from egov.notifications.models import Notification
from egov.notifications.queries import masked
from egov.notifications.tests.helpers import receive, relay, relay_round

__all__ = ["browser", "person"]  # fixtures of journeys.py


def _url(dossier) -> str:
    return f"/mot-cua/ho-so/{dossier.code}/thong-bao/"


@pytest.mark.django_db
def test_the_section_lists_them_masked_for_the_dossier_s_officers(
    client, notify, people, version, django_assert_max_num_queries
):
    dossier = receive(people, version)
    relay()
    client.force_login(people.desk_officer)
    # session, user, officer, roles; the dossier; the list; the session touched (3)
    with django_assert_max_num_queries(9):
        section = client.get(_url(dossier), headers={"HX-Request": "true"})
    assert section.status_code == 200
    html = section.content.decode()
    assert html.lstrip().startswith("<section") and "<html" not in html  # the fragment
    assert "Thông báo cho người nộp" in html
    assert html.count('class="notification ') == 2
    assert "0912***678" in html and "ho***@example.vn" in html
    assert "0912345678" not in html and "hoang.lan@example.vn" not in html
    assert html.count("Đã gửi") == 2
    page = client.get(_url(dossier))  # without JavaScript: a page of its own
    assert page.status_code == 200 and "<html" in page.content.decode()


@pytest.mark.django_db
def test_outside_the_scope_or_not_an_officer_reads_nothing(client, notify, people, version):
    dossier = receive(people, version)
    relay()
    login_verified(client, people.foreign_officer)  # an administrator: second factor
    assert client.get(_url(dossier)).status_code == 404
    client.force_login(people.citizen)
    assert client.get(_url(dossier)).status_code == 403
    client.logout()
    assert client.get(_url(dossier)).status_code == 302


@pytest.mark.django_db
def test_the_dossier_page_loads_the_section_after_itself(client, notify, people, version):
    dossier = receive(people, version)
    client.force_login(people.desk_officer)
    html = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert f'hx-get="{_url(dossier)}"' in html and 'hx-trigger="load"' in html
    assert not Notification.objects.exists()  # nothing relayed: the page reads no record


def test_masking():
    assert masked("0912345678") == "0912***678"
    assert masked("lan@example.vn") == "la***@example.vn"
    assert masked("12345") == "***"


@pytest.mark.usefixtures("committed_db")
def test_the_desk_officer_reads_what_the_applicant_was_sent(person, notify, people, version):
    smtp, sms = notify
    sms.fail_next(1)
    dossier = receive(people, version)
    relay_round()  # the e-mail goes, the SMS gateway answers 503
    desk = person("desk_officer")
    desk.open(dossier.code)
    section = desk.page.locator("#notifications")
    expect(section.locator("li.notification")).to_have_count(2)
    expect(section.locator("li.notification.email")).to_contain_text("Đã gửi")
    expect(section.locator("li.notification.sms")).to_contain_text("Gửi lỗi, sẽ gửi lại")
    expect(section).to_contain_text("Đã tiếp nhận")
    desk.shot("sms-failed")

    relay_round()  # the gateway is back: the retry delivers it
    desk.open(dossier.code)
    expect(desk.page.locator("#notifications li.notification.sms")).to_contain_text("2 lần gửi")
    expect(desk.page.locator("#notifications li.notification.sms")).to_contain_text("Đã gửi")
    desk.shot("sms-sent")
    assert len(sms.messages) == 1 and len(smtp.messages) == 1
