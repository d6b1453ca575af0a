# The credit tables of issue 20 item 5 (reserved in the chain; see 0003's note), and the default
# published method (oversight/credit.py: DEFAULT_*), loaded as data an official may edit.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _defaults(apps, schema_editor):  # noqa: ARG001 — Django's RunPython signature
    from carecircle.oversight.credit import load_defaults

    load_defaults(
        apps.get_model("oversight", "CreditRule"),
        apps.get_model("oversight", "CreditAgeBand"),
        apps.get_model("oversight", "CreditRankWeight"),
        apps.get_model("oversight", "CreditGradeBand"),
    )


class Migration(migrations.Migration):
    dependencies = [("oversight", "0003_inspections")]

    operations = [
        migrations.CreateModel(
            name="CreditGradeBand",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "grade",
                    models.CharField(
                        choices=[
                            ("A", "A 级（守信）"),
                            ("B", "B 级（基本守信）"),
                            ("C", "C 级（失信风险）"),
                            ("D", "D 级（严重失信）"),
                        ],
                        max_length=1,
                        unique=True,
                        verbose_name="信用等级",
                    ),
                ),
                ("min_score", models.DecimalField(decimal_places=2, max_digits=6, verbose_name="最低分")),
            ],
            options={
                "verbose_name": "信用等级分档",
                "verbose_name_plural": "信用等级分档",
                "ordering": ["-min_score"],
            },
        ),
        migrations.CreateModel(
            name="CreditRankWeight",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("rank", models.PositiveSmallIntegerField(unique=True, verbose_name="最近第几次")),
                ("weight", models.DecimalField(decimal_places=4, max_digits=5, verbose_name="权重")),
            ],
            options={
                "verbose_name": "检查结果权重",
                "verbose_name_plural": "检查结果权重",
                "ordering": ["rank"],
            },
        ),
        migrations.CreateModel(
            name="CreditRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("penalty", "行政处罚"),
                            ("complaint", "服务投诉"),
                            ("visit_exception", "上门服务异常经核实"),
                            ("inspection", "监督检查结果"),
                            ("rectify_on_time", "按期完成整改"),
                            ("rectify_late", "逾期整改"),
                        ],
                        max_length=20,
                        unique=True,
                        verbose_name="事件类别",
                    ),
                ),
                ("points", models.DecimalField(decimal_places=2, max_digits=7, verbose_name="分值")),
                (
                    "weighting",
                    models.CharField(
                        choices=[("age", "按发生时间衰减"), ("rank", "按最近第几次检查加权")],
                        default="age",
                        max_length=4,
                        verbose_name="加权方式",
                    ),
                ),
                ("basis", models.CharField(blank=True, max_length=300, verbose_name="说明")),
            ],
            options={
                "verbose_name": "信用评价规则",
                "verbose_name_plural": "信用评价规则",
                "ordering": ["kind"],
            },
        ),
        migrations.CreateModel(
            name="CreditAgeBand",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("months", models.PositiveSmallIntegerField(unique=True, verbose_name="月数以内")),
                ("factor", models.DecimalField(decimal_places=4, max_digits=5, verbose_name="权重")),
            ],
            options={
                "verbose_name": "信用事件时间衰减",
                "verbose_name_plural": "信用事件时间衰减",
                "ordering": ["months"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("factor__gte", 0), ("factor__lte", 1)),
                        name="oversight_credit_age_0_1",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CreditEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("penalty", "行政处罚"),
                            ("complaint", "服务投诉"),
                            ("visit_exception", "上门服务异常经核实"),
                            ("inspection", "监督检查结果"),
                            ("rectify_on_time", "按期完成整改"),
                            ("rectify_late", "逾期整改"),
                        ],
                        max_length=20,
                        verbose_name="事件类别",
                    ),
                ),
                ("on", models.DateField(verbose_name="发生日期")),
                ("points", models.DecimalField(decimal_places=2, max_digits=7, verbose_name="分值")),
                ("source_module", models.CharField(max_length=30, verbose_name="来源模块")),
                ("source_id", models.BigIntegerField(verbose_name="来源记录")),
                ("text", models.CharField(max_length=500, verbose_name="事由")),
                ("voided", models.BooleanField(default=False, verbose_name="已撤销")),
                ("voided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "original_points",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=7, null=True),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credit_events",
                        to="oversight.unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "信用事件",
                "verbose_name_plural": "信用事件",
                "ordering": ["-on", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="CreditCorrection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12)),
                (
                    "action",
                    models.CharField(
                        choices=[("remove", "撤销该记录"), ("correct", "更正分值")],
                        max_length=8,
                        verbose_name="申请事项",
                    ),
                ),
                (
                    "new_points",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=7, null=True, verbose_name="更正后分值"
                    ),
                ),
                ("reason", models.CharField(max_length=500, verbose_name="申请理由")),
                (
                    "state",
                    models.CharField(
                        choices=[("pending", "待审核"), ("approved", "已同意"), ("refused", "不同意")],
                        default="pending",
                        max_length=8,
                        verbose_name="状态",
                    ),
                ),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.CharField(blank=True, max_length=300, verbose_name="审核意见")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="oversight.unit"
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="corrections",
                        to="oversight.creditevent",
                    ),
                ),
            ],
            options={
                "verbose_name": "信用修复申请",
                "verbose_name_plural": "信用修复申请",
                "ordering": ["-requested_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="CreditScore",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("score", models.DecimalField(decimal_places=2, max_digits=6, verbose_name="信用分")),
                (
                    "grade",
                    models.CharField(
                        choices=[
                            ("A", "A 级（守信）"),
                            ("B", "B 级（基本守信）"),
                            ("C", "C 级（失信风险）"),
                            ("D", "D 级（严重失信）"),
                        ],
                        max_length=1,
                        verbose_name="信用等级",
                    ),
                ),
                ("reasons", models.JSONField(default=list)),
                ("computed_on", models.DateField(verbose_name="计算日期")),
                (
                    "unit",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="credit_score",
                        to="oversight.unit",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Penalty",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12)),
                ("decision_no", models.CharField(max_length=60, unique=True, verbose_name="处罚决定书文号")),
                ("decided_on", models.DateField(verbose_name="处罚日期")),
                ("authority", models.CharField(max_length=100, verbose_name="处罚机关")),
                (
                    "fine",
                    models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name="罚款金额"),
                ),
                ("text", models.CharField(max_length=500, verbose_name="违法事实及处罚内容")),
                ("entered_at", models.DateTimeField(auto_now_add=True)),
                (
                    "entered_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="penalties",
                        to="oversight.unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "行政处罚",
                "verbose_name_plural": "行政处罚",
                "ordering": ["-decided_on", "-pk"],
            },
        ),
        migrations.AddIndex(
            model_name="creditevent",
            index=models.Index(fields=["unit", "on"], name="oversight_credit_unit_on"),
        ),
        migrations.AddConstraint(
            model_name="creditevent",
            constraint=models.UniqueConstraint(
                fields=("kind", "source_module", "source_id"), name="oversight_credit_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="creditcorrection",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "pending")),
                fields=("event",),
                name="oversight_correction_one_pending",
            ),
        ),
        migrations.RunPython(_defaults, migrations.RunPython.noop),
    ]
