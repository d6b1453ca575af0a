import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import carecircle.core.vault


class Migration(migrations.Migration):
    dependencies = [
        ("careathome", "0001_initial"),
        ("homecare", "0007_mask_remask"),
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
        migrations.CreateModel(
            name="LtcCarePlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="所属社区")),
                ("weekdays", models.CharField(max_length=7, verbose_name="服务日(1-7)")),
                ("start_time", models.TimeField(verbose_name="开始时间")),
                ("valid_from", models.DateField(verbose_name="起始日期")),
                ("valid_to", models.DateField(verbose_name="终止日期")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plans",
                        to="careathome.ltcassessment",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="homecare.serviceitem",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ltc_plans",
                        to="registry.person",
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="homecare.provider"
                    ),
                ),
            ],
            options={
                "verbose_name": "长期护理照护计划",
                "verbose_name_plural": "长期护理照护计划",
            },
        ),
        migrations.CreateModel(
            name="LtcEntitlement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("city_code", models.CharField(max_length=12, verbose_name="城市")),
                ("level", models.PositiveSmallIntegerField(verbose_name="失能等级")),
                ("hours_per_month", models.PositiveSmallIntegerField(verbose_name="每月服务时长(小时)")),
                ("fund_percent", models.PositiveSmallIntegerField(verbose_name="基金支付比例(%)")),
                ("ledger_programme", models.CharField(max_length=50, verbose_name="入账项目代码")),
                ("source", models.CharField(max_length=300, verbose_name="依据文件")),
            ],
            options={
                "verbose_name": "长期护理待遇标准",
                "verbose_name_plural": "长期护理待遇标准",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("city_code", "level"), name="ltc_one_entitlement_per_level"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("fund_percent__lte", 100)), name="ltc_fund_percent_max"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="LtcPlanOrder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(verbose_name="服务日")),
                ("level", models.PositiveSmallIntegerField(verbose_name="失能等级")),
                (
                    "order",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="homecare.order"
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="orders",
                        to="careathome.ltccareplan",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("plan", "day"), name="ltc_one_order_per_plan_day")
                ],
            },
        ),
        migrations.CreateModel(
            name="LtcSettlement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(verbose_name="结算月份")),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="所属地区")),
                ("visits", models.PositiveIntegerField(default=0, verbose_name="核验通过的服务次数")),
                ("minutes", models.PositiveIntegerField(default=0, verbose_name="服务时长(分钟)")),
                (
                    "total",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="服务费用合计"
                    ),
                ),
                (
                    "fund_amount",
                    models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name="基金支付"),
                ),
                (
                    "own_amount",
                    models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name="个人自付"),
                ),
                ("held_count", models.PositiveIntegerField(default=0, verbose_name="争议暂缓次数")),
                (
                    "held_amount",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="争议暂缓金额"
                    ),
                ),
                ("ledger_reference", models.CharField(blank=True, max_length=120, verbose_name="入账凭据")),
                ("posted_at", models.DateTimeField(blank=True, null=True, verbose_name="入账时间")),
                (
                    "provider",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="homecare.provider"
                    ),
                ),
                (
                    "settled_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "长期护理月度结算",
                "verbose_name_plural": "长期护理月度结算",
                "constraints": [
                    models.UniqueConstraint(fields=("provider", "month"), name="ltc_one_settlement_per_month")
                ],
            },
        ),
    ]
