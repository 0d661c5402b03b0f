"""Load the demo catalogue (DEMO DATA): ``manage.py load_demo_catalog``. Idempotent."""

from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo procedure catalogue (demo data; a second run changes nothing)."

    def handle(self, *args, **options):
        from egov.catalog import demo

        with transaction.atomic():
            counts = demo.load()
        self.stdout.write(
            f"Demo catalogue: {counts['published']} published, {counts['unchanged']} unchanged."
        )
