"""Early warnings (issue 20 item 6): the rules (CEL over signals) and the warnings they raise,
once per rule, subject and month; the default rules come from oversight/warnings.py."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def load_rules(apps, schema_editor):  # noqa: ARG001 — RunPython's signature
    from carecircle.oversight.warnings import load_defaults  # noqa: PLC0415

    load_defaults(apps.get_model("oversight", "WarningRule"))


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0004_credit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="WarningRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="规则名称")),
                (
                    "subject_kind",
                    models.CharField(
                        choices=[("unit", "监管对象"), ("community", "社区")],
                        max_length=10,
                        verbose_name="预警对象",
                    ),
                ),
                ("expression", models.TextField(verbose_name="预警条件（CEL）")),
                (
                    "level",
                    models.CharField(
                        choices=[("low", "一般"), ("medium", "较重"), ("high", "严重")],
                        max_length=8,
                        verbose_name="预警等级",
                    ),
                ),
                (
                    "deadline_days",
                    models.PositiveSmallIntegerField(default=15, verbose_name="处理时限（天）"),
                ),
                ("active", models.BooleanField(default=True, verbose_name="在用")),
            ],
            options={
                "verbose_name": "预警规则",
                "verbose_name_plural": "预警规则",
                "ordering": ["subject_kind", "name"],
            },
        ),
        migrations.CreateModel(
            name="EarlyWarning",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "subject_kind",
                    models.CharField(
                        choices=[("unit", "监管对象"), ("community", "社区")],
                        max_length=10,
                        verbose_name="预警对象",
                    ),
                ),
                ("subject_key", models.CharField(max_length=24)),
                ("subject_name", models.CharField(max_length=120, verbose_name="对象名称")),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="所属社区")),
                ("period", models.CharField(max_length=7, verbose_name="期间")),
                (
                    "level",
                    models.CharField(
                        choices=[("low", "一般"), ("medium", "较重"), ("high", "严重")],
                        max_length=8,
                        verbose_name="预警等级",
                    ),
                ),
                ("signals", models.JSONField(default=dict, verbose_name="触发时的指标")),
                ("raised_at", models.DateTimeField(verbose_name="预警时间")),
                ("deadline", models.DateField(verbose_name="处理时限")),
                (
                    "state",
                    models.CharField(
                        choices=[("open", "待处理"), ("to_inspect", "待检查"), ("dismissed", "已排除")],
                        default="open",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("handled_at", models.DateTimeField(blank=True, null=True, verbose_name="处理时间")),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="处理说明")),
                (
                    "handled_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="warnings",
                        to="oversight.unit",
                    ),
                ),
                (
                    "rule",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="warnings",
                        to="oversight.warningrule",
                    ),
                ),
            ],
            options={
                "verbose_name": "预警",
                "verbose_name_plural": "预警",
                "ordering": ["deadline", "id"],
                "indexes": [models.Index(fields=["state", "deadline"], name="oversight_warning_state")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("rule", "subject_kind", "subject_key", "period"),
                        name="oversight_warning_once",
                    )
                ],
            },
        ),
        migrations.RunPython(load_rules, migrations.RunPython.noop),
    ]
