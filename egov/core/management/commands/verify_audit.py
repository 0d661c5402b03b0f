from django.core.management.base import BaseCommand, CommandError

from egov.core.audit import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit log's hash chains; report the first broken entry."

    def handle(self, *args, **options):
        checked, problems = verify_chain()
        if problems:
            self.stderr.write(f"AUDIT CHAIN BROKEN - first broken entry: {problems[0]}")
            for problem in problems[1:]:
                self.stderr.write(f"  also: {problem}")
            raise CommandError(f"{len(problems)} broken chain(s) among {checked} entries")
        self.stdout.write(f"OK: {checked} audit entries verified, chains intact.")
