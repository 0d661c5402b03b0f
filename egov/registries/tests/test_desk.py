"""The desk's "Tra cứu CSDL quốc gia về dân cư" on the reception form (plain POST,
``step=registry``), against the fake registries over HTTP: the applicant block is
filled, nothing is received, every look-up audited with its reason."""

from __future__ import annotations

from django.urls import reverse

from egov.core.models import AuditEntry
from egov.dossiers.models import Dossier
from egov.registries.tests.fixtures import CITIZEN, registries

__all__ = ["registries"]

REASON = "Tiếp nhận hồ sơ tại quầy"
URL = reverse("dossiers:reception")


def _post(client, **fields):
    data = {"step": "registry", "lookup_reason": REASON, "name": "", "phone": "", **fields}
    return client.post(URL, data)


def test_the_desk_fills_the_applicant_block_from_the_registry(client, people, registries):
    client.force_login(people.desk_officer)
    assert 'id="registry-lookup"' in client.get(URL).content.decode()
    answer = _post(client, id_number=CITIZEN["SoDinhDanh"], email="lan@example.vn")
    assert answer.status_code == 200
    form = answer.context["form"]
    assert form.initial["name"] == "Hoàng Thị Lan"
    assert str(form.initial["birth_date"]) == "1990-04-12"
    assert form.initial["address"] == CITIZEN["ThuongTru"]
    assert form.initial["phone"] == CITIZEN["SoDienThoai"]
    assert form.initial["email"] == "lan@example.vn"  # typed, kept
    page = answer.content.decode()
    assert 'value="Hoàng Thị Lan"' in page and "CSDL quốc gia về dân cư" in page
    assert Dossier.objects.count() == 0  # nothing received
    [entry] = AuditEntry.objects.filter(action="registry.population_lookup")
    assert entry.actor_id == people.desk_officer.pk
    assert entry.changes["purpose"] == "counter_lookup" and entry.changes["reason"] == REASON
    assert CITIZEN["SoDinhDanh"] not in str(entry.changes) + entry.object_repr + entry.object_id


def test_a_malformed_number_is_refused_before_any_call(client, people, registries):
    client.force_login(people.desk_officer)
    answer = _post(client, id_number="0061900012", name="Hoàng Thị Lan")
    assert answer.status_code == 400
    assert "12 chữ số" in answer.content.decode()
    assert answer.context["form"].initial["name"] == "Hoàng Thị Lan"
    assert registries.received() == []
    assert not AuditEntry.objects.filter(action__startswith="registry.").exists()


def test_a_reason_is_needed(client, people, registries):
    client.force_login(people.desk_officer)
    answer = _post(client, id_number=CITIZEN["SoDinhDanh"], lookup_reason="")
    assert answer.status_code == 400 and answer.context["error"].code == "lookup_reason_invalid"
    assert registries.received() == []


def test_the_registry_down_keeps_what_was_typed(client, people, registries):
    client.force_login(people.desk_officer)
    registries.control(mode="throttle")
    answer = _post(client, id_number=CITIZEN["SoDinhDanh"], name="Hoàng Thị Lan", phone="0911")
    assert answer.status_code == 503
    assert answer.context["error"].code == "registry_unavailable"
    assert "đang không trả lời được" in answer.content.decode()
    assert answer.context["form"].initial["phone"] == "0911"
    [entry] = AuditEntry.objects.filter(action="registry.population_lookup")
    assert entry.changes["outcome"] == "registry_unavailable"


def test_an_unknown_person_is_not_found(client, people, registries):
    client.force_login(people.desk_officer)
    answer = _post(client, id_number="001090099999")
    assert answer.status_code == 404
    assert "Không tìm thấy công dân" in answer.content.decode()


def test_no_button_without_a_population_registry(client, people, settings):
    settings.EGOV_POPULATION_PROVIDER = "none"
    client.force_login(people.desk_officer)
    assert 'id="registry-lookup"' not in client.get(URL).content.decode()
