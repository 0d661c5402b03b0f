"""Delete the gateway monitor's exchange rows older than EGOV_GATEWAY_EXCHANGE_DAYS."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from egov.core.permissions import SYSTEM
from egov.gateway import services


class Command(BaseCommand):
    help = "Delete gateway exchange rows older than EGOV_GATEWAY_EXCHANGE_DAYS days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.EGOV_GATEWAY_EXCHANGE_DAYS)

    def handle(self, *args, days, **options):
        before = timezone.now() - timedelta(days=days)
        deleted = services.purge_exchanges(actor=SYSTEM, before=before)
        self.stdout.write(f"{deleted} gateway exchanges older than {days} days deleted")
