"""The desk's counter look-up on the reception form (issue 11, finding 4): the account
of the person at the counter is found by ID number with a reason, which is audited; the
form comes back filled, nothing is received."""

from __future__ import annotations

import datetime

import pytest

from egov.core.models import AuditEntry
from egov.dossiers.models import Dossier

RECEPTION = "/mot-cua/tiep-nhan/"
REASON = "Tiếp nhận hồ sơ tại quầy"


@pytest.fixture
def desk(client, people):
    profile = people.citizen.applicant
    profile.date_of_birth = datetime.date(1990, 4, 12)
    profile.save()
    client.force_login(people.desk_officer)
    return client


def look_up(client, id_number, reason):
    return client.post(
        RECEPTION,
        {"step": "lookup", "channel": "counter", "id_number": id_number, "lookup_reason": reason},
    )


def test_a_look_up_fills_the_applicant_and_is_audited(desk, people):
    response = look_up(desk, "006190001234", REASON)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Hoàng Thị Lan"' in page
    assert 'value="1990-04-12"' in page
    assert "ghi nhật ký" in page
    assert "has-error" not in page  # nothing is marked missing: nothing was received
    [entry] = AuditEntry.objects.filter(action="personal_data.read")
    assert entry.actor == people.desk_officer and entry.changes["reason"] == REASON
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    "id_number,reason,code,field",
    [
        ("006190001234", "", "lookup_reason_invalid", "lookup_reason"),
        ("123", REASON, "id_number_invalid", "id_number"),
        ("006190999999", REASON, "applicant_not_found", "id_number"),
    ],
)
def test_a_look_up_without_a_reason_or_account_is_shown_at_its_field(
    desk, id_number, reason, code, field
):
    response = look_up(desk, id_number, reason)
    assert response.status_code in (400, 404)
    assert response.context["error"].code == code
    assert response.context["error"].form_field == field
    assert 'class="field-error" role="alert"' in response.content.decode()
    assert not AuditEntry.objects.filter(action="personal_data.read").exists()
