"""The registry clients against the real fake over HTTP on loopback (found, not found,
503, 429, gone, hang -> timeout, cache), the checks made before any call, and the audit
entry of every look-up (never the ID number in clear)."""

from __future__ import annotations

import datetime
import json
import threading

import pytest

from egov.core.errors import DomainError
from egov.core.models import AuditEntry
from egov.directory.models import User
from egov.directory.tests.factories import ApplicantFactory
from egov.registries import providers, services
from egov.registries.tests.fixtures import CITIZEN, COMPANY, registries

__all__ = ["registries"]

LAN = CITIZEN["SoDinhDanh"]
REASON = "Tiếp nhận hồ sơ tại quầy"


def lookups() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__startswith="registry.").order_by("id"))


def refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


def test_a_citizen_finds_herself_and_the_audit_entry_hides_her_number(people, registries):
    person = services.look_up_person(actor=people.citizen, id_number=LAN)
    assert person == providers.Person(
        id_number=LAN,
        full_name="Hoàng Thị Lan",
        birth_date=datetime.date(1990, 4, 12),
        sex="female",
        permanent_address="Tổ 5, phường Đức Xuân, thành phố Bắc Kạn",
        phone="0912000111",
    )
    received = registries.received()  # over HTTP, as a tester reads it
    assert [(r["path"], r["body"]) for r in received] == [("/dan-cu/tra-cuu", {"SoDinhDanh": LAN})]
    [entry] = lookups()
    assert entry.action == "registry.population_lookup"
    assert entry.actor_id == people.citizen.pk
    assert entry.object_repr == "0061******34"
    assert entry.object_id == services.pseudonym(LAN) != LAN
    assert entry.changes == {
        "outcome": "found",
        "cached": False,
        "provider": "fake-http",
        "url": registries.url,
        "purpose": "own",
    }
    stored = json.dumps([entry.object_id, entry.object_repr, entry.changes])
    assert LAN not in stored and LAN[-6:] not in stored


def test_the_desk_looks_someone_up_with_a_reason_and_an_unknown_number_is_not_found(
    people, registries
):
    found = services.look_up_person(
        actor=people.desk_officer, id_number="001090012345", reason=REASON
    )
    assert found.full_name == "Nguyễn Văn An"  # the fake national SSO's citizen
    assert found.sex == "male" and found.phone == "0912345678"
    error = refused(
        services.look_up_person, actor=people.desk_officer, id_number="001090099999", reason=REASON
    )
    assert (error.code, error.status, error.field) == ("registry_not_found", 404, "id_number")
    assert "CSDL quốc gia về dân cư" in error.message and "population" in error.message_en
    first, second = lookups()
    assert first.changes["outcome"] == "found" and second.changes["outcome"] == "registry_not_found"
    assert second.changes["purpose"] == "counter_lookup" and second.changes["reason"] == REASON
    assert second.agency_id == people.desk_officer.officer.agency_id
    assert len(registries.recorder.items()) == 2


@pytest.mark.parametrize(
    ("mode", "options", "status", "retry_after"),
    [
        ("fail", {"status": 503}, 503, None),
        ("fail", {"status": 500}, 500, None),
        ("throttle", {}, 429, "1"),
        ("gone", {}, 0, None),
    ],
)
def test_a_failing_registry_is_unavailable(people, registries, mode, options, status, retry_after):
    registries.control(mode=mode, count=1, **options)
    error = refused(services.look_up_person, actor=people.citizen, id_number=LAN)
    assert (error.code, error.status) == ("registry_unavailable", 503)
    assert error.details["status"] == status
    assert error.details.get("retry_after") == retry_after
    [entry] = lookups()
    assert entry.changes["outcome"] == "registry_unavailable"
    # The fault was for one request: the next look-up finds her (nothing was cached).
    assert services.look_up_person(actor=people.citizen, id_number=LAN).full_name == "Hoàng Thị Lan"
    assert len(registries.recorder.items()) == 2


