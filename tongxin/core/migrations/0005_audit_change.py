"""The companion of the audit log for bulk writes (one entry, a row per record changed), with
the same database trigger as the log itself (0003): UPDATE is refused on SQLite and
PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models

SQLITE = """
CREATE TRIGGER core_auditchange_no_update BEFORE UPDATE ON core_auditchange
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
POSTGRES = """
CREATE OR REPLACE FUNCTION core_auditentry_refuse() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditchange_no_update BEFORE UPDATE ON core_auditchange
FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse();
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def backwards(apps, schema_editor):
    on = " ON core_auditchange" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute("DROP TRIGGER IF EXISTS core_auditchange_no_update" + on)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_export_job'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(max_length=80, verbose_name='action')),
                ('object_type', models.CharField(max_length=80, verbose_name='object type')),
                ('object_id', models.CharField(max_length=40, verbose_name='object id')),
                ('object_repr', models.CharField(max_length=255, verbose_name='object')),
                ('court_path', models.CharField(blank=True, max_length=255)),
                ('before', models.JSONField(blank=True, null=True, verbose_name='before')),
                ('after', models.JSONField(blank=True, null=True, verbose_name='after')),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='object_changes', to='core.auditentry', verbose_name='entry')),
            ],
            options={
                'verbose_name': 'audited change',
                'verbose_name_plural': 'audited changes',
                'ordering': ['entry', 'id'],
                'indexes': [models.Index(fields=['court_path'], name='audit_change_court_path', opclasses=['varchar_pattern_ops']), models.Index(fields=['object_type', 'object_id'], name='audit_change_object')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
