# The vault key's fingerprint (issue 14 item 3): core.VaultKeyState, one row.
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0006_task_leases")]
    operations = [
        migrations.CreateModel(
            name="VaultKeyState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("fingerprint", models.CharField(max_length=64)),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("next_fingerprint", models.CharField(blank=True, max_length=64)),
                ("rotation_progress", models.JSONField(blank=True, default=dict)),
                ("rotation_started_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="vaultkeystate_single_row")
                ],
            },
        ),
    ]
