# The account models now belong to the accounts app (same tables).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0002_must_change_password'),
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='ApiToken'),
                migrations.DeleteModel(name='Profile'),
                migrations.DeleteModel(name='RoleGrant'),
            ],
        ),
    ]
