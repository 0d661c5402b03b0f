"""The demo registry (``manage.py gateway_demo``, run by ``make run``): the province's
one-stop system as a client, allowed to call a demo provider service answered by the
fake provider (fakes/provider.py), which ``manage.py serve`` starts while its address
is on loopback."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from egov.core.permissions import SYSTEM
from egov.directory.demo_data import bac_kan_2020 as data
from egov.gateway import services
from egov.gateway.models import ClientSecret, Member, Service, Subsystem

CLIENT = ("VN", "GOV", data.PROVINCE["code"], "MOTCUA")
PROVIDER = ("VN", "GOV", "000.00.00.G22", "DULIEUMAU")
SERVICE = "echo"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _member(instance: str, member_class: str, code: str, name: str) -> Member:
    found = Member.objects.filter(instance=instance, member_class=member_class, code=code).first()
    return found or services.register_member(
        actor=SYSTEM, instance=instance, member_class=member_class, code=code, name=name
    )


def _subsystem(member: Member, code: str, name: str) -> Subsystem:
    found = Subsystem.objects.filter(member=member, code=code).first()
    return found or services.register_subsystem(actor=SYSTEM, member=member, code=code, name=name)


@transaction.atomic
def load() -> tuple[Subsystem, Service, str]:
    """Register what is missing (nothing changes on a second run). Returns the client,
    the service and the client's new secret ("" when it already had one)."""
    province = _member(*CLIENT[:3], data.PROVINCE["name"])
    ministry = _member(*PROVIDER[:3], "Bộ quản lý cơ sở dữ liệu mẫu (demo)")
    client = _subsystem(province, CLIENT[3], "Hệ thống thông tin giải quyết TTHC (một cửa)")
    provider = _subsystem(ministry, PROVIDER[3], "Cơ sở dữ liệu mẫu (demo)")
    base_url = settings.EGOV_GATEWAY_DEMO_PROVIDER_URL.rstrip("/") + "/"
    service = Service.objects.filter(provider=provider, code=SERVICE).first()
    if service is None:
        service = services.register_service(
            actor=SYSTEM,
            provider=provider,
            code=SERVICE,
            name="Dịch vụ phản hồi (echo, demo)",
            version="1",
            base_url=base_url,
        )
    elif service.base_url != base_url:
        service.base_url = base_url
        services.save_service(actor=SYSTEM, service=service)
    services.grant_access(actor=SYSTEM, client=client, service=service)
    secret = ""
    if not ClientSecret.objects.filter(subsystem=client, revoked_at__isnull=True).exists():
        _, secret = services.issue_secret(actor=SYSTEM, subsystem=client)
    return client, service, secret


def fake_commands(python: str) -> dict[str, list[str]]:
    """What ``manage.py serve`` starts for the gateway: the fake provider while the
    demo provider's address is on loopback."""
    url = urlsplit(settings.EGOV_GATEWAY_DEMO_PROVIDER_URL)
    if url.hostname not in LOOPBACK:
        return {}
    script = str(settings.BASE_DIR / "fakes" / "provider.py")
    return {"provider": [python, script, "--host", url.hostname, "--port", str(url.port or 80)]}
