"""The registry: X-Road identifiers, services, access rights and secrets, every change
audited; refusals change nothing; the admin writes through the services."""

from __future__ import annotations

import pytest

from egov.core.errors import DomainError
from egov.core.models import AuditEntry
from egov.directory.tests.helpers import login_verified
from egov.gateway import services
from egov.gateway.models import AccessRight, ClientSecret, Member, Service, Subsystem
from egov.gateway.tests.factories import CLIENT_ID, PROVIDER_ID, registry

pytestmark = pytest.mark.django_db


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def test_registering_writes_identifiers_and_an_audit_entry_each(people):
    reg = registry(people.province_admin)
    assert reg.client.identifier == CLIENT_ID
    assert reg.service.identifier == f"{PROVIDER_ID}/echo"
    assert _actions() == [
        "gateway.member.created",
        "gateway.member.created",
        "gateway.subsystem.created",
        "gateway.subsystem.created",
        "gateway.service.created",
        "gateway.access.granted",
        "gateway.secret.issued",
    ]
    entry = AuditEntry.objects.get(action="gateway.service.created")
    assert entry.actor_id == people.province_admin.pk
    assert entry.changes["after"]["base_url"] == "http://127.0.0.1:9/"


def test_a_secret_is_kept_hashed(db):
    reg = registry()
    stored = ClientSecret.objects.get()
    assert reg.secret not in stored.secret_hash and stored.secret_hash.startswith("md5$")
    assert stored.hint == reg.secret[-4:]
    entry = AuditEntry.objects.get(action="gateway.secret.issued")
    assert reg.secret not in str(entry.changes)


def test_a_member_code_change_renames_its_subsystems(db):
    reg = registry()
    member = reg.client.member
    member.code = "000.00.00.H12"
    services.save_member(actor=None, member=member)
    reg.client.refresh_from_db()
    assert reg.client.identifier == "VN/GOV/000.00.00.H12/MOTCUA"
    change = AuditEntry.objects.filter(action="gateway.subsystem.changed").get()
    assert change.changes["after"] == {"identifier": "VN/GOV/000.00.00.H12/MOTCUA"}


@pytest.mark.parametrize(
    "code, error",
    [("a/b", "gateway_bad_identifier"), ("", "gateway_bad_identifier"), ("H06", None)],
)
def test_identifier_parts_are_checked(db, code, error):
    before = (Member.objects.count(), AuditEntry.objects.count())
    if error is None:
        services.register_member(actor=None, instance="VN", member_class="GOV", code=code, name="x")
        assert Member.objects.count() == before[0] + 1
        return
    with pytest.raises(DomainError) as refused:
        services.register_member(actor=None, instance="VN", member_class="GOV", code=code, name="x")
    assert refused.value.code == error and refused.value.field == "code"
    assert "định danh" in refused.value.message and "identifier" in refused.value.message_en
    assert (Member.objects.count(), AuditEntry.objects.count()) == before


def test_duplicates_and_bad_urls_are_refused_and_change_nothing(db):
    reg = registry()
    before = (Subsystem.objects.count(), Service.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DomainError) as duplicate:
        services.register_subsystem(actor=None, member=reg.client.member, code="MOTCUA", name="x")
    assert duplicate.value.code == "gateway_duplicate"
    with pytest.raises(DomainError) as bad_url:
        services.register_service(actor=None, provider=reg.provider, code="x", base_url="ftp://x")
    assert bad_url.value.code == "gateway_bad_url"
    after = (Subsystem.objects.count(), Service.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_a_member_with_subsystems_is_not_deleted(db):
    reg = registry()
    with pytest.raises(DomainError) as refused:
        services.remove_entry(actor=None, obj=reg.client.member)
    assert refused.value.code == "gateway_in_use"
    assert Member.objects.filter(pk=reg.client.member.pk).exists()


def test_the_province_admin_administers_the_registry_in_the_admin(client, people):
    reg = registry()
    login_verified(client, people.province_admin)
    answer = client.post(
        "/admin/gateway/member/add/",
        {"instance": "VN", "member_class": "COM", "code": "0101234567", "name": "Công ty A"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    member = Member.objects.get(code="0101234567")
    entry = AuditEntry.objects.filter(action="gateway.member.created").last()
    assert entry.object_id == str(member.pk) and entry.actor_id == people.province_admin.pk
    # A refusal is a form error, in Vietnamese and English, and writes nothing.
    count = AuditEntry.objects.count()
    answer = client.post(
        "/admin/gateway/member/add/",
        {"instance": "VN", "member_class": "COM", "code": "0101234567", "name": "Trùng"},
    )
    assert answer.status_code == 200
    assert "đã được đăng ký" in answer.content.decode()
    assert "already registered" in answer.content.decode()
    assert AuditEntry.objects.count() == count
    # Revoking an access right from the admin is audited too.
    right = AccessRight.objects.get()
    answer = client.post(f"/admin/gateway/accessright/{right.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    assert not AccessRight.objects.exists()
    assert _actions()[-1] == "gateway.access.revoked"
    # A secret issued from the subsystem list is shown once.
    answer = client.post(
        "/admin/gateway/subsystem/",
        {"action": "issue_secret", "_selected_action": [reg.provider.pk]},
        follow=True,
    )
    assert "shown once" in answer.content.decode()
    assert ClientSecret.objects.filter(subsystem=reg.provider).count() == 1


def test_the_auditor_reads_but_does_not_change(client, people):
    registry()
    client.force_login(people.auditor)
    assert client.get("/admin/gateway/service/").status_code == 200
    answer = client.post(
        "/admin/gateway/member/add/",
        {"instance": "VN", "member_class": "COM", "code": "0101234567", "name": "A"},
    )
    assert answer.status_code == 403
    client.force_login(people.desk_officer)
    assert client.get("/admin/gateway/service/").status_code in (302, 403)


def test_the_admin_refuses_to_delete_a_member_in_use(client, people):
    reg = registry()
    login_verified(client, people.province_admin)
    member = reg.client.member
    answer = client.post(f"/admin/gateway/member/{member.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 200  # the confirmation page again, listing what protects it
    assert Member.objects.filter(pk=member.pk).exists()
    assert "MOTCUA" in answer.content.decode()
    assert not AuditEntry.objects.filter(action="gateway.member.deleted").exists()
    # A service without dependants is deleted, and audited.
    service = reg.service
    answer = client.post(f"/admin/gateway/service/{service.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    assert not Service.objects.filter(pk=service.pk).exists()
    entry = AuditEntry.objects.get(action="gateway.service.deleted")
    assert entry.changes["before"]["code"] == "echo"
