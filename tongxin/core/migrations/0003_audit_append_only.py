"""Refuse UPDATE on the audit log at the database level (SQLite and PostgreSQL)."""

from django.db import migrations

SQLITE = """
CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
POSTGRES = """
CREATE OR REPLACE FUNCTION core_auditentry_refuse() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse();
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def backwards(apps, schema_editor):
    schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update"
                          + (" ON core_auditentry" if schema_editor.connection.vendor == "postgresql" else ""))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
