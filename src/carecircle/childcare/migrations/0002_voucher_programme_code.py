from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("childcare", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="voucher",
            name="programme_code",
            field=models.CharField(blank=True, default="", max_length=40, verbose_name="津贴补贴项目"),
        ),
    ]
