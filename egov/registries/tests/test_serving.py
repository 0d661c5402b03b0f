"""``manage.py serve`` starts the fake registries while their URL is on loopback, as a
process that answers (``python -m fakes.registries``)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

from django.conf import settings as django_settings

from egov.registries.serving import fake_commands


def test_the_fake_is_started_once_for_both_registries_on_loopback(settings):
    settings.EGOV_POPULATION_URL = settings.EGOV_BUSINESS_URL = "http://127.0.0.1:8032"
    assert fake_commands("py") == {
        "registries": ["py", "-m", "fakes.registries", "--host", "127.0.0.1", "--port", "8032"]
    }
    settings.EGOV_BUSINESS_URL = "http://127.0.0.1:8033"
    assert sorted(fake_commands("py")) == ["registries", "registries-8033"]
    assert fake_commands("py", "no") == {}


def test_no_fake_for_a_real_registry_or_when_disabled(settings):
    settings.EGOV_POPULATION_URL = "https://lgsp.example.gov.vn/dan-cu"
    settings.EGOV_BUSINESS_PROVIDER = "none"
    assert fake_commands("py") == {}
    assert list(fake_commands("py", "yes")) == ["registries"]  # told to: it listens anyway


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_started_command_serves_the_registries(settings):
    port = _free_port()
    settings.EGOV_POPULATION_URL = settings.EGOV_BUSINESS_URL = f"http://127.0.0.1:{port}"
    [command] = fake_commands(sys.executable).values()
    child = subprocess.Popen(command, cwd=django_settings.BASE_DIR, stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):  # until it listens (at most ~10 s)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/control", timeout=1) as r:
                    assert json.loads(r.read())["mode"] == "ok"
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the fake registries did not start")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/dan-cu/tra-cuu",
            data=json.dumps({"SoDinhDanh": "006190012345"}).encode(),
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert json.loads(answer.read())["CongDan"]["HoVaTen"] == "Hoàng Thị Lan"
    finally:
        child.terminate()
        child.wait(10)
