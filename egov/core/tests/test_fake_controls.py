"""The SMS gateway and payment platform fakes take the controls every fake takes
(fakes/control.py: fail, throttle, slow, hang, gone, for N requests; what came, at
/received), over HTTP as a tester would, and the platform's adapters see each fault
as an error in bounded time."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from egov.core import sms
from egov.payments import providers
from fakes.payment import Platform
from fakes.sms import Catcher

FAKES = Path(django_settings.BASE_DIR) / "fakes"


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


@pytest.fixture
def gateway(settings):
    with Catcher() as catcher:
        settings.EGOV_SMS_PROVIDER = "egov.core.sms.JsonHttpGateway"
        settings.EGOV_SMS_URL = catcher.url
        settings.EGOV_SMS_TIMEOUT_SECONDS = 1
        yield catcher


def test_the_sms_gateway_throttles_fails_hangs_and_goes_away_when_told(gateway):
    base = gateway.url.removesuffix("/messages")
    assert _post(f"{base}/control", {"mode": "throttle", "count": 1})["mode"] == "throttle"
    with pytest.raises(sms.SmsError, match="429"):
        sms.send_sms("0912345678", "một")
    sms.send_sms("0912345678", "hai")  # the count ran out: normal again
    _post(f"{base}/control", {"mode": "fail", "status": 503, "count": 1})
    with pytest.raises(sms.SmsError, match="503"):
        sms.send_sms("0912345678", "ba")
    _post(f"{base}/control", {"mode": "gone", "count": 1})
    with pytest.raises(sms.SmsError):
        sms.send_sms("0912345678", "bốn")
    _post(f"{base}/control", {"mode": "hang"})
    started = time.monotonic()
    with pytest.raises(sms.SmsError):
        sms.send_sms("0912345678", "năm")
    assert time.monotonic() - started < 10  # the adapter's 1 s timeout, not forever
    _post(f"{base}/control", {"mode": "ok"})
    sms.send_sms("0912345678", "sáu")

    assert [m["text"] for m in gateway.messages] == ["hai", "sáu"]
    received = _get(f"{base}/received")
    texts = [json.loads(r["body"])["text"] for r in received]
    assert texts == ["một", "hai", "ba", "bốn", "năm", "sáu"]  # refused ones included


def test_an_unknown_mode_is_refused(gateway):
    base = gateway.url.removesuffix("/messages")
    request = urllib.request.Request(f"{base}/control", data=b'{"mode": "explode"}', method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400


@pytest.fixture
def platform(settings):
    with Platform(key="khoa") as running:
        settings.EGOV_PAYMENT_URL = running.url
        settings.EGOV_PAYMENT_KEY = "khoa"
        settings.EGOV_PAYMENT_PARTNER = "UBND-THU"
        settings.EGOV_PAYMENT_TIMEOUT_SECONDS = 1
        yield running


def test_the_payment_platform_takes_the_same_faults(platform):
    provider = providers.provider()
    answer = platform.control(mode="throttle", count=1)
    assert answer["faults"]["mode"] == "throttle" and answer["callback"] == "send"
    with pytest.raises(providers.ProviderError, match="429"):
        provider.query("000.00.12.H06-261205-0001")
    # Back to normal: an unknown reference is answered, signed, by the platform.
    with pytest.raises(providers.ProviderError, match="404"):
        provider.query("000.00.12.H06-261205-0001")
    platform.control(mode="hang")
    started = time.monotonic()
    with pytest.raises(providers.ProviderError):
        provider.query("000.00.12.H06-261205-0001")
    assert time.monotonic() - started < 10
    platform.control(mode="ok")
    assert platform.control(callback="twice")["faults"]["mode"] == "ok"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("script", ["sms.py", "payment.py"])
def test_run_as_a_script_the_fake_takes_the_controls(script):
    """``make run`` starts them as scripts (python fakes/sms.py): the controls are
    there too."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(FAKES / script), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                answer = _post(
                    f"http://127.0.0.1:{port}/control", {"mode": "slow", "delay_seconds": 0}
                )
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(process.stderr.read().decode() if process.stderr else "")
                time.sleep(0.2)
        mode = answer["faults"]["mode"] if "faults" in answer else answer["mode"]
        assert mode == "slow"
    finally:
        process.terminate()
        process.wait(timeout=10)
