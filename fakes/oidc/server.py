"""Run the fake national SSO: a real OpenID Connect provider (django-oauth-toolkit)
on loopback, with the demo identities of ``identities.py`` and one registered client
(egov). ``manage.py serve`` starts it while the configured issuer is on loopback;
tests start it as a subprocess on a free port (``Provider``).

    python -m fakes.oidc --port 8028 --redirect-uri http://127.0.0.1:8000/sso/callback/

The issuer is ``http://HOST:PORT/o``; discovery at ``/o/.well-known/openid-configuration``.
The RSA signing key is made on first start and kept in ``--key-file``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "egov-portal"
CLIENT_SECRET = "egov-portal-demo-secret"
CALLBACK_PATH = "/sso/callback/"
DEFAULT_REDIRECTS = [
    f"http://{host}{CALLBACK_PATH}" for host in ("127.0.0.1", "localhost", "testserver")
]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def _rsa_key(path: Path) -> str:
    if path.exists():
        return path.read_text()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(pem)
    path.chmod(0o600)
    return pem


def _seed(redirect_uris: list[str], client_id: str, client_secret: str) -> None:
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import get_application_model

    from fakes.oidc import identities

    User = get_user_model()
    for name, identity in identities.IDENTITIES.items():
        user, _ = User.objects.get_or_create(username=name)
        user.first_name = identity["claims"]["HoVaTen"][:150]
        user.set_password(identities.PASSWORD)
        user.save()
    Application = get_application_model()
    Application.objects.filter(client_id=client_id).delete()
    Application.objects.create(
        name="egov (Cổng dịch vụ công tỉnh)",
        client_id=client_id,
        client_secret=client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8028)
    parser.add_argument("--dir", default=str(ROOT / "var" / "fake-oidc"))
    parser.add_argument("--client-id", default=CLIENT_ID)
    parser.add_argument("--client-secret", default=CLIENT_SECRET)
    parser.add_argument(
        "--redirect-uri",
        action="append",
        default=[],
        help="another allowed redirect URI of egov (repeatable; any port on loopback)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the READY line")
    args = parser.parse_args(argv)

    # Bind first: the issuer names the port, and the settings read the issuer.
    server = make_server(
        args.host, args.port, None, server_class=_Server, handler_class=_QuietHandler
    )
    host, port = server.server_address[:2]
    issuer = f"http://{host}:{port}/o"
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "fakes.oidc.settings"
    os.environ["FAKE_OIDC_ISSUER"] = issuer
    os.environ["FAKE_OIDC_DB"] = str(folder / "fake-oidc.sqlite3")
    os.environ["FAKE_OIDC_RSA_KEY"] = _rsa_key(folder / "signing-key.pem")

    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    _seed(DEFAULT_REDIRECTS + args.redirect_uri, args.client_id, args.client_secret)
    server.set_app(get_wsgi_application())

    from fakes.oidc import identities

    print(f"READY {issuer}", flush=True)
    if not args.quiet:
        print(identities.logins_text(issuer), end="", flush=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    server.shutdown()
    server.server_close()


class Provider:
    """The fake SSO in a child process on a free loopback port (its own Django
    settings cannot share the test process), until ``stop``."""

    def __init__(self, folder: Path, host: str = "127.0.0.1", port: int = 0):
        self.folder, self.host, self.port = Path(folder), host, port
        self.process: subprocess.Popen | None = None
        self.issuer = ""
        self.client_id, self.client_secret = CLIENT_ID, CLIENT_SECRET

    def start(self) -> Provider:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fakes.oidc",
                "--host",
                self.host,
                "--port",
                str(self.port),
                "--dir",
                str(self.folder),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("READY "):
                self.issuer = line.split()[1]
                break
        else:
            raise RuntimeError(f"fake SSO did not start (exit {self.process.wait()})")
        # Keep reading its output so that the pipe never fills up.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        return self

    @property
    def base_url(self) -> str:
        return self.issuer.removesuffix("/o")

    def tamper_next_token(self, **claims: str) -> None:
        """The next ID token carries these ``aud`` / ``nonce`` / ``iss`` values."""
        request = urllib.request.Request(
            f"{self.base_url}/fake/next-id-token",
            data=json.dumps(claims).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def __enter__(self) -> Provider:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
