"""The demo province (Bắc Kạn, 2020): agencies, departments, officers, citizens.

``load_demo`` is idempotent: it reads what exists once per kind (codes,
departments, usernames) and creates only what is missing, through the service
functions, so every created row is audited and a second run writes nothing.
The data and where it comes from: ``demo_data/bac_kan_2020.py``."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from egov.core.permissions import SYSTEM
from egov.directory import services
from egov.directory.demo_data import bac_kan_2020 as data
from egov.directory.models import Agency, Department, Tier, User

DEMO_PASSWORD = data.PASSWORD
DEMO_DEVICE_NAME = "demo"


@dataclass
class AgencySpec:
    code: str
    name: str
    short_name: str
    tier: str
    parent: str | None
    departments: list[tuple[str, str]] = field(default_factory=list)


def agency_specs() -> list[AgencySpec]:
    """Every demo agency, parents before children."""
    specs = [
        AgencySpec(
            data.PROVINCE["code"],
            data.PROVINCE["name"],
            data.PROVINCE["short_name"],
            "province",
            None,
        )
    ]
    province = data.PROVINCE["code"]
    for number, name, short, departments in data.PROVINCIAL_AGENCIES:
        specs.append(
            AgencySpec(
                f"000.00.{number}.H06", name, short, "department", province, list(departments)
            )
        )
    centre = data.SERVICE_CENTER
    specs.append(
        AgencySpec(
            centre["code"],
            centre["name"],
            centre["short_name"],
            "service_centre",
            centre["parent"],
            list(centre["departments"]),
        )
    )
    for _stats, number, name, communes in data.DISTRICTS:
        district = f"000.00.{number}.H06"
        specs.append(
            AgencySpec(
                district,
                name,
                "UBND huyện" if "huyện" in name else "UBND TP",
                "district",
                province,
                list(data.DISTRICT_DEPARTMENTS),
            )
        )
        for index, (_code, commune) in enumerate(communes, start=1):
            kind, _, place = commune.partition(" ")
            if commune.startswith("Thị trấn"):
                kind, place = "thị trấn", commune.removeprefix("Thị trấn ")
            specs.append(
                AgencySpec(
                    f"000.{index:02d}.{number}.H06",
                    f"UBND {kind.lower()} {place}",
                    "UBND",
                    "commune",
                    district,
                    list(data.COMMUNE_DEPARTMENTS),
                )
            )
    return specs


@dataclass
class DemoSummary:
    agencies: int = 0
    departments: int = 0
    officers: int = 0
    citizens: int = 0
    devices: int = 0

    @property
    def total(self) -> int:
        return self.agencies + self.departments + self.officers + self.citizens + self.devices

    def __str__(self) -> str:
        return (
            f"agencies +{self.agencies}, departments +{self.departments}, officers "
            f"+{self.officers}, citizens +{self.citizens}, TOTP devices +{self.devices}"
        )


@transaction.atomic
def load_demo(*, actor: Any = SYSTEM) -> DemoSummary:
    summary = DemoSummary()
    specs = agency_specs()
    tiers = {t.code: t for t in Tier.objects.all()}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[s.code for s in specs])}
    for spec in specs:
        if spec.code not in agencies:
            agencies[spec.code] = services.create_agency(
                actor=actor,
                code=spec.code,
                name=spec.name,
                short_name=spec.short_name,
                tier=tiers[spec.tier],
                parent=agencies[spec.parent] if spec.parent else None,
                address=data.PROVINCE["address"] if spec.tier == "province" else "",
            )
            summary.agencies += 1
    departments = {
        (d.agency.code, d.code): d
        for d in Department.objects.filter(agency__in=agencies.values()).select_related("agency")
    }
    for spec in specs:
        for code, name in spec.departments:
            if (spec.code, code) not in departments:
                departments[spec.code, code] = services.create_department(
                    actor=actor, agency=agencies[spec.code], code=code, name=name
                )
                summary.departments += 1

    usernames = [o[0] for o in data.OFFICERS] + [c[0] for c in data.CITIZENS]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    new_officers = []
    for username, full_name, agency, department, roles, position in data.OFFICERS:
        if username in existing:
            continue
        services.create_officer(
            actor=actor,
            username=username,
            full_name=full_name,
            agency=agencies[agency],
            department=departments[agency, department] if department else None,
            roles=roles,
            email=f"{username}@backan.gov.vn",
            password=None,
            position=position,
        )
        new_officers.append(username)
    if new_officers:
        # Hash the shared password once (Argon2 costs ~0.25 s a hash) instead of per account.
        User.objects.filter(username__in=new_officers).update(password=make_password(DEMO_PASSWORD))
        summary.officers = len(new_officers)
    for username, full_name, id_number, born, address in data.CITIZENS:
        if username in existing:
            continue
        services.register_applicant(
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            id_number=id_number,
            date_of_birth=datetime.date.fromisoformat(born),
            address=address,
            email=f"{username}@example.vn",
        )
        summary.citizens += 1
    summary.devices = _ensure_devices()
    return summary


def _ensure_devices() -> int:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    users = {u.username: u for u in User.objects.filter(username__in=list(data.TOTP_KEYS))}
    have = set(
        TOTPDevice.objects.filter(user__in=users.values(), name=DEMO_DEVICE_NAME).values_list(
            "user__username", flat=True
        )
    )
    created = 0
    for username, key in data.TOTP_KEYS.items():
        if username in users and username not in have:
            TOTPDevice.objects.create(
                user=users[username], name=DEMO_DEVICE_NAME, key=key, confirmed=True
            )
            created += 1
    return created


def demo_otp(username: str) -> tuple[str, int]:
    """The current 6-digit code of a demo administrator's TOTP device and the
    seconds it stays valid. Raises LookupError for accounts without a demo device."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(
        user__username=username, name=DEMO_DEVICE_NAME, confirmed=True
    ).first()
    if device is None:
        raise LookupError(username)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    totp.time = now
    remaining = device.step - int(now - device.t0) % device.step
    return f"{totp.token():0{device.digits}d}", remaining


def demo_logins_text() -> str:
    agencies = {s.code: s.name for s in agency_specs()}
    lines = [
        "Tỉnh mẫu Bắc Kạn 2020 / demo province (manage.py load_demo):",
        "  /                 trang chủ / home",
        "  /accounts/login/  đăng nhập / log in",
        "  /admin/           quản trị danh bạ / directory admin (administrators, auditors)",
        "  /api/v1/docs/     tài liệu API / API docs",
        f"  Mật khẩu chung / password for every demo account: {DEMO_PASSWORD}",
        "",
        f"  {'tên đăng nhập / username':<22} {'vai trò / role':<18} cơ quan / agency",
    ]
    for username, _name, agency, _dept, roles, _pos in data.OFFICERS:
        otp = "  [TOTP: manage.py demo_otp " + username + "]" if username in data.TOTP_KEYS else ""
        lines.append(f"  {username:<22} {', '.join(roles):<18} {agencies[agency]}{otp}")
    for username, full_name, *_ in data.CITIZENS:
        lines.append(f"  {username:<22} {'citizen':<18} {full_name}")
    lines.append(
        "  Quản trị viên cần mã OTP: manage.py demo_otp <username> in mã hiện tại. / "
        "Administrators need a TOTP code: manage.py demo_otp <username> prints it."
    )
    return "\n".join(lines) + "\n"
