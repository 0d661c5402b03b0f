"""``manage.py serve`` starts the fake national portal only while the sync is on and
the portal's address is on loopback; the fake it starts answers the protocol."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

from django.conf import settings as django_settings

from egov.core.tests.servers import free_port
from egov.national import conf


def test_the_fake_starts_only_for_the_sync_on_loopback(settings):
    settings.NATIONAL_PROVIDER = "none"
    assert conf.serve_commands("python") == {}
    settings.NATIONAL_PROVIDER = "dvcqg"
    settings.NATIONAL_URL = "https://api.dichvucong.gov.vn"
    assert list(conf.serve_commands("python")) == ["national-schedule"]
    settings.NATIONAL_URL = "http://127.0.0.1:8029"
    command = conf.serve_commands("python")["national"]
    assert command[1].endswith("fakes/dvcqg.py") and command[command.index("--port") + 1] == "8029"


def test_the_schedule_sweeps_and_pulls_the_catalogue(db, national, capsys):
    from django.core.management import call_command

    from egov.national.models import CataloguePull

    call_command("national_schedule", "--once")
    assert "failed" not in capsys.readouterr().err
    assert CataloguePull.objects.count() == 3


def test_the_command_serve_would_run_answers_a_login(settings):
    port = free_port()
    settings.NATIONAL_PROVIDER = "dvcqg"
    settings.NATIONAL_URL = f"http://127.0.0.1:{port}"
    command = conf.serve_commands(sys.executable)["national"]
    process = subprocess.Popen(
        [*command, "--quiet"], cwd=django_settings.BASE_DIR, stdout=subprocess.DEVNULL
    )
    try:
        body = json.dumps({"username": conf.username(), "password": conf.password()}).encode()
        for _ in range(100):
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(f"{conf.url()}/login", data=body, method="POST"),
                    timeout=5,
                ) as answer:
                    assert json.loads(answer.read())["error_code"] == 0
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the fake did not start")
    finally:
        process.terminate()
        process.wait(10)
