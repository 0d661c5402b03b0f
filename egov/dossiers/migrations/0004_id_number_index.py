"""Dossiers are searched by the whole ID number: one plain index instead of Django's
two (the pattern one served no query and cost every new dossier an index insertion).
The new index is built before the old ones are dropped, so searches always have one."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0003_catalog_entry'),
        ('directory', '0002_default_tiers'),
        ('dossiers', '0003_search_tax_code_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["applicant_id_number"], name="dossier_id_number"),
        ),
        migrations.AlterField(
            model_name="dossier",
            name="applicant_id_number",
            field=models.CharField(blank=True, max_length=12, verbose_name="số CCCD"),
        ),
    ]
