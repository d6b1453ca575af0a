# Upload retention (issue 13 item 6): when a job's uploaded file was deleted (registry/uploads.py).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_import_job_heartbeat")]
    operations = [
        migrations.AddField(
            model_name="importjob",
            name="file_deleted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="文件删除时间"),
        ),
    ]
