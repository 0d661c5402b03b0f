from django.core.management.base import BaseCommand

from egov.national import services


class Command(BaseCommand):
    help = (
        "Release national-sync deliveries whose relay died (lease past its time) so that "
        "another relay takes them at once; run from cron every few minutes."
    )

    def handle(self, *args, **options):
        released = services.sweep_stuck()
        self.stdout.write(f"{released} stuck delivery(ies) released")
