"""What a credit grade brings (CreditEffect, Jiaxing 三(三)), with the default table; overdue
rectification notices escalated to the district (Escalation)."""

import django.db.models.deletion
from django.db import migrations, models

from carecircle.oversight.models.effects import load_defaults


def _defaults(apps, schema_editor):  # noqa: ARG001 — Django's RunPython signature
    load_defaults(apps.get_model("oversight", "CreditEffect"))


class Migration(migrations.Migration):
    dependencies = [("oversight", "0005_warnings")]

    operations = [
        migrations.CreateModel(
            name="CreditEffect",
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
                ("subsidy", models.BooleanField(default=True, verbose_name="可享受等级补助")),
                ("puhui", models.BooleanField(default=True, verbose_name="可认定普惠")),
                (
                    "order_rank",
                    models.PositiveSmallIntegerField(default=2, verbose_name="选择服务机构时的排序"),
                ),
                (
                    "basis",
                    models.CharField(
                        default="Jiaxing 三(三)：建立监管结果与星级评定、政府补贴以及行业准入退出等挂钩的联动机制，实施失信联合惩戒",
                        max_length=300,
                        verbose_name="依据",
                    ),
                ),
            ],
            options={
                "verbose_name": "信用结果运用",
                "verbose_name_plural": "信用结果运用",
                "ordering": ["grade"],
            },
        ),
        migrations.RunPython(_defaults, migrations.RunPython.noop),
        migrations.CreateModel(
            name="Escalation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12)),
                ("district_code", models.CharField(db_index=True, max_length=12, verbose_name="督办区县")),
                ("escalated_at", models.DateTimeField(verbose_name="上报时间")),
                ("days_overdue", models.PositiveIntegerField(verbose_name="上报时逾期天数")),
                (
                    "finding",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="escalation",
                        to="oversight.finding",
                        verbose_name="整改通知",
                    ),
                ),
            ],
            options={
                "verbose_name": "逾期整改上报",
                "verbose_name_plural": "逾期整改上报",
                "ordering": ["-escalated_at", "pk"],
            },
        ),
    ]
