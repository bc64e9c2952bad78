"""The audit log's hash chains (core/chain.py): a chain head per court path and a link per
entry, append-only like the log (a trigger refuses UPDATE on the links). Entries written
before this migration are linked here, in the order of their ids, so every entry is in a
chain and an entry in none is one written around the application."""

from django.db import migrations, models

SQLITE = """
CREATE TRIGGER core_auditlink_no_update BEFORE UPDATE ON core_auditlink
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
POSTGRES = """
CREATE OR REPLACE FUNCTION core_auditentry_refuse() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditlink_no_update BEFORE UPDATE ON core_auditlink
FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse();
"""


def triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def drop_triggers(apps, schema_editor):
    on = " ON core_auditlink" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute("DROP TRIGGER IF EXISTS core_auditlink_no_update" + on)


def link_existing(apps, schema_editor):
    from tongxin.core.chain import AUDIT_COLUMNS, AUDIT_PREFIX, GENESIS, audit_data, link_hash

    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditLink = apps.get_model("core", "AuditLink")
    ChainHead = apps.get_model("core", "ChainHead")
    heads: dict[str, tuple[int, str]] = {}
    pending = []
    for row in AuditEntry.objects.order_by("id").values(*AUDIT_COLUMNS).iterator(2_000):
        chain = AUDIT_PREFIX + (row["court_path"] or "")
        seq, prev = heads.get(chain, (0, GENESIS))
        digest = link_hash(chain, seq + 1, prev, audit_data(row))
        pending.append(
            AuditLink(entry_id=row["id"], chain=chain, seq=seq + 1, prev_hash=prev, hash=digest)
        )
        heads[chain] = (seq + 1, digest)
        if len(pending) >= 2_000:
            AuditLink.objects.bulk_create(pending)
            pending = []
    AuditLink.objects.bulk_create(pending)
    ChainHead.objects.bulk_create(
        [ChainHead(name=name, seq=seq, hash=digest) for name, (seq, digest) in heads.items()]
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_change")]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=300, unique=True)),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name="AuditLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("entry_id", models.BigIntegerField(unique=True)),
                ("chain", models.CharField(max_length=300)),
                ("seq", models.BigIntegerField()),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("chain", "seq"), name="audit_link_chain_seq")
                ],
            },
        ),
        migrations.RunPython(link_existing, migrations.RunPython.noop),
        migrations.RunPython(triggers, drop_triggers),
    ]
