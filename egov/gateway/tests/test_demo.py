from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from egov.gateway import demo
from egov.gateway.models import AccessRight, ClientSecret, Service


@pytest.mark.django_db
def test_the_demo_registry_is_loaded_once(settings):
    settings.EGOV_GATEWAY_DEMO_PROVIDER_URL = "http://127.0.0.1:8041"
    out = io.StringIO()
    call_command("gateway_demo", stdout=out)
    assert "shown once" in out.getvalue()
    assert "VN/GOV/000.00.00.H06/MOTCUA may call VN/GOV/000.00.00.G22/DULIEUMAU/echo" in (
        out.getvalue()
    )
    again = io.StringIO()
    call_command("gateway_demo", stdout=again)
    assert "already has a secret" in again.getvalue()
    assert Service.objects.get().base_url == "http://127.0.0.1:8041/"
    assert AccessRight.objects.count() == 1 and ClientSecret.objects.count() == 1


def test_serve_starts_the_fake_provider_only_on_loopback(settings):
    settings.EGOV_GATEWAY_DEMO_PROVIDER_URL = "http://127.0.0.1:8041"
    command = demo.fake_commands("python")["provider"]
    assert command[-4:] == ["--host", "127.0.0.1", "--port", "8041"]
    settings.EGOV_GATEWAY_DEMO_PROVIDER_URL = "https://dulieu.example.gov.vn"
    assert demo.fake_commands("python") == {}
