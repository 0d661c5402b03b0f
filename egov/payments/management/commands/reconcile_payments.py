from django.core.management.base import BaseCommand

from egov.payments.services import reconcile_pending


class Command(BaseCommand):
    help = (
        "Ask the payment platform (status query) about every online payment pending for "
        "longer than --older-than seconds and settle those it answers as final."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            help="seconds (default EGOV_PAYMENT_RECONCILE_AFTER_SECONDS)",
        )

    def handle(self, *args, **options):
        counts = reconcile_pending(older_than=options["older_than"])
        self.stdout.write(
            f"{counts['checked']} pending payment(s) checked: {counts['succeeded']} succeeded, "
            f"{counts['failed']} failed, {counts['review']} to review, "
            f"{counts['pending']} still pending"
        )
