"""Load the demo province (Bắc Kạn, 2020). Idempotent: a second run writes nothing."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from egov.directory.demo import demo_logins_text, load_demo


class Command(BaseCommand):
    help = "Nạp tỉnh mẫu Bắc Kạn 2020 (load the demo province; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="load even on an HTTPS (production-like) installation",
        )

    def handle(self, *args, **options):
        # The demo accounts share a published password and OTP keys: refuse them on an
        # installation configured for production unless asked explicitly.
        if getattr(settings, "HTTPS", False) and not options["force"]:
            raise CommandError(
                "EGOV_HTTPS is on: demo accounts have a public password. "
                "Use --force to load them anyway."
            )
        started = time.perf_counter()
        summary = load_demo()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"load_demo: {summary} ({elapsed:.1f} s)")
        if options["verbosity"] > 1:
            self.stdout.write(demo_logins_text())
