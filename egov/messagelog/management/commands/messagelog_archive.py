from django.core.management.base import BaseCommand, CommandError

from egov.messagelog import archive, conf


class Command(BaseCommand):
    help = (
        "Move sealed message log batches older than EGOV_MESSAGELOG_RETENTION_DAYS to "
        "hash-chained archive files (EGOV_MESSAGELOG_ARCHIVE_DIR) and delete their rows."
    )

    def handle(self, *args, **options):
        result = archive.archive_expired()
        self.stdout.write(
            f"{len(result.files)} archive file(s), {result.records} record(s) archived "
            f"to {conf.archive_dir()}"
        )
        for name in result.files:
            self.stdout.write(f"  {name}")
        if result.refused:
            raise CommandError(f"archiving stopped: {result.refused}")
