"""Make the audit table append-only in the database itself (egov/core/guards.py)."""

from django.db import migrations

from egov.core import guards


def forwards(apps, schema_editor):
    guards.install(schema_editor.connection)


def backwards(apps, schema_editor):
    guards.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
