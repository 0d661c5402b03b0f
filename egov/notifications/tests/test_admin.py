"""Officers and administrators see what the applicant was sent, within the scope of
the dossier's agencies; nobody changes it."""

from __future__ import annotations

import pytest

from egov.directory.tests.helpers import login_verified
from egov.notifications.models import Notification
from egov.notifications.queries import notifications_of
from egov.notifications.tests.helpers import receive, relay

pytestmark = pytest.mark.django_db

LIST = "/admin/notifications/notification/"


@pytest.fixture
def sent(notify, people, version):
    dossier = receive(people, version)
    relay()
    assert Notification.objects.filter(dossier=dossier).count() == 2
    return dossier


def test_the_admin_lists_them_read_only_within_scope(client, people, sent):
    login_verified(client, people.agency_admin)
    listed = client.get(LIST, {"q": sent.code})
    assert listed.status_code == 200
    assert {n.dossier_id for n in listed.context["cl"].queryset} == {sent.pk}
    assert len(listed.context["cl"].queryset) == 2
    record = Notification.objects.get(dossier=sent, channel="email")
    page = client.get(f"{LIST}{record.pk}/change/")
    assert page.status_code == 200 and sent.code in page.content.decode()
    assert b'type="submit"' not in page.content.split(b'id="content-main"')[1]  # view only
    before = Notification.objects.get(pk=record.pk).body
    client.post(f"{LIST}{record.pk}/change/", {"body": "changed", "state": "failed"})
    assert Notification.objects.get(pk=record.pk).body == before
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Notification.objects.filter(pk=record.pk).exists()


def test_another_province_sees_none(client, people, sent):
    login_verified(client, people.foreign_officer)
    assert list(client.get(LIST).context["cl"].queryset) == []


def test_the_dossier_s_officers_read_them_others_do_not(people, sent):
    mine = notifications_of(people.desk_officer, sent)
    assert [n.channel for n in mine] == ["email", "sms"]
    assert notifications_of(people.foreign_officer, sent) is None
    assert notifications_of(people.citizen, sent) is None  # officers only
