# Issue 18: answer-time service-level targets and the on-shift window, per region (Policy).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alarms", "0002_mask_remask"),
    ]

    operations = [
        migrations.AddField(
            model_name="policy",
            name="answer_target_seconds",
            field=models.PositiveIntegerField(default=60, verbose_name="接警时限一（秒）"),
        ),
        migrations.AddField(
            model_name="policy",
            name="answer_target_percent",
            field=models.FloatField(default=98.5, verbose_name="时限一内接警率目标（%）"),
        ),
        migrations.AddField(
            model_name="policy",
            name="answer_target2_seconds",
            field=models.PositiveIntegerField(default=180, verbose_name="接警时限二（秒）"),
        ),
        migrations.AddField(
            model_name="policy",
            name="answer_target2_percent",
            field=models.FloatField(default=99.0, verbose_name="时限二内接警率目标（%）"),
        ),
        migrations.AddField(
            model_name="policy",
            name="on_shift_minutes",
            field=models.PositiveIntegerField(default=30, verbose_name="在岗判定（最近操作分钟数）"),
        ),
    ]
