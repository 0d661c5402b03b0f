from django.core.management.base import BaseCommand

from egov.dossiers.demo import load_demo_dossiers


class Command(BaseCommand):
    help = (
        "Load demo dossiers at UBND huyện Chợ Mới (idempotent; needs load_demo and "
        "load_demo_catalog first)."
    )

    def handle(self, *args, **options):
        self.stdout.write(str(load_demo_dossiers()))
