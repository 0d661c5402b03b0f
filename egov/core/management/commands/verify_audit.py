from django.core.management.base import BaseCommand, CommandError

from egov.core import audit_keys
from egov.core.audit_checkpoint import verify


class Command(BaseCommand):
    help = (
        "Verify the audit log: every keyed hash chain and its head, the database guards, "
        "and the signed checkpoints kept outside the database; name what is wrong."
    )

    def handle(self, *args, **options):
        try:
            checked, problems = verify()
        except audit_keys.AuditKeyError as error:
            raise CommandError(f"cannot verify the audit log: {error}")
        if problems:
            self.stderr.write(f"AUDIT LOG TAMPERED OR BROKEN - {len(problems)} problem(s):")
            for problem in problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"{len(problems)} problem(s) among {checked} audit entries")
        self.stdout.write(
            f"OK: {checked} audit entries verified, chains intact, guards in place, "
            "the latest checkpoint agrees."
        )
