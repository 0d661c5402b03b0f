from django.core.management.base import BaseCommand, CommandError

from egov.messagelog.verify import verify


class Command(BaseCommand):
    help = (
        "Verify the message log: the archive files and the table as one hash chain, "
        "and every seal's timestamp; name the first broken record; exit 1 on failure."
    )

    def handle(self, *args, **options):
        report = verify()
        self.stdout.write(
            f"records: {report.records} in the table, {report.archived_records} archived "
            f"in {report.archives} file(s); seals: {report.seals}; "
            f"unsealed records: {report.unsealed}"
        )
        for warning in report.warnings:
            self.stderr.write(f"WARNING: {warning}")
        if report.problems:
            self.stderr.write(f"MESSAGE LOG BROKEN - {len(report.problems)} problem(s)")
            self.stderr.write(f"first broken: {report.problems[0]}")
            for problem in report.problems[1:]:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"{len(report.problems)} problem(s); first: {report.problems[0]}")
        self.stdout.write("OK: chain intact, every seal verified.")
