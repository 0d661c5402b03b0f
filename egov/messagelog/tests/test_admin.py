"""The auditor and the province administrator read the message log in the admin;
nobody adds, changes or deletes anything there; other officers do not see it."""

from __future__ import annotations

import pytest

from egov.directory.tests.helpers import login_verified
from egov.messagelog import seal
from egov.messagelog.models import MessageRecord, MessageSeal
from egov.messagelog.tests.helpers import CCCD, exchange, exchanges

pytestmark = pytest.mark.django_db

RECORDS = "/admin/messagelog/messagerecord/"
SEALS = "/admin/messagelog/messageseal/"


def test_the_auditor_reads_records_and_seals_and_changes_nothing(client, people, sealing):
    exchanges(3)
    seal.seal_pending()
    login_verified(client, people.auditor)
    listed = client.get(RECORDS)
    assert listed.status_code == 200
    assert len(listed.context["cl"].queryset) == 3
    record = MessageRecord.objects.get(seq=2)
    page = client.get(f"{RECORDS}{record.pk}/change/")
    assert page.status_code == 200 and record.hash in page.content.decode()
    assert b'type="submit"' not in page.content.split(b'id="content-main"')[1]  # view only
    client.post(f"{RECORDS}{record.pk}/change/", {"status": "500"})
    assert MessageRecord.objects.get(pk=record.pk).status == 200
    assert client.get(f"{RECORDS}add/").status_code == 403
    assert client.post(f"{RECORDS}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert MessageRecord.objects.filter(pk=record.pk).exists()
    stored = MessageSeal.objects.get()
    assert client.get(f"{SEALS}{stored.pk}/change/").status_code == 200
    assert client.post(f"{SEALS}{stored.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{SEALS}add/").status_code == 403


def test_a_search_by_id_number_finds_its_pseudonym(client, people, settings):
    settings.MESSAGELOG_KEY = "k1:" + "ab" * 32
    exchange(0)
    mine = exchange(1, user_id=CCCD, message_id=f"hoso-{CCCD}")
    settings.MESSAGELOG_KEY = "k1:" + "ab" * 32 + ",k2:" + "cd" * 32  # rotated
    after = exchange(2, user_id=CCCD)
    login_verified(client, people.province_admin)
    found = client.get(RECORDS, {"q": CCCD}).context["cl"].queryset
    assert sorted(r.pk for r in found) == [mine.pk, after.pk]  # under both keys
    found = client.get(RECORDS, {"q": f"hoso-{CCCD}"}).context["cl"].queryset
    assert [r.pk for r in found] == [mine.pk]


def test_other_officers_do_not_see_the_log(client, people):
    exchange(0)
    login_verified(client, people.agency_admin)
    assert client.get(RECORDS).status_code == 403
