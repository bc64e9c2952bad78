# The account models move from the people app: their tables stay as they are
# (db_table), only Django's state changes hands.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('orgs', '0004_messages'),
        ('people', '0002_must_change_password'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('digest', models.CharField(max_length=64, unique=True)),
                        ('prefix', models.CharField(max_length=8)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'people_apitoken',
                        'verbose_name': 'API token',
                        'verbose_name_plural': 'API tokens',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Profile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('language', models.CharField(blank=True, max_length=10, verbose_name='language')),
                        ('failed_logins', models.PositiveIntegerField(default=0)),
                        ('locked_until', models.DateTimeField(blank=True, null=True)),
                        ('must_change_password', models.BooleanField(default=False)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='profile', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={'db_table': 'people_profile'},
                ),
                migrations.CreateModel(
                    name='RoleGrant',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('system_admin', 'System administrator'), ('party_affairs', 'Party-affairs staff'), ('branch_secretary', 'Branch secretary'), ('branch_committee', 'Branch committee member'), ('member', 'Member'), ('court_leader', 'Court leader (read-only)'), ('discipline', 'Discipline inspection'), ('trial_management', 'Trial management office')], max_length=30, verbose_name='role')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('court', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='orgs.court', verbose_name='court')),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='orgs.partyorganisation', verbose_name='organisation')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='grants', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'people_rolegrant',
                        'verbose_name': 'role grant',
                        'verbose_name_plural': 'role grants',
                    },
                ),
                migrations.AddConstraint(
                    model_name='rolegrant',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('court__isnull', True), ('organisation__isnull', False)), models.Q(('court__isnull', False), ('organisation__isnull', True)), _connector='OR'), name='grant_one_scope'),
                ),
            ],
        ),
    ]
