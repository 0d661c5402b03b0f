"""The step and assignee indexes hold only the dossiers that have a step or an
assignee: a new online dossier has neither, so it no longer costs two index
insertions. The new indexes are built before the old ones are dropped."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_catalog_entry"),
        ("directory", "0002_default_tiers"),
        ("dossiers", "0004_id_number_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("assignee__isnull", False)),
                fields=["assignee", "status"],
                name="dossier_assignee_set",
            ),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("current_step__isnull", False)),
                fields=["current_step"],
                name="dossier_current_step",
            ),
        ),
        migrations.RemoveIndex(model_name="dossier", name="dossier_assignee"),
        migrations.AlterField(
            model_name="dossier",
            name="current_step",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="catalog.workflowstep",
            ),
        ),
    ]
