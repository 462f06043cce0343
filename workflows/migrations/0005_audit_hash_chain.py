"""Audit entries carry a hash chain; the entries already written are chained in id order."""

import django.utils.timezone
from django.db import migrations, models

from workflows import chain

TRIGGER = "workflows_auditentry_append_only"


def chain_existing(apps, schema_editor):
    AuditEntry = apps.get_model("workflows", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    models_by_id = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(f"ALTER TABLE workflows_auditentry DISABLE TRIGGER {TRIGGER}")
    previous = ""
    for sequence, entry in enumerate(AuditEntry.objects.order_by("id").iterator(), start=1):
        entry.sequence, entry.previous_hash = sequence, previous
        entry.entry_hash = chain.entry_digest(entry, models_by_id[entry.content_type_id])
        AuditEntry.objects.filter(pk=entry.pk).update(
            sequence=sequence, previous_hash=previous, entry_hash=entry.entry_hash
        )
        previous = entry.entry_hash
    if postgresql:
        schema_editor.execute(f"ALTER TABLE workflows_auditentry ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):

    dependencies = [
        ('workflows', '0004_outbox_message_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(unique=True, verbose_name='day')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='time')),
                ('count', models.PositiveBigIntegerField(verbose_name='entries')),
                ('head_hash', models.CharField(blank=True, max_length=64, verbose_name='head hash')),
                ('file', models.FileField(blank=True, max_length=255, upload_to='', verbose_name='file')),
            ],
            options={
                'verbose_name': 'audit checkpoint',
                'verbose_name_plural': 'audit checkpoints',
                'ordering': ['-day'],
            },
        ),
        migrations.CreateModel(
            name='AuditVerification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('checked_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
                ('ok', models.BooleanField(verbose_name='intact')),
                ('count', models.PositiveBigIntegerField(verbose_name='entries')),
                ('head_hash', models.CharField(blank=True, max_length=64, verbose_name='head hash')),
                ('problem', models.CharField(blank=True, choices=[('changed', 'Its content does not match its hash: it was changed.'), ('missing', 'Entries before it are missing: they were deleted.'), ('inserted', 'It does not follow the entry before it: it was inserted.'), ('truncated', 'The log ends before the last checkpoint: entries were deleted.'), ('rewritten', 'The entry at the last checkpoint has another hash now.')], max_length=16, verbose_name='problem')),
                ('entry_sequence', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='first bad entry')),
                ('entry_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='row id')),
            ],
            options={
                'verbose_name': 'audit verification',
                'verbose_name_plural': 'audit verifications',
                'ordering': ['-checked_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='auditentry',
            name='entry_hash',
            field=models.CharField(default='', max_length=64, verbose_name='hash'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='previous_hash',
            field=models.CharField(blank=True, max_length=64, verbose_name='hash of the previous entry'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='sequence',
            field=models.PositiveBigIntegerField(db_index=True, null=True, verbose_name='sequence'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='created_at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time'),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(db_index=True, verbose_name="sequence"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(max_length=64, verbose_name="hash"),
        ),
    ]
