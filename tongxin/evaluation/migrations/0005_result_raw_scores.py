"""Results store their raw scores (`scores`, `groups`) and the explanation is rebuilt when
shown from the scheme the computation keeps (`Computation.schemes`); the explanation column
of earlier results stays as written (`stored_criteria`, same column): raw results are never
rewritten, so no data migration. The result's computation loses its own index (the unique
constraint starts with it)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0004_elections")]

    operations = [
        # The field is renamed, its column kept: a change of the state only.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(
                    model_name="result", old_name="criteria", new_name="stored_criteria"
                ),
                migrations.AlterField(
                    model_name="result",
                    name="stored_criteria",
                    field=models.JSONField(db_column="criteria", default=dict),
                ),
            ]
        ),
        migrations.AddField(
            model_name="result", name="scores", field=models.JSONField(default=dict)
        ),
        migrations.AddField(
            model_name="result", name="groups", field=models.JSONField(default=dict)
        ),
        migrations.AlterField(
            model_name="result",
            name="computation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="results",
                to="evaluation.computation",
            ),
        ),
        migrations.AddField(
            model_name="computation", name="schemes", field=models.JSONField(default=dict)
        ),
    ]
