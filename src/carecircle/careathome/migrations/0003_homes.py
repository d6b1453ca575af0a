"""Home adaptation cases and assistive-device rental (careathome/models/homes.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("careathome", "0002_ltc"),
        ("registry", "0010_family_link_consent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AdaptationItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=30, unique=True, verbose_name="项目代码")),
                ("number", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="清单序号")),
                (
                    "group",
                    models.CharField(
                        choices=[
                            ("floor", "地面改造"),
                            ("door", "门改造"),
                            ("bedroom", "卧室改造"),
                            ("bathroom", "如厕洗浴设备改造"),
                            ("kitchen", "厨房设备改造"),
                            ("environment", "物理环境改造"),
                            ("supplies", "老年用品配置"),
                        ],
                        max_length=20,
                        verbose_name="类别",
                    ),
                ),
                ("name", models.CharField(max_length=60, verbose_name="项目名称")),
                (
                    "kind",
                    models.CharField(
                        choices=[("basic", "基础类（政府补贴）"), ("optional", "可选类（自主付费）")],
                        max_length=10,
                        verbose_name="项目类型",
                    ),
                ),
                ("source", models.CharField(max_length=300, verbose_name="依据")),
            ],
            options={
                "verbose_name": "适老化改造项目",
                "verbose_name_plural": "适老化改造项目",
                "ordering": ["group", "number", "code"],
            },
        ),
        migrations.CreateModel(
            name="Contractor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="单位名称")),
                (
                    "credit_code",
                    models.CharField(max_length=18, unique=True, verbose_name="统一社会信用代码"),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="登记区划")),
                ("registered_on", models.DateField(verbose_name="登记日期")),
                ("active", models.BooleanField(default=True, verbose_name="在册")),
            ],
            options={
                "verbose_name": "改造施工单位",
                "verbose_name_plural": "改造施工单位",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="DeviceType",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=30, unique=True, verbose_name="辅具代码")),
                ("name", models.CharField(max_length=60, verbose_name="辅具名称")),
                (
                    "monthly_rent",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="月租金（元）"),
                ),
                ("demo", models.BooleanField(default=True, verbose_name="示例租金")),
            ],
            options={
                "verbose_name": "康复辅具品类",
                "verbose_name_plural": "康复辅具品类",
                "ordering": ["code"],
            },
        ),
        migrations.CreateModel(
            name="RentalPoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="租赁点名称")),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="所在社区")),
            ],
            options={
                "verbose_name": "辅具租赁点",
                "verbose_name_plural": "辅具租赁点",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="AdaptationCase",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="所属社区")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("application", "本人或家属申请"),
                            ("visit", "探访转介"),
                            ("assessment", "评估转介"),
                            ("rule", "规则筛查"),
                        ],
                        max_length=12,
                        verbose_name="来源",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("applied", "已申请"),
                            ("assessed", "已入户评估"),
                            ("planned", "已制定方案"),
                            ("approved", "已审批"),
                            ("works", "施工中"),
                            ("accepted", "已验收"),
                            ("paid", "补贴已支付"),
                            ("refused", "不予受理"),
                        ],
                        default="applied",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("tier", models.CharField(max_length=60, verbose_name="补贴档位")),
                ("cap", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="补贴上限（元）")),
                ("assessment_note", models.CharField(blank=True, max_length=500, verbose_name="评估意见")),
                (
                    "total",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="方案合计（元）"
                    ),
                ),
                (
                    "subsidy",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="政府补贴（元）"
                    ),
                ),
                (
                    "own_share",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="个人自付（元）"
                    ),
                ),
                ("signature", models.CharField(blank=True, max_length=60, verbose_name="签字确认")),
                ("refusal_reason", models.CharField(blank=True, max_length=300, verbose_name="不予受理原因")),
                ("ledger_reference", models.CharField(blank=True, max_length=60, verbose_name="记账凭证号")),
                ("applied_on", models.DateField(verbose_name="申请日期")),
                ("approved_at", models.DateTimeField(blank=True, null=True, verbose_name="审批时间")),
                ("accepted_at", models.DateTimeField(blank=True, null=True, verbose_name="验收时间")),
                ("paid_at", models.DateTimeField(blank=True, null=True, verbose_name="支付时间")),
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
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="adaptation_cases",
                        to="registry.person",
                    ),
                ),
                (
                    "contractor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="careathome.contractor",
                        verbose_name="施工单位",
                    ),
                ),
            ],
            options={
                "verbose_name": "适老化改造个案",
                "verbose_name_plural": "适老化改造个案",
                "ordering": ["-applied_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="AdaptationPhoto",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("assessment", "入户评估"),
                            ("before", "改造前"),
                            ("after", "改造后"),
                            ("signature", "本人签字"),
                        ],
                        max_length=12,
                        verbose_name="阶段",
                    ),
                ),
                ("file", models.CharField(max_length=64)),
                ("taken_at", models.DateTimeField(auto_now_add=True)),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="photos",
                        to="careathome.adaptationcase",
                    ),
                ),
            ],
            options={
                "ordering": ["stage", "id"],
            },
        ),
        migrations.CreateModel(
            name="DeviceUnit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("serial", models.CharField(max_length=40, unique=True, verbose_name="序列号")),
                ("region_code", models.CharField(db_index=True, max_length=12)),
                (
                    "condition",
                    models.CharField(
                        choices=[
                            ("ready", "可出租"),
                            ("rented", "在租"),
                            ("to_clean", "待清洗消毒"),
                            ("in_repair", "维修中"),
                            ("retired", "已报废"),
                        ],
                        default="ready",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                (
                    "device_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="units",
                        to="careathome.devicetype",
                        verbose_name="品类",
                    ),
                ),
                (
                    "point",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="units",
                        to="careathome.rentalpoint",
                        verbose_name="租赁点",
                    ),
                ),
            ],
            options={
                "verbose_name": "辅具",
                "verbose_name_plural": "辅具",
                "ordering": ["serial"],
            },
        ),
        migrations.CreateModel(
            name="PlanLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("quantity", models.PositiveIntegerField(verbose_name="数量")),
                (
                    "unit_price",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="单价（元）"),
                ),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="金额（元）")),
                ("subsidised", models.BooleanField(verbose_name="纳入补贴")),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lines",
                        to="careathome.adaptationcase",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="careathome.adaptationitem",
                        verbose_name="项目",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="RentalContract",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12)),
                (
                    "monthly_rent",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="月租金（元）"),
                ),
                (
                    "subsidy_rate",
                    models.DecimalField(decimal_places=2, max_digits=4, verbose_name="补贴比例"),
                ),
                ("subsidy_basis", models.CharField(blank=True, max_length=100, verbose_name="补贴依据")),
                ("delivered_on", models.DateField(verbose_name="交付日期")),
                ("due_back", models.DateField(verbose_name="约定归还日期")),
                ("returned_on", models.DateField(blank=True, null=True, verbose_name="归还日期")),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rentals",
                        to="registry.person",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="contracts",
                        to="careathome.deviceunit",
                        verbose_name="辅具",
                    ),
                ),
            ],
            options={
                "verbose_name": "辅具租赁合同",
                "verbose_name_plural": "辅具租赁合同",
                "ordering": ["-delivered_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="RentalBill",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.CharField(max_length=7, verbose_name="账期")),
                ("rent", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="租金（元）")),
                ("subsidy", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="补贴（元）")),
                (
                    "own_share",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="个人自付（元）"),
                ),
                (
                    "contract",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bills",
                        to="careathome.rentalcontract",
                    ),
                ),
            ],
            options={
                "ordering": ["month"],
            },
        ),
        migrations.CreateModel(
            name="AdaptationPrice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="适用区划")),
                (
                    "price",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="参考单价（元）"),
                ),
                ("unit", models.CharField(max_length=10, verbose_name="计价单位")),
                ("demo", models.BooleanField(default=True, verbose_name="示例价格")),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="prices",
                        to="careathome.adaptationitem",
                    ),
                ),
            ],
            options={
                "verbose_name": "改造项目价格",
                "verbose_name_plural": "改造项目价格",
                "constraints": [
                    models.UniqueConstraint(fields=("item", "region_code"), name="adaptation_price_once")
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="adaptationcase",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("status__in", ["applied", "assessed", "planned", "approved", "works", "accepted"])
                ),
                fields=("person",),
                name="adaptation_case_one_open",
            ),
        ),
        migrations.AddConstraint(
            model_name="adaptationcase",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ledger_reference", ""), _negated=True),
                fields=("ledger_reference",),
                name="adaptation_paid_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="planline",
            constraint=models.UniqueConstraint(fields=("case", "item"), name="adaptation_line_once"),
        ),
        migrations.AddConstraint(
            model_name="rentalcontract",
            constraint=models.UniqueConstraint(
                condition=models.Q(("returned_on__isnull", True)),
                fields=("unit",),
                name="rental_unit_once_out",
            ),
        ),
        migrations.AddConstraint(
            model_name="rentalbill",
            constraint=models.UniqueConstraint(fields=("contract", "month"), name="rental_bill_once"),
        ),
    ]
