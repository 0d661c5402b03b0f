"""The applicant's name as the search reads it (no diacritics, lower case), filled for
the dossiers already there, and on PostgreSQL a trigram GIN index on it (pg_trgm, one of
PostgreSQL's standard extensions), so that a part of a name is found without reading the
whole table. SQLite has no such index: a small agency's table is scanned, which is fast
at its size. The index is not declared on the model because SQLite cannot build it; it
is created here only on PostgreSQL (``makemigrations`` does not see it)."""

from django.conf import settings
from django.db import migrations, models

from egov.catalog.text import normalise

TRIGRAM_INDEX = "dossier_applicant_search_trgm"


def backfill(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    batch = []
    rows = Dossier.objects.only("pk", "applicant_name").order_by("pk").iterator(chunk_size=5000)
    for dossier in rows:
        dossier.applicant_search = normalise(dossier.applicant_name)[:255]
        batch.append(dossier)
        if len(batch) == 5000:
            Dossier.objects.bulk_update(batch, ["applicant_search"])
            batch = []
    if batch:
        Dossier.objects.bulk_update(batch, ["applicant_search"])


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON dossiers_dossier "
        "USING gin (applicant_search gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_fee_collected_on_return"),
        ("directory", "0003_sec_pdata_applicant_id_number_index"),
        ("dossiers", "0007_fee_exempted"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="applicant_search",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=255,
                verbose_name="họ tên (khóa tìm kiếm)",
            ),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["applicant_phone"], name="dossier_phone"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
