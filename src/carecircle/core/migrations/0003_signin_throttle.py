# Sign-in (issue 13 item 2): failure counters in the database (shared by every server process),
# a code is good once, tokens issued before a password change stop working, and the tokens of the
# year-long lifetime are cut to the new, short one.
import datetime

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone


def cap_token_lifetimes(apps, schema_editor):
    ApiToken = apps.get_model("core", "ApiToken")
    latest = timezone.now() + datetime.timedelta(hours=settings.CARECIRCLE_TOKEN_LIFETIME_HOURS)
    ApiToken.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=latest), revoked_at__isnull=True).update(
        expires_at=latest
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [
        migrations.RemoveField(model_name="user", name="failed_logins"),
        migrations.RemoveField(model_name="user", name="locked_until"),
        migrations.AddField(
            model_name="user",
            name="totp_last_step",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="user",
            name="password_changed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="密码修改时间"),
        ),
        migrations.CreateModel(
            name="SignInThrottle",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=12)),
                ("key", models.CharField(max_length=128)),
                ("failures", models.PositiveIntegerField(default=0)),
                ("window_start", models.DateTimeField(db_index=True)),
                ("locked_until", models.DateTimeField(blank=True, null=True)),
            ],
            options={"verbose_name": "登录失败计数", "verbose_name_plural": "登录失败计数"},
        ),
        migrations.AddConstraint(
            model_name="signinthrottle",
            constraint=models.UniqueConstraint(fields=("kind", "key"), name="signinthrottle_unique"),
        ),
        migrations.RunPython(cap_token_lifetimes, migrations.RunPython.noop),
    ]
