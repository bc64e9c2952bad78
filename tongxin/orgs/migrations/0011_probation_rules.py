"""The rows of the probation rules (conversion due within 30 days, conversion overdue).

Idempotent like 0005: only missing codes are created, edited rows are left alone.
"""

from django.db import migrations

DEFAULTS = [  # code, value, value_max
    ("conversion_due", 30, None),
    ("conversion_overdue", None, None),
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
        ("orgs", "0010_alter_organisationfacts_kind"),
    ]

    operations = [
        migrations.RunPython(create_missing, migrations.RunPython.noop, elidable=False),
    ]
