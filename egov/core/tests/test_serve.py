"""End to end: `manage.py serve` starts gunicorn, the task worker and the outbox relay;
a desk officer logs in over real HTTP on loopback."""

import datetime
import http.cookiejar
import re
import signal
import smtplib
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from django.utils import timezone

from egov.core.idempotency import TTL
from egov.core.models import IdempotencyKey
from egov.core.tests.processes import child_env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_web_and_workers_and_a_desk_officer_logs_in(committed_db, people, settings):
    # The server hashes with argon2 (tests default to a fast hasher the server lacks).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    people.desk_officer.set_password("mat-khau-thu-nghiem")
    people.desk_officer.save(update_fields=["password"])
    # Housekeeping at start: an expired Idempotency-Key record goes, a fresh one stays.
    keys = [
        IdempotencyKey.objects.create(
            actor=people.citizen,
            key=name,
            fingerprint="x",
            method="POST",
            path="/",
            status_code=201,
        )
        for name in ("old", "new")
    ]
    IdempotencyKey.objects.filter(pk=keys[0].pk).update(
        created_at=timezone.now() - TTL - datetime.timedelta(minutes=1)
    )
    port = _free_port()
    env = child_env(
        EGOV_BIND=f"127.0.0.1:{port}",
        EGOV_WEB_WORKERS="1",
        EGOV_EMAIL_PORT=str(_free_port()),
        EGOV_SMS_URL=f"http://127.0.0.1:{_free_port()}/messages",
        EGOV_PAYMENT_URL=f"http://127.0.0.1:{_free_port()}",
        EGOV_POPULATION_URL=(registries := f"http://127.0.0.1:{_free_port()}"),
        EGOV_BUSINESS_URL=registries,
    )
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        health = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    health = response.status
                    break
            except OSError:
                time.sleep(0.5)
        assert health == 200, "web server up and the relay beating"
        for _ in range(40):
            if not IdempotencyKey.objects.filter(key="old").exists():
                break
            time.sleep(0.25)
        assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
        # The audit checkpoint task, enqueued at start, is run by the task worker.
        for _ in range(60):
            if settings.AUDIT_CHECKPOINT_PATH.exists():
                break
            time.sleep(0.5)
        assert '"n":1' in settings.AUDIT_CHECKPOINT_PATH.read_text()

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"username": "desk", "password": "mat-khau-thu-nghiem", "csrfmiddlewaretoken": token}
        ).encode()
        home = opener.open(
            urllib.request.Request(
                f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/"}
            )
        )
        text = home.read().decode()
        assert home.url == f"{base}/mot-cua/"  # a desk officer lands on the workspace
        assert "Chờ tiếp nhận" in text
        # The catchers answer: SMTP and the SMS gateway.
        with smtplib.SMTP("127.0.0.1", int(env["EGOV_EMAIL_PORT"]), timeout=10) as smtp:
            assert smtp.noop()[0] == 250
        with urllib.request.urlopen(env["EGOV_SMS_URL"], timeout=10) as sms:
            assert sms.status == 200
        with urllib.request.urlopen(env["EGOV_PAYMENT_URL"] + "/control", timeout=10) as fake:
            assert fake.status == 200  # the fake payment platform
        with urllib.request.urlopen(registries + "/received", timeout=10) as fake:
            assert fake.status == 200  # the fake registries (egov.registries)
    finally:
        serve.send_signal(signal.SIGINT)
        out, _ = serve.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out
    assert f"smtp://127.0.0.1:{env['EGOV_EMAIL_PORT']}/" in out, "the SMTP catcher was started"
    assert env["EGOV_SMS_URL"] in out, "the SMS catcher was started"
