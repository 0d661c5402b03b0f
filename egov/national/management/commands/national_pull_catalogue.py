from django.core.management.base import BaseCommand, CommandError

from egov.national import catalogue, portal


class Command(BaseCommand):
    help = (
        "Pull the national procedure catalogue (LayDanhSachTTHC, LayThuTuc, "
        "LayDanhMucLinhVuc) into the catalogue as drafts for review; run daily from cron."
    )

    def handle(self, *args, **options):
        try:
            counts = catalogue.pull_catalogue()
        except (portal.PortalUnavailable, portal.PortalRefused) as error:
            raise CommandError(f"national portal: {error}") from error
        self.stdout.write(
            "{fields} field(s); {created} new draft(s), {updated} draft(s) updated, "
            "{unchanged} unchanged".format(**counts)
        )
