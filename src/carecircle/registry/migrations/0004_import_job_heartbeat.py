# Import job heartbeat (issue 14 item 2): a job whose process died is detected and resumed from its
# last committed batch (resume_row), or marked failed with a retry button.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_person_birth_covering_index_sqlite")]
    operations = [
        migrations.AddField(
            model_name="importjob", name="origin",
            field=models.CharField(choices=[("web", "网页上传"), ("cli", "命令行")], default="web", max_length=8),
        ),
        migrations.AddField(model_name="importjob", name="owner", field=models.CharField(blank=True, max_length=200)),
        migrations.AddField(model_name="importjob", name="heartbeat_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(model_name="importjob", name="attempts",
                            field=models.PositiveSmallIntegerField(default=0)),
        migrations.AddField(model_name="importjob", name="resume_row", field=models.PositiveIntegerField(default=0)),
    ]
