import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import carecircle.core.vault


class Migration(migrations.Migration):
    dependencies = [
        ("careathome", "0001_initial"),
        ("registry", "0010_family_link_consent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LtcAssessment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="所属社区")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("applied", "已申请待受理"),
                            ("refused", "不予受理"),
                            ("accepted", "已受理待评估"),
                            ("notice", "结论公示中"),
                            ("review", "异议复评中"),
                            ("delivered", "结果已送达"),
                        ],
                        default="applied",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                (
                    "applicant_kind",
                    models.CharField(
                        choices=[
                            ("self", "本人"),
                            ("family", "家属或监护人"),
                            ("worker", "社区工作人员代办"),
                        ],
                        max_length=10,
                        verbose_name="申请人",
                    ),
                ),
                ("applicant_name", carecircle.core.vault.EncryptedTextField(verbose_name="申请人姓名")),
                ("applied_on", models.DateField(verbose_name="申请日期")),
                (
                    "fee",
                    models.DecimalField(decimal_places=2, default=0, max_digits=10, verbose_name="评估费"),
                ),
                (
                    "refusal_reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("not_insured", "未参加长期护理保险"),
                            ("not_eligible", "不符合待遇享受条件"),
                            ("not_covered", "发生的护理服务费用不属于长期护理保险基金支付范围"),
                            ("incomplete", "申报材料不全或提供虚假材料"),
                            ("other", "其他不予受理的情形"),
                        ],
                        max_length=20,
                        verbose_name="不予受理原因",
                    ),
                ),
                ("refusal_note", models.CharField(blank=True, max_length=300, verbose_name="说明")),
                ("decided_on", models.DateField(blank=True, null=True, verbose_name="受理或不予受理日期")),
                ("assess_by", models.DateField(blank=True, null=True, verbose_name="现场评估截止日期")),
                ("round", models.PositiveSmallIntegerField(default=1, verbose_name="评估轮次")),
                ("level", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="失能等级")),
                ("dimensions", models.JSONField(blank=True, default=list, verbose_name="一级指标得分与等级")),
                ("concluded_on", models.DateField(blank=True, null=True, verbose_name="结论日期")),
                ("notice_until", models.DateField(blank=True, null=True, verbose_name="公示截止日期")),
                ("objection_note", models.CharField(blank=True, max_length=300, verbose_name="异议理由")),
                ("objected_on", models.DateField(blank=True, null=True, verbose_name="异议日期")),
                ("delivered_on", models.DateField(blank=True, null=True, verbose_name="送达日期")),
                ("valid_until", models.DateField(blank=True, null=True, verbose_name="有效期至")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "applied_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ltc_assessments",
                        to="registry.person",
                    ),
                ),
            ],
            options={
                "verbose_name": "长期护理失能等级评估",
                "verbose_name_plural": "长期护理失能等级评估",
            },
        ),
        migrations.CreateModel(
            name="LtcAssessorRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("round", models.PositiveSmallIntegerField(verbose_name="评估轮次")),
                ("answers", models.JSONField(verbose_name="各项指标得分")),
                ("level", models.PositiveSmallIntegerField(verbose_name="失能等级")),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="records",
                        to="careathome.ltcassessment",
                    ),
                ),
                (
                    "assessor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "长期护理现场评估记录",
                "verbose_name_plural": "长期护理现场评估记录",
            },
        ),
        migrations.CreateModel(
            name="LtcRules",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("city_code", models.CharField(max_length=12, unique=True, verbose_name="城市")),
                ("source", models.CharField(max_length=300, verbose_name="依据文件")),
                ("accept_days", models.PositiveSmallIntegerField(verbose_name="受理时限(日)")),
                ("assess_days", models.PositiveSmallIntegerField(verbose_name="受理后现场评估时限(日)")),
                ("notice_days", models.PositiveSmallIntegerField(verbose_name="公示期(日)")),
                ("validity_months", models.PositiveSmallIntegerField(verbose_name="评估结论有效期(月)")),
                (
                    "repeat_months",
                    models.PositiveSmallIntegerField(verbose_name="同一目的不重复评估的期间(月)"),
                ),
                (
                    "fee_first",
                    models.DecimalField(decimal_places=2, max_digits=10, verbose_name="首次评估费"),
                ),
                (
                    "fee_objection",
                    models.DecimalField(decimal_places=2, max_digits=10, verbose_name="异议复评费"),
                ),
                (
                    "capability_map",
                    models.JSONField(blank=True, default=dict, verbose_name="与老年人能力等级对应"),
                ),
                ("loaded_at", models.DateTimeField(auto_now=True, verbose_name="录入时间")),
                (
                    "loaded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "长期护理评估时限与费用",
                "verbose_name_plural": "长期护理评估时限与费用",
            },
        ),
        migrations.CreateModel(
            name="LtcScaleTable",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("city_code", models.CharField(max_length=12, unique=True, verbose_name="城市")),
                ("source", models.CharField(max_length=300, verbose_name="正式文本出处")),
                ("data", models.JSONField(verbose_name="评分表")),
                ("loaded_at", models.DateTimeField(auto_now=True, verbose_name="录入时间")),
                (
                    "loaded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "长期护理失能等级评分表",
                "verbose_name_plural": "长期护理失能等级评分表",
            },
        ),
        migrations.AddIndex(
            model_name="ltcassessment",
            index=models.Index(fields=["status", "region_code"], name="ltc_status_region"),
        ),
        migrations.AddConstraint(
            model_name="ltcassessment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["applied", "accepted", "notice", "review"])),
                fields=("person",),
                name="ltc_one_open_application",
            ),
        ),
        migrations.AddConstraint(
            model_name="ltcassessorrecord",
            constraint=models.UniqueConstraint(
                fields=("assessment", "round", "assessor"), name="ltc_one_record_per_assessor"
            ),
        ),
    ]
