"""The table of the database cache (CACHES["default"] when no Redis is configured):
rate-limit counters shared by every process. Created here so that every database that
is migrated (make run, tests, CI) has it; ``createcachetable`` does nothing for a cache
that is not in the database, and nothing when the table exists."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_sec_audit_keyed_hashes")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
