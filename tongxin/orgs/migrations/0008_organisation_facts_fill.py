"""Fill the maintained organisation facts for the data already there (a full recount).

From here on the services keep them current. The recount reads the historical models of
this migration's state; on a fresh database (no organisations, no people) there is nothing
to count and nothing runs, so a later change of the facts code cannot break it there.
"""

from django.db import migrations


def fill(apps, schema_editor):
    from tongxin.orgs.facts import facts_recount

    Organisation = apps.get_model("orgs", "PartyOrganisation")
    Person = apps.get_model("people", "Person")
    if Organisation.objects.exists() or Person.objects.exists():
        facts_recount(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0007_organisation_facts"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
