"""The demo province (load_demo, demo_otp, demo_logins_text)."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.core.models import AuditEntry
from egov.directory import rules
from egov.directory.demo import DEMO_PASSWORD, demo_logins_text, demo_otp, load_demo
from egov.directory.demo_data import bac_kan_2020 as data
from egov.directory.models import Agency, ApplicantProfile, Department, Officer, User


def _counts() -> dict[str, int]:
    return {
        "agencies": Agency.objects.count(),
        "departments": Department.objects.count(),
        "users": User.objects.count(),
        "officers": Officer.objects.count(),
        "applicants": ApplicantProfile.objects.count(),
        "devices": TOTPDevice.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def _login(client, username: str) -> bool:
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    return response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
def test_the_demo_province_has_the_shape_of_the_seed_article():
    summary = load_demo()

    tiers = Counter(Agency.objects.values_list("tier__code", flat=True))
    assert tiers == {
        "province": 1,
        "department": 16,
        "service_centre": 1,
        "district": 8,
        "commune": 108,
    }
    assert summary.agencies == 134
    for code in Agency.objects.values_list("code", flat=True):
        rules.check_agency_code(code)  # valid QCVN 102 identifiers (unique by the model)
    province = Agency.objects.get(code="000.00.00.H06")
    per_district = Counter(
        Agency.objects.filter(tier__code="commune").values_list("parent__name", flat=True)
    )
    assert per_district == {
        "UBND thành phố Bắc Kạn": 8,
        "UBND huyện Pác Nặm": 10,
        "UBND huyện Ba Bể": 15,
        "UBND huyện Ngân Sơn": 10,
        "UBND huyện Bạch Thông": 14,
        "UBND huyện Chợ Đồn": 20,
        "UBND huyện Chợ Mới": 14,
        "UBND huyện Na Rì": 17,
    }
    assert Agency.objects.subtree_of(province).count() == 134
    centre = Agency.objects.get(tier__code="service_centre")
    assert centre.parent.name == "Văn phòng UBND tỉnh Bắc Kạn"
    assert Agency.objects.filter(name="UBND thị trấn Đồng Tâm", code="000.01.65.H06").exists()
    assert Agency.objects.filter(name="UBND phường Sông Cầu").exists()
    # Every commune has a one-stop desk; every district its departments.
    assert Department.objects.filter(agency__tier__code="commune", code="mot-cua").count() == 108
    assert Department.objects.filter(agency__code="000.00.65.H06").count() == len(
        data.DISTRICT_DEPARTMENTS
    )
    # Everything went through the services: one audit entry per created row.
    assert AuditEntry.objects.filter(action="agency.create").count() == 134
    assert AuditEntry.objects.filter(action="department.create").count() == summary.departments


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    call_command("load_demo", stdout=io.StringIO())
    before = _counts()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert _counts() == before
    assert "agencies +0, departments +0, officers +0, citizens +0, TOTP devices +0" in (
        out.getvalue()
    )


@pytest.mark.django_db
def test_demo_accounts_log_in_with_the_documented_password(client):
    load_demo()
    roles = {o.user.username: o.role_codes() for o in Officer.objects.select_related("user")}
    assert roles["chomoi.motcua"] == ["desk_officer"]
    assert roles["chomoi.chuyenvien"] == ["specialist"]
    assert roles["chomoi.truongphong"] == ["department_head"]
    assert roles["chomoi.lanhdao"] == ["agency_leader"]
    assert roles["chomoi.vanthu"] == ["clerk"]
    assert roles["chomoi.quantri"] == ["agency_admin"]
    assert roles["tinh.quantri"] == ["province_admin"]
    assert roles["tinh.thanhtra"] == ["auditor"]
    assert roles["ttpvhcc.motcua"] == ["desk_officer"]
    assert roles["dongtam.motcua"] == ["desk_officer"]
    for username in ("chomoi.motcua", "congdan.lan", "tinh.quantri"):
        assert _login(client, username), username
        client.logout()
    for profile in ApplicantProfile.objects.all():
        rules.check_cccd(profile.id_number)
    assert ApplicantProfile.objects.count() == 2


@pytest.mark.django_db
def test_demo_admins_have_a_totp_device_and_demo_otp_prints_its_code():
    load_demo()
    for username in ("tinh.quantri", "chomoi.quantri"):
        user = User.objects.get(username=username)
        assert user.requires_second_factor
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert device.key == data.TOTP_KEYS[username]
        code, remaining = demo_otp(username)
        assert len(code) == 6 and 0 < remaining <= 30
        assert device.verify_token(code)
    out = io.StringIO()
    call_command("demo_otp", "chomoi.quantri", stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip().isdigit()
    with pytest.raises(CommandError, match="no demo TOTP device"):
        call_command("demo_otp", "chomoi.motcua")


@pytest.mark.django_db
def test_an_administrator_logs_in_with_password_and_demo_otp(client):
    load_demo()
    assert _login(client, "chomoi.quantri")
    assert client.get("/admin/").status_code == 302  # second factor first
    code, _ = demo_otp("chomoi.quantri")
    response = client.post("/accounts/otp/verify/", {"token": code, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_demo_logins_text_lists_every_login():
    text = demo_logins_text()
    for username, *_ in data.OFFICERS + data.CITIZENS:
        assert username in text
    assert DEMO_PASSWORD in text
    assert "demo_otp" in text and "/admin/" in text and "/accounts/login/" in text


def test_the_demo_data_has_108_communes_with_unique_names_per_district():
    communes = [c for *_, cs in data.DISTRICTS for c in cs]
    assert len(communes) == 108
    assert len({code for code, _ in communes}) == 108
    assert len(data.PROVINCIAL_AGENCIES) == 16
