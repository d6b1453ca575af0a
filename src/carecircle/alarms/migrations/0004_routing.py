# Issue 18, routing: alarm-receiving centres with their overflow centre and ring thresholds,
# operators' shifts (signed on / off), and the rings of waiting incidents (once per stage).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alarms", "0003_policy_service_levels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Centre",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(max_length=12, unique=True, verbose_name="所属区县")),
                ("name", models.CharField(max_length=100, verbose_name="名称")),
                (
                    "ring_after_seconds",
                    models.PositiveIntegerField(default=20, verbose_name="未接警振铃本中心空闲坐席（秒）"),
                ),
                (
                    "overflow_after_seconds",
                    models.PositiveIntegerField(default=60, verbose_name="未接警振铃溢出中心（秒）"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "overflow",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="alarms.centre",
                        verbose_name="溢出中心",
                    ),
                ),
            ],
            options={
                "verbose_name": "接警中心",
                "verbose_name_plural": "接警中心",
                "ordering": ["region_code"],
            },
        ),
        migrations.CreateModel(
            name="Ring",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12)),
                (
                    "stage",
                    models.PositiveSmallIntegerField(choices=[(1, "本中心空闲坐席"), (2, "溢出中心坐席")]),
                ),
                ("at", models.DateTimeField()),
                ("operators", models.JSONField(blank=True, default=list)),
                (
                    "centre",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="rings", to="alarms.centre"
                    ),
                ),
                (
                    "incident",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rings",
                        to="alarms.incident",
                    ),
                ),
            ],
            options={"ordering": ["at", "id"]},
        ),
        migrations.CreateModel(
            name="Shift",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12)),
                ("started_at", models.DateTimeField(verbose_name="上岗时间")),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="下岗时间")),
                (
                    "centre",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="shifts", to="alarms.centre"
                    ),
                ),
                (
                    "operator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="alarm_shifts",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "坐席班次",
                "verbose_name_plural": "坐席班次",
                "ordering": ["-started_at"],
            },
        ),
        migrations.AddConstraint(
            model_name="centre",
            constraint=models.CheckConstraint(
                condition=models.Q(("overflow", models.F("id")), _negated=True),
                name="alarm_centre_overflow_not_self",
            ),
        ),
        migrations.AddIndex(
            model_name="ring",
            index=models.Index(fields=["centre", "at"], name="alarm_ring_centre"),
        ),
        migrations.AddConstraint(
            model_name="ring",
            constraint=models.UniqueConstraint(
                fields=("incident", "stage"), name="alarm_ring_once_per_stage"
            ),
        ),
        migrations.AddIndex(
            model_name="shift",
            index=models.Index(fields=["centre", "ended_at"], name="alarm_shift_centre"),
        ),
        migrations.AddConstraint(
            model_name="shift",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ended_at__isnull", True)),
                fields=("operator",),
                name="alarm_one_open_shift",
            ),
        ),
    ]
