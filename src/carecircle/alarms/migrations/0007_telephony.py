# Issue 18, item 5 (caller screen-pop): the telephone system's trunks and the operators' extensions,
# each inbound call as the trunk reported it, and every call event once (by trunk and event id).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import carecircle.core.vault


class Migration(migrations.Migration):
    dependencies = [
        ("alarms", "0006_device_care"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Trunk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="名称")),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="服务区划")),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("active", models.BooleanField(default=True, verbose_name="在用")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"verbose_name": "电话中继", "verbose_name_plural": "电话中继"},
        ),
        migrations.CreateModel(
            name="Extension",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=20, verbose_name="分机号")),
                (
                    "trunk",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="extensions",
                        to="alarms.trunk",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "坐席分机",
                "verbose_name_plural": "坐席分机",
                "constraints": [
                    models.UniqueConstraint(fields=("trunk", "number"), name="alarm_extension_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="Call",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="服务区划")),
                ("call_ref", models.CharField(max_length=64, verbose_name="呼叫编号")),
                ("caller", carecircle.core.vault.EncryptedTextField(blank=True, verbose_name="来电号码")),
                ("caller_masked", models.CharField(blank=True, max_length=20, verbose_name="来电号码")),
                ("caller_index", models.CharField(blank=True, db_index=True, max_length=64)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("ringing", "振铃中"),
                            ("answered", "通话中"),
                            ("ended", "已结束"),
                            ("missed", "未接听"),
                        ],
                        default="ringing",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("ringing_at", models.DateTimeField(blank=True, null=True, verbose_name="振铃时间")),
                ("answered_at", models.DateTimeField(blank=True, null=True, verbose_name="接听时间")),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="挂断时间")),
                ("operator_at", models.DateTimeField(blank=True, null=True)),
                ("extension", models.CharField(blank=True, max_length=20, verbose_name="分机号")),
                ("dismissed_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "incident",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="calls",
                        to="alarms.incident",
                    ),
                ),
                (
                    "operator",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "trunk",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="calls", to="alarms.trunk"
                    ),
                ),
            ],
            options={
                "verbose_name": "来电",
                "verbose_name_plural": "来电",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(fields=("trunk", "call_ref"), name="alarm_call_once")
                ],
                "indexes": [models.Index(fields=["operator", "answered_at"], name="alarm_call_operator")],
            },
        ),
        migrations.CreateModel(
            name="CallEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12)),
                ("event_id", models.CharField(max_length=64, verbose_name="事件编号")),
                (
                    "kind",
                    models.CharField(
                        choices=[("ringing", "振铃"), ("answered", "接听"), ("ended", "挂断")],
                        max_length=10,
                        verbose_name="事件",
                    ),
                ),
                ("at", models.DateTimeField(verbose_name="发生时间")),
                ("received_at", models.DateTimeField(verbose_name="接收时间")),
                ("late", models.BooleanField(default=False)),
                ("digest", models.CharField(max_length=64)),
                ("detail", models.JSONField(blank=True, default=dict)),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="events", to="alarms.call"
                    ),
                ),
                (
                    "trunk",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="events", to="alarms.trunk"
                    ),
                ),
            ],
            options={
                "ordering": ["at", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("trunk", "event_id"), name="alarm_call_event_once")
                ],
            },
        ),
    ]
