"""No UPDATE on the message log's records and seals (egov/messagelog/guards.py)."""

from django.db import migrations

from egov.messagelog import guards


def forwards(apps, schema_editor):
    guards.install(schema_editor.connection)


def backwards(apps, schema_editor):
    guards.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("messagelog", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
