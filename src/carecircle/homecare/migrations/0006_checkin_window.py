# Check-in window (issue 13 item 8): a check-in outside the booked slot (± CARECIRCLE_CHECKIN_WINDOW_MINUTES)
# keeps its reason and flags the visit for review.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("homecare", "0005_ledger_postings")]
    operations = [
        migrations.AddField(
            model_name="visit",
            name="check_in_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="时段外签到原因"),
        ),
        migrations.AlterField(
            model_name="visitexception",
            name="kind",
            field=models.CharField(
                choices=[
                    ("far", "签到/签退位置距服务地址过远"),
                    ("short", "服务时长不足"),
                    ("overlap", "与同一护理员其他服务时间重叠"),
                    ("no_check_in", "未签到即签退"),
                    ("off_window", "签到时间不在预约时段内"),
                ],
                max_length=12,
            ),
        ),
    ]
