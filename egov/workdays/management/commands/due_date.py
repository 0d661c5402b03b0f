"""Print a due date computed by the deadline engine, as the API gives it.

python manage.py due_date 2026-02-13T10:00+07:00 1 working_days [--cutoff-15h]
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from egov.core.errors import DomainError
from egov.workdays import services
from egov.workdays.api import parse_datetime
from egov.workdays.engine import Unit


class Command(BaseCommand):
    help = "Compute a due date (hạn giải quyết) from a receipt time with the working-day calendar."

    def add_arguments(self, parser):
        parser.add_argument("start", help="Receipt time, ISO 8601 with an offset.")
        parser.add_argument("amount", help="Amount of time (>= 0).")
        parser.add_argument("unit", help=" | ".join(u.value for u in Unit))
        parser.add_argument(
            "--cutoff-15h",
            action="store_true",
            help="Count a receipt after 15:00 from the next working day.",
        )

    def handle(self, *args, start, amount, unit, cutoff_15h, **options):
        try:
            deadline = services.compute_due(
                start=parse_datetime(start, "start"),
                amount=amount,
                unit=unit,
                cutoff_15h=cutoff_15h,
            )
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message} ({error.message_en})") from None
        self.stdout.write(f"start:             {deadline.start.isoformat()}")
        self.stdout.write(f"effective start:   {deadline.effective_start.isoformat()}")
        self.stdout.write(f"due:               {deadline.due.isoformat()}")
        self.stdout.write(f"calendar revision: {deadline.calendar_revision}")
