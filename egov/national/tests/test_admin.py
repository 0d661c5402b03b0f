"""The sync-state admin: an administrator sees each dossier's sync state (listed
through the access policy) and re-drives a dossier's dead events, which then reach the
portal in order."""

from __future__ import annotations

import pytest

from egov.core.models import AuditEntry, OutboxEvent
from egov.directory.tests.helpers import login_verified
from egov.dossiers import services as dossiers
from egov.national.models import SyncState
from egov.national.tests.helpers import MONDAY, calls, received, relay

pytestmark = pytest.mark.django_db
URL = "/admin/national/syncstate/"


def test_an_administrator_sees_the_failure_and_redrives_it(client, national, people):
    national.faults.set("fail", status=400, count=1)
    dossier = received(people)
    relay()
    dossiers.forward(actor=people.desk_officer, dossier=dossier, now=MONDAY)
    relay()
    login_verified(client, people.province_admin)
    page = client.get(URL).content.decode()
    assert dossier.code in page and "HTTP 400" in page
    state = SyncState.objects.get()
    answer = client.post(URL, {"action": "redrive", "_selected_action": [state.pk]}, follow=True)
    assert "Đã gửi lại 1 sự kiện." in answer.content.decode()
    assert AuditEntry.objects.filter(action="outbox.redrive").count() == 1
    relay()
    assert [c["TrangThaiHoSo"] for c in calls(national, "DongBoHoSoMC", "processed")] == [2, 4]
    assert not OutboxEvent.objects.filter(status=OutboxEvent.Status.DEAD).exists()
    state.refresh_from_db()
    assert state.accepted and state.last_status_sent == 4 and state.last_error == ""


def test_the_list_follows_the_access_policy(client, national, people):
    dossier = received(people)
    relay()
    login_verified(client, people.foreign_officer)  # an officer of another province
    answer = client.get(URL)
    assert answer.status_code != 200 or dossier.code not in answer.content.decode()
    login_verified(client, people.auditor)  # the province's auditor reads it
    assert dossier.code in client.get(URL).content.decode()
