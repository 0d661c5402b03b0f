"""Start the whole platform on one machine: the web server (gunicorn), the task
worker, the outbox relay and, while e-mail and SMS go to loopback addresses, the local
catchers (fakes/smtp.py: e-mails land in var/mail/; fakes/sms.py) and, while
EGOV_PAYMENT_URL is on loopback, the fake payment platform (fakes/payment.py) and,
while EGOV_POPULATION_URL / EGOV_BUSINESS_URL are, the fake registries, until
Ctrl-C.
Used by `make run`. It also does the housekeeping: expired Idempotency-Key records
are deleted at start and then every ``EGOV_HOUSEKEEPING_SECONDS`` (on several
machines, run ``purge_idempotency_keys`` from cron instead; docs/operations.md). Every
``EGOV_AUDIT_CHECKPOINT_SECONDS`` (and at start) it enqueues the audit checkpoint task,
which the task worker runs; every ``EGOV_PAYMENT_RECONCILE_SECONDS`` the reconciliation
of pending online payments (``payments.tasks``); every ``EGOV_MESSAGELOG_SEAL_SECONDS``
the sealing of the gateway's message log (``messagelog.tasks``)."""

import os
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

from egov.gateway import demo as gateway_demo
from egov.messagelog import conf as messagelog_conf
from egov.messagelog.tasks import enqueue_seal
from egov.national import conf as national_conf
from egov.registries import serving as registries_serving
from egov.signing import conf as signing_conf

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Command(BaseCommand):
    help = "Run web server, task worker and outbox relay together (Ctrl-C stops all)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("EGOV_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("EGOV_WEB_WORKERS", "3"))
        )
        parser.add_argument(
            "--smtp-catcher",
            choices=["auto", "yes", "no"],
            default=os.environ.get("EGOV_SMTP_CATCHER", "auto"),
            help="auto: when EMAIL_HOST is a loopback address",
        )
        parser.add_argument(
            "--sms-catcher",
            choices=["auto", "yes", "no"],
            default=os.environ.get("EGOV_SMS_CATCHER", "auto"),
            help="auto: when EGOV_SMS_URL is on a loopback address",
        )
        parser.add_argument(
            "--payment-platform",
            choices=["auto", "yes", "no"],
            default=os.environ.get("EGOV_PAYMENT_FAKE", "auto"),
            help="auto: the fake payment platform when EGOV_PAYMENT_URL is on loopback",
        )
        parser.add_argument(
            "--registries",
            choices=["auto", "yes", "no"],
            default=os.environ.get("EGOV_REGISTRY_FAKE", "auto"),
            help="auto: the fake population/business registries when their URL is on loopback",
        )
        parser.add_argument(
            "--housekeeping-seconds",
            type=float,
            default=float(os.environ.get("EGOV_HOUSEKEEPING_SECONDS", "3600")),
        )

    def handle(self, *args, **options):
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        commands = {
            "web": [
                python,
                "-m",
                "gunicorn",
                "egov.wsgi:application",
                "--bind",
                options["bind"],
                "--workers",
                str(options["web_workers"]),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ],
            "tasks": [python, manage, "db_worker", "--queue-name", "*"],
            "relay": [python, manage, "relay_outbox"],
        }
        catcher = options["smtp_catcher"] == "yes" or (
            options["smtp_catcher"] == "auto"
            and settings.EMAIL_BACKEND.endswith("smtp.EmailBackend")
            and settings.EMAIL_HOST in LOOPBACK
        )
        if catcher:
            commands["smtp"] = [
                python,
                str(settings.BASE_DIR / "fakes" / "smtp.py"),
                "--host",
                settings.EMAIL_HOST,
                "--port",
                str(settings.EMAIL_PORT),
                "--dir",
                str(settings.VAR_DIR / "mail"),
            ]
        sms_url = urlsplit(settings.EGOV_SMS_URL)
        sms_catcher = options["sms_catcher"] == "yes" or (
            options["sms_catcher"] == "auto" and sms_url.hostname in LOOPBACK
        )
        if sms_catcher:
            commands["sms"] = [
                python,
                str(settings.BASE_DIR / "fakes" / "sms.py"),
                "--host",
                sms_url.hostname or "127.0.0.1",
                "--port",
                str(sms_url.port or 80),
            ]
        payment_url = urlsplit(settings.EGOV_PAYMENT_URL)
        payment_fake = options["payment_platform"] == "yes" or (
            options["payment_platform"] == "auto" and payment_url.hostname in LOOPBACK
        )
        if payment_fake:
            commands["payment"] = [
                python,
                str(settings.BASE_DIR / "fakes" / "payment.py"),
                "--host",
                payment_url.hostname or "127.0.0.1",
                "--port",
                str(payment_url.port or 80),
                "--key",
                settings.EGOV_PAYMENT_KEY,
            ]
        sso = urlsplit(settings.EGOV_SSO_ISSUER)  # the fake national SSO (fakes/oidc/)
        if settings.EGOV_SSO_ENABLED and sso.hostname in LOOPBACK:
            callback = f"http://{options['bind']}/sso/callback/"
            commands["sso"] = [
                python,
                "-m",
                "fakes.oidc",
                "--host",
                sso.hostname,
                "--port",
                str(sso.port or 80),
                "--redirect-uri",
                callback,
                "--dir",
                str(settings.VAR_DIR / "fake-oidc"),
                "--quiet",
            ]
        commands.update(signing_conf.fake_commands(python))  # fakes/tsa.py (egov.signing)
        registries = registries_serving.fake_commands(python, options["registries"])
        commands.update(registries)  # fakes/registries.py (egov.registries)
        commands.update(gateway_demo.fake_commands(python))  # fakes/provider.py (egov.gateway)
        commands.update(national_conf.serve_commands(python))  # fakes/dvcqg.py, national sync
        children = {
            name: subprocess.Popen(cmd, cwd=settings.BASE_DIR) for name, cmd in commands.items()
        }
        host, _, port = options["bind"].rpartition(":")
        self.stdout.write(self.style.SUCCESS(f"\negov is running at http://{host}:{port}/\n"))
        if catcher:
            self.stdout.write(
                f"E-mail goes to the SMTP catcher at smtp://{settings.EMAIL_HOST}:"
                f"{settings.EMAIL_PORT}/ (messages in {settings.VAR_DIR / 'mail'}/)\n"
            )
        if sms_catcher:
            self.stdout.write(
                f"SMS go to the SMS catcher at {settings.EGOV_SMS_URL} (GET it to read them)\n"
            )
        if payment_fake:
            self.stdout.write(
                f"Online payments go to the fake payment platform at {settings.EGOV_PAYMENT_URL}"
                " (GET /received, POST /control: docs/payments.md)\n"
            )
        if registries:
            self.stdout.write(registries_serving.banner())
        if "sso" in commands:
            from fakes.oidc.identities import logins_text

            self.stdout.write(logins_text(settings.EGOV_SSO_ISSUER))
        from egov.directory.demo import demo_logins_text

        self.stdout.write(demo_logins_text())
        self.stdout.write("Press Ctrl-C to stop.\n")

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        next_housekeeping = next_checkpoint = next_reconcile = 0.0
        next_seal = 0.0  # the gateway's message log (egov.messagelog.tasks)
        try:
            while not stopping:
                if time.monotonic() >= next_housekeeping:
                    self._housekeeping()
                    next_housekeeping = time.monotonic() + options["housekeeping_seconds"]
                if settings.AUDIT_CHECKPOINT_SECONDS and time.monotonic() >= next_checkpoint:
                    self._enqueue_checkpoint()
                    next_checkpoint = time.monotonic() + settings.AUDIT_CHECKPOINT_SECONDS
                if settings.EGOV_PAYMENT_RECONCILE_SECONDS and time.monotonic() >= next_reconcile:
                    self._enqueue_reconcile()
                    next_reconcile = time.monotonic() + settings.EGOV_PAYMENT_RECONCILE_SECONDS
                if messagelog_conf.seal_seconds() and time.monotonic() >= next_seal:
                    enqueue_seal(self.stderr)
                    next_seal = time.monotonic() + messagelog_conf.seal_seconds()
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(f"{name} exited with {child.returncode}; stopping")
                        stopping = True
                time.sleep(0.5)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children.values():
                try:
                    child.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    child.kill()

    def _enqueue_checkpoint(self) -> None:
        from django.db import connection

        from egov.core.tasks import write_audit_checkpoint

        try:
            write_audit_checkpoint.enqueue()
        except Exception as error:  # keep serving; the next round tries again
            self.stderr.write(f"audit checkpoint not enqueued: {error}")
        finally:
            connection.close()

    def _enqueue_reconcile(self) -> None:
        from django.db import connection

        from egov.payments.tasks import reconcile_online_payments

        try:
            reconcile_online_payments.enqueue()
        except Exception as error:  # keep serving; the next round tries again
            self.stderr.write(f"payment reconciliation not enqueued: {error}")
        finally:
            connection.close()

    def _housekeeping(self) -> None:
        from django.db import connection

        from egov.core.idempotency import purge_expired
        from egov.dossiers.services.staging import discard_stale

        try:
            deleted = purge_expired()
            staged = discard_stale()
        except Exception as error:  # keep serving; the next round tries again
            self.stderr.write(f"housekeeping failed: {error}")
        else:
            if deleted:
                self.stdout.write(f"housekeeping: {deleted} expired idempotency key(s) deleted")
            if staged:
                self.stdout.write(f"housekeeping: {staged} stale staged scan(s) deleted")
        finally:
            connection.close()
