"""Sessions in core.Session, which names the account (egov/core/sessions.py). Open
sessions are copied from Django's table without their account: they stay valid, their
user is read on its own until they end."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def copy_open_sessions(apps, schema_editor):
    old = apps.get_model("sessions", "Session")
    new = apps.get_model("core", "Session")
    open_ones = old.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000)
    batch = []
    for session in open_ones:
        batch.append(
            new(
                session_key=session.session_key,
                session_data=session.session_data,
                expire_date=session.expire_date,
            )
        )
        if len(batch) == 2000:
            new.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    new.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_audit_head_prev_hash'),
        ('sessions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Session',
            fields=[
                ('session_key', models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name='session key')),
                ('session_data', models.TextField(verbose_name='session data')),
                ('expire_date', models.DateTimeField(db_index=True, verbose_name='expire date')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'phiên đăng nhập (session)',
                'verbose_name_plural': 'phiên đăng nhập (sessions)',
                'abstract': False,
            },
        ),
        migrations.RunPython(copy_open_sessions, migrations.RunPython.noop),
    ]