def test_a_hanging_registry_times_out(people, registries, settings):
    settings.EGOV_REGISTRY_TIMEOUT_SECONDS = 0.5
    registries.control(mode="hang")
    # A guard, not a measure: if the client waited for ever, the fake stops hanging
    # after 30 s and the look-up would then succeed, failing this test.
    guard = threading.Timer(30, registries.faults.set, args=("ok",))
    guard.start()
    try:
        error = refused(services.look_up_person, actor=people.citizen, id_number=LAN)
    finally:
        guard.cancel()
    assert (error.code, error.status) == ("registry_timeout", 504)
    assert error.details == {"registry": "population", "timeout_seconds": 0.5}
    assert registries.recorder.items()[0]["body"] == {"SoDinhDanh": LAN}  # it did arrive
    assert lookups()[0].changes["outcome"] == "registry_timeout"


def test_a_found_person_is_cached_and_every_look_up_is_still_audited(people, registries):
    for _ in range(3):
        services.look_up_person(actor=people.citizen, id_number=LAN)
    assert len(registries.recorder.items()) == 1
    assert [e.changes["cached"] for e in lookups()] == [False, True, True]
    services.look_up_person(actor=people.desk_officer, id_number="006085006789", reason=REASON)
    assert len(registries.recorder.items()) == 2  # another number: asked


def test_no_cache_when_its_lifetime_is_zero(people, registries, settings):
    settings.EGOV_REGISTRY_CACHE_SECONDS = 0
    services.look_up_person(actor=people.citizen, id_number=LAN)
    services.look_up_person(actor=people.citizen, id_number=LAN)
    assert len(registries.recorder.items()) == 2


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("", "id_number_invalid"),
        ("00619000123", "id_number_invalid"),
        ("0061900012345", "id_number_invalid"),
        ("00619000123a", "id_number_invalid"),
        ("003190001234", "id_number_province"),  # 003 is no province code
    ],
)
def test_a_malformed_number_is_refused_before_any_call(people, registries, number, code):
    error = refused(
        services.look_up_person, actor=people.desk_officer, id_number=number, reason=REASON
    )
    assert (error.code, error.field) == (code, "id_number")
    assert registries.received() == [] and lookups() == []


def test_a_citizen_may_look_up_only_herself(people, registries):
    error = refused(services.look_up_person, actor=people.citizen, id_number="001090012345")
    assert (error.code, error.status) == ("permission_denied", 403)
    assert registries.received() == [] and lookups() == []


def test_an_officer_needs_the_desk_role_and_a_reason(people, registries):
    error = refused(services.look_up_person, actor=people.specialist, id_number=LAN, reason=REASON)
    assert error.status == 403
    error = refused(services.look_up_person, actor=people.desk_officer, id_number=LAN, reason="")
    assert error.code == "lookup_reason_invalid"
    found = services.look_up_person(actor=people.auditor, id_number=LAN, reason=REASON)
    assert found.full_name == "Hoàng Thị Lan"
    assert len(registries.recorder.items()) == 1 and len(lookups()) == 1


def test_none_disables_the_registry(people, registries, settings):
    settings.EGOV_POPULATION_PROVIDER = "none"
    assert providers.population() is None and not providers.enabled("population")
    error = refused(services.look_up_person, actor=people.citizen, id_number=LAN)
    assert (error.code, error.status) == ("registry_disabled", 503)
    assert registries.received() == [] and lookups() == []


def test_a_provider_is_chosen_by_setting(settings, registries):
    client = providers.population()
    assert isinstance(client, providers.HttpPopulationRegistry) and client.url == registries.url
    settings.EGOV_BUSINESS_PROVIDER = "egov.registries.providers.HttpBusinessRegistry"
    assert isinstance(providers.business(), providers.HttpBusinessRegistry)


