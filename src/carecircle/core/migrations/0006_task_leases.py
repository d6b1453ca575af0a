# Periodic task leases (issue 14 item 1): a slot is done only when its work committed; until then
# the row is a lease that expires, so an abandoned slot is taken over instead of counting as run.
from django.db import migrations, models


def states_of_earlier_runs(apps, schema_editor):
    TaskRun = apps.get_model("core", "TaskRun")
    TaskRun.objects.update(due_at=models.F("started_at"))
    TaskRun.objects.filter(finished_at__isnull=False, error="").update(state="done")
    TaskRun.objects.filter(finished_at__isnull=False).exclude(error="").update(state="retry", attempts=1)
    # Rows claimed and never finished (the holder died) stay "running" with no lease: abandoned,
    # so the scheduler takes them over (or marks them superseded when a later run covered them).


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_complete")]
    operations = [
        migrations.AddField(model_name="taskrun", name="due_at", field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(
            model_name="taskrun", name="state",
            field=models.CharField(
                choices=[("running", "运行中"), ("retry", "等待重试"), ("done", "已完成"), ("failed", "失败"),
                         ("superseded", "已被后续运行覆盖")],
                default="running", max_length=12,
            ),
        ),
        migrations.AddField(model_name="taskrun", name="owner", field=models.CharField(blank=True, max_length=200)),
        migrations.AddField(model_name="taskrun", name="lease_until",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(model_name="taskrun", name="attempts", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name="taskrun", name="retry_at", field=models.DateTimeField(blank=True, null=True)),
        migrations.RunPython(states_of_earlier_runs, migrations.RunPython.noop),
        migrations.AddIndex(model_name="taskrun", index=models.Index(fields=["state"], name="taskrun_state")),
        migrations.AddIndex(model_name="taskrun",
                            index=models.Index(fields=["name", "due_at"], name="taskrun_name_due")),
    ]
