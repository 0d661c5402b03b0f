"""The DVCQG client against the fake national portal over HTTP: the session (one login,
kept in the cache, a new one when the portal says it expired), what is retried and
what is refused for good, a hanging portal, the circuit breaker, the catalogue."""

from __future__ import annotations

import time

import pytest

from egov.national import circuit, portal
from egov.national.tests.helpers import calls, logins

pytestmark = pytest.mark.django_db

RECORD = {
    "MaHoSo": "000.00.12.H06-260302-0001",
    "TrangThaiHoSo": 2,
    "NgayTiepNhan": "20260302090000",
}


def test_one_login_serves_many_calls_until_the_portal_says_the_session_expired(national):
    assert portal.Dvcqg().known(RECORD["MaHoSo"]) is False
    assert portal.Dvcqg().known(RECORD["MaHoSo"]) is False  # a new client: the cached session
    assert len(logins(national)) == 1
    national.server.sessions.clear()  # the portal forgets its sessions (as after a restart)
    portal.Dvcqg().sync(message_id="m-1", record=RECORD, updating=False)
    assert len(logins(national)) == 2
    assert [c["outcome"] for c in calls(national)] == [
        "processed",
        "processed",
        "unauthorised",
        "processed",
    ]
    assert portal.Dvcqg().known(RECORD["MaHoSo"]) is True


def test_a_session_is_kept_no_longer_than_the_portal_gives_it(national):
    national.server.session_seconds = 1
    portal.Dvcqg().known("x")
    time.sleep(1.1)
    portal.Dvcqg().known("x")
    assert len(logins(national)) == 2
    assert not calls(national, outcome="unauthorised")  # renewed before it was refused


def test_a_wrong_password_is_refused_for_good(national, settings):
    settings.NATIONAL_PASSWORD = "sai"
    with pytest.raises(portal.PortalRefused, match="login refused"):
        portal.Dvcqg().known("x")


@pytest.mark.parametrize(
    "fault", [{"mode": "fail", "status": 503}, {"mode": "throttle"}, {"mode": "gone"}]
)
def test_5xx_429_and_a_dropped_connection_are_worth_retrying(national, fault):
    national.faults.set(**fault)
    with pytest.raises(portal.PortalUnavailable):
        portal.Dvcqg().known("x")


def test_a_4xx_or_a_nonzero_error_code_is_a_permanent_refusal(national):
    portal.Dvcqg().known("x")  # logged in
    national.faults.set("fail", status=400, count=1)
    with pytest.raises(portal.PortalRefused) as refused:
        portal.Dvcqg().known("x")
    assert refused.value.status == 400
    with pytest.raises(portal.PortalRefused) as refused:
        portal.Dvcqg().sync(
            message_id="m-2", record={**RECORD, "TrangThaiHoSo": 11}, updating=False
        )
    assert refused.value.error_code == 1 and "TrangThaiHoSo" in str(refused.value)


def test_success_is_error_code_zero_whatever_the_message_says(national):
    answer = portal.Dvcqg().sync(message_id="m-3", record=RECORD, updating=False)
    assert answer["error_code"] == 0
    again = portal.Dvcqg().sync(message_id="m-3", record=RECORD, updating=False)
    assert again["error_code"] == 0 and again["duplicate"] is True  # deduplicated
    assert [c["outcome"] for c in calls(national, "DongBoHoSoMC")] == ["processed", "duplicate"]


def test_a_hanging_portal_times_out(national, settings):
    settings.NATIONAL_TIMEOUT_SECONDS = 1
    portal.Dvcqg().known("x")  # logged in
    national.faults.set("hang")
    with pytest.raises(portal.PortalUnavailable, match="timed out"):
        portal.Dvcqg().known("x")


def test_the_circuit_opens_after_repeated_failures_and_closes_after_a_success(national, settings):
    settings.NATIONAL_CIRCUIT_FAILURES = 3
    national.faults.set("fail", status=503)
    for _ in range(3):
        with pytest.raises(portal.PortalUnavailable, match="HTTP 503"):
            portal.Dvcqg().known("x")
    assert circuit.state() == circuit.OPEN
    seen = len(national.recorder.items())
    with pytest.raises(portal.PortalUnavailable, match="circuit open"):
        portal.Dvcqg().known("x")
    assert len(national.recorder.items()) == seen  # nothing reached the portal
    national.faults.set("ok")
    time.sleep(1.1)  # NATIONAL_CIRCUIT_SECONDS = 1
    assert circuit.state() == circuit.HALF_OPEN
    assert portal.Dvcqg().known("x") is False
    assert circuit.state() == circuit.CLOSED


def test_a_failure_while_half_open_opens_the_circuit_again(national, settings):
    settings.NATIONAL_CIRCUIT_FAILURES = 1
    national.faults.set("fail", status=503)
    with pytest.raises(portal.PortalUnavailable):
        portal.Dvcqg().known("x")
    time.sleep(1.1)
    with pytest.raises(portal.PortalUnavailable, match="HTTP 503"):
        portal.Dvcqg().known("x")
    assert circuit.state() == circuit.OPEN


def test_the_catalogue_services(national):
    client = portal.Dvcqg()
    procedures = client.catalogue("LayDanhSachTTHC")
    assert {
        "MaTTHC": "1.001193",
        "TenTTHC": "Thủ tục đăng ký khai sinh",
        "MaLinhVuc": "G22-TP-HT",
    } in procedures
    detail = client.catalogue("LayThuTuc", MaTTHC="2.000884")
    assert detail["TenTTHC"] == "Cấp giấy chứng nhận đăng ký hộ kinh doanh"
    assert detail["LePhi"][0]["MucPhi"] == 100000
    assert {"MaCoQuan": "000.00.00.H06", "TenCoQuan": "UBND tỉnh Bắc Kạn"} in client.catalogue(
        "LayDanhMucCoQuan"
    )
    assert len(client.catalogue("LayDanhMucLinhVuc")) == 3
    with pytest.raises(portal.PortalRefused):
        client.catalogue("LayThuTuc", MaTTHC="9.999999")


def test_the_sync_off_means_no_client(settings):
    settings.NATIONAL_PROVIDER = "none"
    assert portal.provider() is None
