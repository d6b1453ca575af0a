# Device care and call quality audit (issue 18, items 4 and 6): device test signals and the
# operator's test calls; the monthly call audit sample, its reviews and the checklist (data, loaded here).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def load_checklist(apps, schema_editor):
    from carecircle.alarms.checklist import checklist_sync

    checklist_sync(apps.get_model("alarms", "CallAuditItem"))


class Migration(migrations.Migration):
    dependencies = [
        ("alarms", "0005_outreach"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CallAuditItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="代码")),
                ("label", models.CharField(max_length=100, verbose_name="检查项")),
                ("hint", models.CharField(blank=True, max_length=300, verbose_name="说明")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="顺序")),
                ("weight", models.PositiveSmallIntegerField(default=1, verbose_name="分值权重")),
                ("active", models.BooleanField(default=True, verbose_name="在用")),
            ],
            options={
                "verbose_name": "通话质检项",
                "verbose_name_plural": "通话质检项",
                "ordering": ["order", "id"],
            },
        ),
        migrations.CreateModel(
            name="CallAuditDraw",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(unique=True, verbose_name="月份")),
                ("seed", models.CharField(max_length=64, verbose_name="随机种子")),
                ("per_operator", models.PositiveSmallIntegerField(default=2, verbose_name="每名坐席抽取")),
                ("handled", models.PositiveIntegerField(default=0, verbose_name="当月办结警情")),
                ("drawn_at", models.DateTimeField(verbose_name="抽取时间")),
                (
                    "drawn_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "通话质检抽样",
                "verbose_name_plural": "通话质检抽样",
                "ordering": ["-month"],
            },
        ),
        migrations.CreateModel(
            name="CallAudit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="所属社区")),
                ("ticket", models.CharField(max_length=64)),
                (
                    "state",
                    models.CharField(
                        choices=[("pending", "待评审"), ("reviewed", "已评审")],
                        default="pending",
                        max_length=12,
                        verbose_name="状态",
                    ),
                ),
                ("reviewed_at", models.DateTimeField(blank=True, null=True, verbose_name="评审时间")),
                ("score", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="得分")),
                ("passed", models.BooleanField(blank=True, null=True, verbose_name="合格")),
                ("comment", models.CharField(blank=True, max_length=1000, verbose_name="评语")),
                (
                    "incident",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="call_audits",
                        to="alarms.incident",
                    ),
                ),
                (
                    "operator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "draw",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="audits",
                        to="alarms.callauditdraw",
                    ),
                ),
            ],
            options={
                "verbose_name": "通话质检",
                "verbose_name_plural": "通话质检",
                "ordering": ["-draw__month", "operator_id", "ticket"],
            },
        ),
        migrations.CreateModel(
            name="CallAuditAnswer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("passed", models.BooleanField(verbose_name="通过")),
                (
                    "audit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="alarms.callaudit",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="alarms.callaudititem",
                    ),
                ),
            ],
            options={
                "ordering": ["item__order", "item_id"],
            },
        ),
        migrations.CreateModel(
            name="DeviceTestCall",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="所属社区")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("waiting", "等待测试信号"),
                            ("passed", "测试通过"),
                            ("failed", "测试未通过"),
                        ],
                        default="waiting",
                        max_length=12,
                        verbose_name="结果",
                    ),
                ),
                ("started_at", models.DateTimeField(verbose_name="发起时间")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="完成时间")),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="说明")),
                (
                    "device",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="test_calls",
                        to="alarms.device",
                    ),
                ),
                (
                    "finished_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "started_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "设备测试呼叫",
                "verbose_name_plural": "设备测试呼叫",
                "ordering": ["-started_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="DeviceTest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12)),
                ("test_id", models.CharField(max_length=64, verbose_name="测试编号")),
                (
                    "source",
                    models.CharField(
                        choices=[("device", "设备测试信号"), ("operator", "坐席电话确认")],
                        default="device",
                        max_length=12,
                        verbose_name="方式",
                    ),
                ),
                ("device_time", models.DateTimeField(verbose_name="设备时间")),
                ("received_at", models.DateTimeField(verbose_name="接收时间")),
                ("battery", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="电量%")),
                (
                    "device",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="tests", to="alarms.device"
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="tests",
                        to="alarms.devicetestcall",
                    ),
                ),
            ],
            options={
                "verbose_name": "设备测试",
                "verbose_name_plural": "设备测试",
                "ordering": ["-received_at", "-id"],
            },
        ),
        migrations.AddConstraint(
            model_name="callaudit",
            constraint=models.UniqueConstraint(fields=("draw", "incident"), name="alarm_call_audit_once"),
        ),
        migrations.AddConstraint(
            model_name="callauditanswer",
            constraint=models.UniqueConstraint(fields=("audit", "item"), name="alarm_call_audit_answer_once"),
        ),
        migrations.AddConstraint(
            model_name="devicetestcall",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "waiting")),
                fields=("device",),
                name="alarm_one_waiting_test_call",
            ),
        ),
        migrations.AddIndex(
            model_name="devicetest",
            index=models.Index(fields=["device", "received_at"], name="alarm_device_test_time"),
        ),
        migrations.AddConstraint(
            model_name="devicetest",
            constraint=models.UniqueConstraint(fields=("device", "test_id"), name="alarm_device_test_once"),
        ),
        migrations.RunPython(load_checklist, migrations.RunPython.noop),
    ]
