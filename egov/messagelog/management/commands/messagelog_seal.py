from django.core.management.base import BaseCommand, CommandError

from egov.messagelog import seal


class Command(BaseCommand):
    help = (
        "Timestamp the message log's unsealed records in batches (RFC 3161, "
        "EGOV_MESSAGELOG_TSA_URL); exits 1 when the TSA gives no good timestamp."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, **options):
        result = seal.seal_pending(batch_size=options["batch_size"])
        self.stdout.write(f"{result.seals} batch(es), {result.records} record(s) sealed")
        if result.error:
            raise CommandError(f"not sealed: {result.error}")
