import datetime

from django.core.management.base import BaseCommand

from egov.core.idempotency import TTL, purge_expired


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than the retention time (default 24 h)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=float, default=TTL.total_seconds() / 3600, help="retention in hours"
        )

    def handle(self, *args, **options):
        deleted = purge_expired(ttl=datetime.timedelta(hours=options["hours"]))
        self.stdout.write(f"{deleted} idempotency key(s) deleted.")
