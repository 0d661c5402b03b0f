"""Dossiers reach the fake national portal through the real outbox relay: the first
event looks the dossier up and creates it, later ones update it and add progress; the
record's fields, dates and the ten status codes; retries, permanent refusals (dead at
once, re-driven from the admin's service), replays deduplicated by message id, the
sync state, the sweeper and the monitor's figures."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from egov.core import outbox
from egov.core.models import AuditEntry, OutboxAttempt, OutboxEvent
from egov.dossiers import services as dossiers
from egov.dossiers.tests.factories import TZ
from egov.national import handlers, queries, services
from egov.national.models import SyncState
from egov.national.tests.helpers import MONDAY, calls, received, relay

pytestmark = pytest.mark.django_db


def _dossier_events():
    return OutboxEvent.objects.filter(topic__startswith="dossier.")


def _sent(running, service="DongBoHoSoMC", outcome="processed"):
    return calls(running, service, outcome)


def test_a_received_dossier_is_looked_up_created_then_given_its_progress(national, people):
    dossier = received(people)
    relay()
    services_called = [c["service"] for c in calls(national)]
    assert services_called == ["TraCuuHoSo", "DongBoHoSoMC", "CapNhatTienDoHoSoMC"]
    event = OutboxEvent.objects.get(topic="dossier.receive_complete")
    (sync,) = _sent(national)
    assert sync["message_id"] == f"egov-{event.pk}" and sync["isUpdating"] == "false"
    record = national.dossier(dossier.code)
    assert record["TrangThaiHoSo"] == 2
    assert record["MaTTHC"] == "2.000884"
    assert record["TenTTHC"] == "Cấp giấy chứng nhận đăng ký hộ kinh doanh"
    assert record["ChuHoSo"] == "Hoàng Thị Lan" and record["LoaiDoiTuong"] == 1
    assert record["DinhDanhCHS"] == [{"LoaiDinhDanh": 1, "SoDinhDanh": "006190001234"}]
    assert record["Email"] == "hoang.lan@example.vn" and record["SoDienThoai"] == "0912345678"
    assert record["NgayTiepNhan"] == "20260302090000"  # 09:00 in Asia/Ho_Chi_Minh
    assert record["NgayHenTra"] == dossier.due_at.astimezone(TZ).strftime("%Y%m%d%H%M%S")
    assert dossier.due_at.astimezone(TZ).hour != dossier.due_at.astimezone(datetime.UTC).hour
    assert record["HinhThuc"] == 0 and record["DonViXuLy"] == "UBND huyện Chợ Mới"
    assert record["NgayTra"] == "" and record["NgayKetThucXuLy"] == ""
    for name in ("TaiLieuNop", "DanhSachLePhi", "DanhSachHoSoBoSung", "DanhSachGiayToKetQua"):
        assert isinstance(record[name], list)
    assert record["TaiLieuNop"] and all(t["SoBanChinh"] == 1 for t in record["TaiLieuNop"])
    (item,) = national.progress(dossier.code)
    assert item["TrangThai"] == 2 and item["NguoiXuLy"] == str(people.desk_officer)[:200]
    assert item["ThoiDiemXuLy"] == "20260302090000"
    state = SyncState.objects.get(dossier=dossier)
    assert state.accepted and state.last_status_sent == 2 and state.last_error == ""
    assert state.last_message_id == f"egov-{event.pk}"


def test_later_events_update_without_a_new_lookup(national, people):
    dossier = received(people)
    relay()
    dossiers.forward(
        actor=people.desk_officer, dossier=dossier, now=MONDAY + datetime.timedelta(hours=1)
    )
    relay()
    assert [c["service"] for c in calls(national)][3:] == ["DongBoHoSoMC", "CapNhatTienDoHoSoMC"]
    assert _sent(national)[-1]["isUpdating"] == "true"
    assert national.dossier(dossier.code)["TrangThaiHoSo"] == 4
    assert [p["TrangThai"] for p in national.progress(dossier.code)] == [2, 4]


def test_all_ten_status_codes_are_sent_as_they_are(national, people):
    dossier = received(people)
    relay()
    for code in [1, 3, 4, 5, 6, 7, 8, 9, 10]:
        outbox.emit(
            topic="dossier.test_status", aggregate=dossier, payload={"national_status": code}
        )
    relay(50)
    assert [c["TrangThaiHoSo"] for c in _sent(national)] == [2, 1, 3, 4, 5, 6, 7, 8, 9, 10]
    assert [p["TrangThai"] for p in national.progress(dossier.code)] == [
        2,
        1,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        10,
    ]


def test_a_supplement_request_is_sent_as_5_not_folded_into_9(national, people):
    dossier = received(people)
    dossiers.forward(actor=people.desk_officer, dossier=dossier, now=MONDAY)
    dossier.refresh_from_db()
    dossier.status = "supplement_requested"  # as request_supplement leaves it
    assert dossier.national_status == 5
    outbox.emit(
        topic="dossier.request_supplement",
        aggregate=dossier,
        payload={"status": dossier.status, "national_status": dossier.national_status},
    )
    relay(10)
    assert [c["TrangThaiHoSo"] for c in _sent(national)] == [2, 4, 5]


def test_a_portal_down_is_retried_with_backoff_then_delivered(national, people, settings):
    settings.OUTBOX_BACKOFF_SECONDS = 60
    national.faults.set("fail", status=503)
    received(people)
    relay()
    event = _dossier_events().get()
    assert event.status == OutboxEvent.Status.PENDING and event.attempts == 1
    assert event.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)
    assert "HTTP 503" in event.last_error
    state = SyncState.objects.get()
    assert not state.accepted and "HTTP 503" in state.last_error
    national.faults.set("ok")
    _dossier_events().update(next_attempt_at=timezone.now())
    relay()
    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.DELIVERED
    assert SyncState.objects.get().last_error == ""


def test_a_4xx_makes_the_event_dead_at_once_and_a_redrive_sends_it(national, people):
    national.faults.set("fail", status=400, count=1)
    dossier = received(people)
    relay()
    event = _dossier_events().get()
    assert event.status == OutboxEvent.Status.DEAD and event.attempts == 1
    assert "HTTP 400" in event.last_error
    assert services.redrive_dossier(actor=people.province_admin, dossier_id=dossier.pk) == 1
    assert AuditEntry.objects.filter(action="outbox.redrive").count() == 1
    relay()
    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.DELIVERED
    assert national.dossier(dossier.code)["TrangThaiHoSo"] == 2


def test_the_events_of_a_dossier_wait_behind_a_dead_one(national, people):
    national.faults.set("fail", status=400, count=1)
    dossier = received(people)
    relay()
    dossiers.forward(actor=people.desk_officer, dossier=dossier, now=MONDAY)
    relay()
    assert not _sent(national)  # the forward waits for the dead receipt
    services.redrive_dossier(actor=people.province_admin, dossier_id=dossier.pk)
    relay()
    assert [c["TrangThaiHoSo"] for c in _sent(national)] == [2, 4]


def test_a_replay_after_a_crash_is_dropped_by_the_portal(national, people):
    received(people)
    event = _dossier_events().get()
    handlers.sync_dossier(event)  # delivered, but the relay died before recording it
    relay()
    assert [c["outcome"] for c in calls(national, "DongBoHoSoMC")] == ["processed", "duplicate"]
    assert [c["outcome"] for c in calls(national, "CapNhatTienDoHoSoMC")] == [
        "processed",
        "duplicate",
    ]
    assert len(national.progress(_dossier_events().get().payload["code"])) == 1


def test_a_portal_that_lost_the_dossier_gets_it_again(national, people):
    dossier = received(people)
    relay()
    national.server.dossiers.clear()  # the portal lost it
    dossiers.forward(actor=people.desk_officer, dossier=dossier, now=MONDAY)
    relay()
    last = _sent(national)[-1]
    assert last["isUpdating"] == "false" and last["TrangThaiHoSo"] == 4
    assert _dossier_events().filter(status=OutboxEvent.Status.DELIVERED).count() == 2


def test_the_sync_off_sends_nothing(national, people, settings):
    settings.NATIONAL_PROVIDER = "none"
    received(people)
    relay()
    assert calls(national) == []
    assert _dossier_events().get().status == OutboxEvent.Status.DELIVERED


def test_the_sweeper_releases_a_delivery_whose_relay_died(national, people):
    dossier = received(people)
    relay()  # the receipt (and the catalogue's own event)
    dossiers.forward(actor=people.desk_officer, dossier=dossier, now=MONDAY)
    event = _dossier_events().get(topic="dossier.forward")
    token, claimed = outbox.claim(relay="dead-relay")
    assert claimed == [event]
    OutboxAttempt.objects.create(event=event, handler=handlers.NAME, number=1, relay="dead-relay")
    assert services.sweep_stuck() == 0  # the lease still runs
    past = timezone.now() - datetime.timedelta(seconds=1)
    OutboxEvent.objects.filter(pk=event.pk).update(lease_until=past)  # time passes
    assert services.sweep_stuck() == 1
    event.refresh_from_db()
    assert event.lease_token == "" and event.lease_until is None
    attempt = OutboxAttempt.objects.get(event=event)
    assert attempt.finished_at is not None and "swept" in attempt.error
    assert AuditEntry.objects.filter(action="national.sweep").count() == 1
    relay()
    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.DELIVERED


def test_provider_stats(national, people, django_assert_max_num_queries):
    national.faults.set("fail", status=503, count=1)
    dossier = received(people)
    relay()
    _dossier_events().update(next_attempt_at=timezone.now())
    relay()
    outbox.emit(topic="dossier.test_status", aggregate=dossier, payload={"national_status": 4})
    with django_assert_max_num_queries(8):
        stats = queries.provider_stats()
    assert set(stats) == {
        "member", "name", "delivered", "pending", "dead", "error_rate",
        "p50_ms", "p95_ms", "p99_ms", "circuit",
    }  # fmt: skip
    assert stats["delivered"] == 1 and stats["pending"] == 1 and stats["dead"] == 0
    assert stats["error_rate"] == 0.5
    assert 0 < stats["p50_ms"] <= stats["p95_ms"] <= stats["p99_ms"]
    assert stats["circuit"] == "closed"
