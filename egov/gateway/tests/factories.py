"""A small registry: the province's one-stop system (a client) and a provider
subsystem with one service, as the tests and the demo use them."""

from __future__ import annotations

from dataclasses import dataclass

from egov.gateway import services
from egov.gateway.models import Service, Subsystem

CLIENT_ID = "VN/GOV/000.00.00.H06/MOTCUA"
PROVIDER_ID = "VN/GOV/000.00.00.G01/DULIEU"


@dataclass
class Registry:
    client: Subsystem
    provider: Subsystem
    service: Service
    secret: str

    @property
    def service_path(self) -> str:
        return f"/gateway/r1/{self.provider.identifier}/{self.service.code}"


def registry(actor=None, *, base_url: str = "http://127.0.0.1:9/", grant: bool = True) -> Registry:
    province = services.register_member(
        actor=actor, instance="VN", member_class="GOV", code="000.00.00.H06", name="UBND tỉnh"
    )
    ministry = services.register_member(
        actor=actor, instance="VN", member_class="GOV", code="000.00.00.G01", name="Bộ Dữ liệu"
    )
    client = services.register_subsystem(
        actor=actor, member=province, code="MOTCUA", name="Hệ thống một cửa"
    )
    provider = services.register_subsystem(
        actor=actor, member=ministry, code="DULIEU", name="Cơ sở dữ liệu thử"
    )
    service = services.register_service(
        actor=actor, provider=provider, code="echo", base_url=base_url, version="1"
    )
    if grant:
        services.grant_access(actor=actor, client=client, service=service)
    _, secret = services.issue_secret(actor=actor, subsystem=client)
    return Registry(client, provider, service, secret)
