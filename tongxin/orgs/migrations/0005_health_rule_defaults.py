"""The organisation-health rule rows with the defaults of domain.md.

Idempotent: creates only the codes that are missing and leaves edited rows alone. The values
are frozen here (a migration must not import the rules as they will be later); a rule added
later gets its row from a migration of its own, and until then runs with its defaults.
"""

from django.db import migrations

DEFAULTS = [  # code, value, value_max
    ("branch_too_small", 3, None),
    ("branch_too_large", 50, None),
    ("committee_missing", 7, None),
    ("committee_size", 3, 7),
    ("secretary_missing", None, None),
    ("term_ending", 6, None),
    ("term_overdue", None, None),
    ("term_missing", None, None),
    ("member_unassigned", None, None),
]


def create_missing(apps, schema_editor):
    HealthRule = apps.get_model("orgs", "HealthRule")
    db = schema_editor.connection.alias
    present = set(HealthRule.objects.using(db).values_list("code", flat=True))
    HealthRule.objects.using(db).bulk_create(
        [
            HealthRule(code=code, is_enabled=True, value=value, value_max=value_max)
            for code, value, value_max in DEFAULTS
            if code not in present
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0004_messages"),
    ]

    operations = [
        migrations.RunPython(create_missing, migrations.RunPython.noop, elidable=False),
    ]
