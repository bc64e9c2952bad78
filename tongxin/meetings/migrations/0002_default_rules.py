"""The compliance rules of domain.md section 3 as the national versions."""

from django.db import migrations


def forward(apps, schema_editor):
    from tongxin.meetings.defaults import DEFAULT_FROM, DEFAULTS

    ComplianceRule = apps.get_model("meetings", "ComplianceRule")
    for activity, fields in DEFAULTS.items():
        ComplianceRule.objects.get_or_create(
            activity=activity,
            court=None,
            effective_from=DEFAULT_FROM,
            defaults={**fields, "changed_by": "system"},
        )


def backward(apps, schema_editor):
    apps.get_model("meetings", "ComplianceRule").objects.filter(court=None).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