def test_a_business_finds_itself_by_its_tax_code(db, registries):
    account = ApplicantFactory(
        user__kind=User.Kind.BUSINESS, id_number="", tax_code=COMPANY["MaSoThue"]
    ).user
    found = services.look_up_business(actor=account, code=COMPANY["MaSoThue"])
    assert found == providers.Business(
        enterprise_code="4700999888",
        tax_code="4700999888",
        name="Công ty TNHH Thử Nghiệm Chợ Mới",
        address="Số 3 đường Hùng Vương, thị trấn Đồng Tâm, huyện Chợ Mới",
        legal_representative="Hoàng Thị Lan",
        status="Đang hoạt động",
    )
    assert registries.received()[0] == {
        **registries.received()[0],
        "path": "/doanh-nghiep/tra-cuu",
        "body": {"MaSoDoanhNghiep": "4700999888"},
    }
    [entry] = lookups()
    assert (entry.action, entry.object_id) == ("registry.business_lookup", "4700999888")
    error = refused(services.look_up_business, actor=account, code="4700123456")
    assert error.status == 403  # another enterprise


def test_the_desk_looks_up_a_business_and_a_malformed_code_is_refused(people, registries):
    found = services.look_up_business(actor=people.desk_officer, code="4700345678", reason=REASON)
    assert found.status == "Đã giải thể" and found.legal_representative == "Hoàng Thị Lan"
    error = refused(
        services.look_up_business, actor=people.desk_officer, code="4700-12", reason=REASON
    )
    assert (error.code, error.field) == ("tax_code_invalid", "tax_code")
    error = refused(
        services.look_up_business, actor=people.desk_officer, code="4700000000", reason=REASON
    )
    assert (error.code, error.field) == ("registry_not_found", "tax_code")
    assert len(registries.received()) == 2


def test_a_wrong_address_is_unavailable_not_not_found(people, registries, settings):
    settings.EGOV_POPULATION_URL = registries.url + "/sai-duong-dan"
    error = refused(services.look_up_person, actor=people.citizen, id_number=LAN)
    assert (error.code, error.details["status"]) == ("registry_unavailable", 404)


def test_a_cached_look_up_reads_the_profile_and_the_cache_and_writes_its_audit_entry(
    people, registries, django_assert_num_queries
):
    services.look_up_person(actor=people.citizen, id_number=LAN)  # asks, caches, audits
    # The account's number (1), the database cache (1), the audit entry: the chain head's
    # next number, the entry, the head's new hash (3).
    with django_assert_num_queries(5):
        services.look_up_person(actor=people.citizen, id_number=LAN)
    assert len(registries.recorder.items()) == 1


def test_a_slow_registry_within_the_timeout_answers_and_beyond_it_times_out(
    people, registries, settings
):
    settings.EGOV_REGISTRY_TIMEOUT_SECONDS = 2
    settings.EGOV_REGISTRY_CACHE_SECONDS = 0
    registries.control(mode="slow", delay_seconds=0.2, count=1)
    assert services.look_up_person(actor=people.citizen, id_number=LAN).full_name
    settings.EGOV_REGISTRY_TIMEOUT_SECONDS = 0.5
    registries.control(mode="slow", delay_seconds=3, count=1)
    error = refused(services.look_up_person, actor=people.citizen, id_number=LAN)
    assert error.code == "registry_timeout"
    assert [e.changes["outcome"] for e in lookups()] == ["found", "registry_timeout"]


def test_every_call_is_logged_without_the_number(people, registries, caplog):
    registries.control(mode="fail", status=503, count=1)
    with caplog.at_level("INFO", logger="egov.registries"):
        with pytest.raises(DomainError):
            services.look_up_person(actor=people.citizen, id_number=LAN)
        services.look_up_person(actor=people.citizen, id_number=LAN)
    lines = [r.getMessage() for r in caplog.records if r.name == "egov.registries"]
    assert any("registry_unavailable in" in line for line in lines)
    assert any("/dan-cu/tra-cuu: found in" in line for line in lines)
    assert not any(LAN in line for line in lines)
