"""Dossiers keep what was exempted (``Dossier.fee_exempted``) next to what was paid,
so that what is owed is read from the row: fill it from the exemptions recorded."""

from django.db import migrations
from django.db.models import Sum


def backfill(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    Dossier = apps.get_model("dossiers", "Dossier")
    totals = (
        Payment.objects.filter(method="exempt")
        .values("dossier_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in totals.iterator():
        Dossier.objects.filter(pk=row["dossier_id"]).update(fee_exempted=row["total"])


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("dossiers", "0007_fee_exempted"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
