"""A supplement may be requested only once (Decree 118/2025 art. 11): a second request
is refused with a clear message, changes nothing, and is not offered in the workspace."""

from __future__ import annotations

import pytest
from django.test import override_settings

from egov.core.errors import Conflict
from egov.core.models import AuditEntry
from egov.dossiers import services
from egov.dossiers.actions import offers
from egov.dossiers.tests.factories import district_procedure, full_checklist
from egov.dossiers.tests.test_workspace import receive

pytestmark = pytest.mark.django_db


def _incomplete(people):
    version = district_procedure()
    missing = [full_checklist(version)[0].component_id]
    dossier = receive(people, version, outcome="incomplete", missing=missing)
    return dossier, missing


def test_a_second_request_is_refused_and_changes_nothing(people):
    dossier, missing = _incomplete(people)
    services.supply_at_reception(
        actor=people.desk_officer,
        dossier=dossier,
        components=full_checklist(dossier.procedure_version)[:1],
    )
    dossier.refresh_from_db()
    names = {o.action.name for o in offers(people.desk_officer, dossier)}
    assert "request_reception_supplement" not in names
    entries, version = AuditEntry.objects.count(), dossier.version
    with pytest.raises(Conflict) as caught:
        services.request_reception_supplement(
            actor=people.desk_officer, dossier=dossier, missing=missing, note="lần hai"
        )
    assert caught.value.code == "supplement_already_requested"
    assert "một lần" in caught.value.message and "once" in caught.value.message_en
    dossier.refresh_from_db()
    assert (AuditEntry.objects.count(), dossier.version) == (entries, version)


@override_settings(SUPPLEMENT_REQUESTS_MAX=2)
def test_the_number_allowed_is_a_setting(people):
    from egov.dossiers import rules

    rules.check_supplement_request_allowed(1)
    with pytest.raises(Conflict):
        rules.check_supplement_request_allowed(2)
