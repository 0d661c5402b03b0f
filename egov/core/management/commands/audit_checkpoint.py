from django.core.management.base import BaseCommand, CommandError

from egov.core import audit_keys
from egov.core.audit_checkpoint import CheckpointRefused, write


class Command(BaseCommand):
    help = (
        "Verify the audit entries added since the latest checkpoint and append a signed "
        "checkpoint of every chain head to EGOV_AUDIT_CHECKPOINT_PATH."
    )

    def handle(self, *args, **options):
        try:
            line = write()
        except audit_keys.AuditKeyError as error:
            raise CommandError(f"no checkpoint written: {error}")
        except CheckpointRefused as refused:
            for problem in refused.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(
                f"no checkpoint written: {len(refused.problems)} problem(s) in the audit log"
            )
        self.stdout.write(
            f"checkpoint {line['n']}: {line['count']} entries, "
            f"{len(line['heads'])} partitions, key {line['key_id']}"
        )
