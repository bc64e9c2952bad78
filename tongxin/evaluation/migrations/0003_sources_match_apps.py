"""The default schemes against the merged apps' real facts: trial's indicator codes
(`reversal_remand_rate`, `mean_duration_days`) and ranges in its units (shares, not per cent);
discipline's sanction codes heavier than a warning (`dismissal` is not one of them); no
interference rule (discipline counts the entries a person recorded, never a failure to
record). Only the stored default schemes change; open cycles keep their frozen copy."""

from django.db import migrations

INDICATORS = {
    "closure_rate": ("closure_rate", [0.85, 1]),
    "reversal_rate": ("reversal_remand_rate", [0, 0.03]),
    "average_days": ("mean_duration_days", [20, 90]),
}
HEAVY = ["serious_warning", "demerit", "major_demerit", "demotion", "removal", "probation", "expulsion"]


def _walk(nodes):
    for node in nodes:
        scoring = node.get("scoring") or {}
        if scoring.get("kind") == "range" and scoring.get("indicator") in INDICATORS:
            scoring["indicator"], scoring["range"] = INDICATORS[scoring["indicator"]]
        _walk(node.get("children") or [])


def forward(apps, schema_editor):
    Scheme = apps.get_model("evaluation", "Scheme")
    for scheme in Scheme.objects.filter(code__startswith="default-"):
        definition = scheme.definition
        _walk(definition.get("tree") or [])
        rules = []
        for rule in definition.get("rules") or []:
            if rule.get("source") == "interference_recorded" and rule.get("value") == "not_recorded":
                continue
            if rule.get("code") == "heavy_sanction" and "dismissal" in (rule.get("value") or []):
                rule["value"] = list(HEAVY)
                rule["label"] = "受严重警告、记过及以上处分"
            rules.append(rule)
        definition["rules"] = rules
        scheme.definition = definition
        scheme.save(update_fields=["definition"])


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0002_default_schemes")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
