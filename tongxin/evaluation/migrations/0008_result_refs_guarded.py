"""A result's person and its (computation, cycle) pair, checked without a foreign key's
per-row cost for the bulk writer. PostgreSQL checks a foreign key row by row at commit: for
a national cycle's 370,000 results about 3.4 s of a 12 s compute (bench/README.md).

- Every other write of a result is checked row by row, as before, by a trigger (the person
  exists; the result's cycle is its computation's).
- The one bulk writer, `evaluation.compute.results_write`, sets `tongxin.eval_result_refs`
  to "checked" for its COPY (the trigger's WHEN skips those rows) and then checks the rows
  it wrote itself in one anti-join (about 0.4 s for a national cycle), in the same
  transaction, and takes its computation and cycle from the computation (the pair cannot
  differ). A statement trigger over the COPY's transition table was tried: it stores every
  new row again, 1.7 s.
- The referenced side is guarded as a foreign key guards it: deleting a person or a
  computation that results still name is refused (a computation's results go first, as the
  ORM's cascade does), and their ids never change.
- A foreign key also locks each referenced row until commit, so that a concurrent delete
  cannot slip between the check and the commit. Here one transaction-level advisory lock
  does it: each check takes it shared, each guarded delete exclusively, so a delete waits
  for every open transaction that wrote results and then sees them, and results written
  after a delete wait for it and then miss the person. This relies on READ COMMITTED,
  Django's isolation level (each statement reads what was committed before it ran). Person
  deletes are rare; one may wait for a running compute. TRUNCATE is not guarded.

SQLite keeps the person's foreign key (checked at commit, as every other one there; the
column becomes unconstrained in the migration state only, so that SQLite's table is not
remade). A later migration that remakes evaluation_result on SQLite would build it from that
state, without the foreign key: it must add the key back (tests/evaluation/test_result_integrity.py
fails otherwise). Row triggers that refuse a delete on SQLite would break `flush` (Django
empties the tables in no fixed order, relying on deferred checks), so deleting a computation
that still has results is stopped on SQLite by the ORM's cascade only, as in migration 0007;
renumbering one is refused by a trigger."""

import django.db.models.deletion
from django.db import migrations, models

# One advisory lock key for "rows that results refer to" (any 64-bit constant; "evalres").
LOCK = 0x6576616C726573

# The setting with which the bulk writer (evaluation.compute.results_write) says that it
# checks the rows it writes itself, in one query, in the same transaction.
CHECKED = "tongxin.eval_result_refs"


def _kept(name, table, column, constraint):
    """A statement trigger refusing to delete rows of `table` that results name by `column`,
    under the lock every check takes shared."""
    return [
        f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock({LOCK});
  IF EXISTS (SELECT 1 FROM eval_old o JOIN evaluation_result r ON r.{column} = o.id) THEN
    RAISE EXCEPTION 'update or delete on table "{table}" violates foreign key'
      ' constraint "{constraint}" on table "evaluation_result"'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$""",
        f"CREATE TRIGGER {name} AFTER DELETE ON {table}"
        " REFERENCING OLD TABLE AS eval_old FOR EACH STATEMENT"
        f" EXECUTE FUNCTION {name}()",
    ]


_PG = [
    f"""
CREATE FUNCTION eval_result_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared({LOCK});
  IF NOT EXISTS (SELECT 1 FROM people_person p WHERE p.id = NEW.person_id) THEN
    RAISE EXCEPTION 'insert or update on table "evaluation_result" violates foreign key'
      ' constraint "eval_result_person"' USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM evaluation_computation c
                 WHERE c.id = NEW.computation_id AND c.cycle_id = NEW.cycle_id) THEN
    RAISE EXCEPTION 'insert or update on table "evaluation_result" violates foreign key'
      ' constraint "eval_result_run"' USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER eval_result_refs AFTER INSERT OR UPDATE ON evaluation_result FOR EACH ROW"
    f" WHEN (current_setting('{CHECKED}', true) IS DISTINCT FROM 'checked')"
    " EXECUTE FUNCTION eval_result_refs()",
    *_kept("eval_result_person_kept", "people_person", "person_id", "eval_result_person"),
    *_kept("eval_result_run_kept", "evaluation_computation", "computation_id", "eval_result_run"),
    """
CREATE FUNCTION eval_result_key_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the id of a row that results refer to does not change'
    USING ERRCODE = 'foreign_key_violation';
END $$""",
    "CREATE TRIGGER eval_result_person_fixed BEFORE UPDATE OF id ON people_person"
    " FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION eval_result_key_fixed()",
    "CREATE TRIGGER eval_result_run_fixed BEFORE UPDATE OF id, cycle_id ON evaluation_computation"
    " FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.cycle_id IS DISTINCT FROM"
    " NEW.cycle_id) EXECUTE FUNCTION eval_result_key_fixed()",
    "ALTER TABLE evaluation_result DROP CONSTRAINT eval_result_run",
]
_PG_UNDO = [
    "DROP TRIGGER eval_result_refs ON evaluation_result",
    "DROP TRIGGER eval_result_person_kept ON people_person",
    "DROP TRIGGER eval_result_run_kept ON evaluation_computation",
    "DROP TRIGGER eval_result_person_fixed ON people_person",
    "DROP TRIGGER eval_result_run_fixed ON evaluation_computation",
    "DROP FUNCTION eval_result_refs()",
    "DROP FUNCTION eval_result_person_kept()",
    "DROP FUNCTION eval_result_run_kept()",
    "DROP FUNCTION eval_result_key_fixed()",
    "ALTER TABLE evaluation_result ADD CONSTRAINT eval_result_run"
    " FOREIGN KEY (computation_id, cycle_id)"
    " REFERENCES evaluation_computation (id, cycle_id) DEFERRABLE INITIALLY DEFERRED",
]


_SQLITE = {
    "eval_result_run_fixed": "BEFORE UPDATE OF id, cycle_id ON evaluation_computation"
    " WHEN OLD.id <> NEW.id OR OLD.cycle_id <> NEW.cycle_id BEGIN"
    " SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: eval_result_run'); END",
}


def person_fk_drop(apps, schema_editor):
    """PostgreSQL: the person's foreign key goes (the triggers below stand in for it)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "evaluation_result")
    for name, info in found.items():
        if info["foreign_key"] and info["columns"] == ["person_id"]:
            schema_editor.execute(f"ALTER TABLE evaluation_result DROP CONSTRAINT {name}")


def person_fk_add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE evaluation_result ADD CONSTRAINT eval_result_person_fk"
            " FOREIGN KEY (person_id) REFERENCES people_person (id) DEFERRABLE INITIALLY DEFERRED"
        )


def guards_add(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in _PG:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for name, body in _SQLITE.items():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
            schema_editor.execute(f"CREATE TRIGGER {name} {body}")


def guards_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in _PG_UNDO:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for name in _SQLITE:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0007_result_run_pair"), ("people", "__first__")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="result",
                    name="person",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                )
            ],
            database_operations=[migrations.RunPython(person_fk_drop, person_fk_add)],
        ),
        migrations.RunPython(guards_add, guards_drop),
    ]
