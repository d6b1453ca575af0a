import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0003_register"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Course",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=100, verbose_name="课程名称")),
                ("provider", models.CharField(max_length=100, verbose_name="培训机构")),
                ("hours", models.DecimalField(decimal_places=1, max_digits=5, verbose_name="学时")),
                (
                    "topic",
                    models.CharField(
                        choices=[
                            ("care_skills", "护理技能"),
                            ("safety", "安全与应急"),
                            ("dementia", "认知障碍照护"),
                            ("childcare", "婴幼儿照护"),
                            ("health", "卫生保健"),
                            ("management", "机构管理"),
                            ("ethics", "职业道德"),
                        ],
                        max_length=20,
                        verbose_name="主题",
                    ),
                ),
                ("roles", models.JSONField(default=list, verbose_name="适用岗位")),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="所在区域")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "培训课程",
                "verbose_name_plural": "培训课程",
                "ordering": ["title", "id"],
            },
        ),
        migrations.CreateModel(
            name="IntegrityRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("id_index", models.CharField(db_index=True, max_length=64)),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="所在区域")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("complaint", "经核实的投诉"),
                            ("abuse", "虐待/侵害认定"),
                            ("dismissal", "因过错解除劳动合同"),
                        ],
                        max_length=12,
                        verbose_name="记录类别",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("complaint", "投诉核查"),
                            ("inspection", "监督检查"),
                            ("employer", "用人单位报告"),
                            ("police", "公安/司法机关认定"),
                        ],
                        max_length=12,
                        verbose_name="来源",
                    ),
                ),
                ("source_ref", models.CharField(max_length=100, verbose_name="来源文号")),
                ("occurred_on", models.DateField(verbose_name="发生日期")),
                ("summary", models.CharField(max_length=500, verbose_name="事实摘要")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("in_force", "有效"),
                            ("appealed", "申诉中"),
                            ("upheld", "申诉驳回，维持"),
                            ("overturned", "申诉成立，已撤销"),
                        ],
                        default="in_force",
                        max_length=12,
                        verbose_name="状态",
                    ),
                ),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                ("appeal_reason", models.CharField(blank=True, max_length=500, verbose_name="申诉理由")),
                ("appealed_at", models.DateTimeField(blank=True, null=True, verbose_name="申诉时间")),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="复核时间")),
                ("decision", models.CharField(blank=True, max_length=500, verbose_name="复核意见")),
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
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "worker",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="integrity_records",
                        to="workforce.caregiver",
                    ),
                ),
            ],
            options={
                "verbose_name": "从业人员诚信记录",
                "verbose_name_plural": "从业人员诚信记录",
                "ordering": ["-occurred_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="TrainingSession",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12, verbose_name="所在区域")),
                ("day", models.DateField(verbose_name="培训日期")),
                ("place", models.CharField(blank=True, max_length=100, verbose_name="培训地点")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sessions",
                        to="workforce.course",
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
            ],
            options={
                "verbose_name": "培训场次",
                "verbose_name_plural": "培训场次",
                "ordering": ["-day", "id"],
            },
        ),
        migrations.CreateModel(
            name="Attendance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(db_index=True, max_length=12)),
                ("day", models.DateField(db_index=True, verbose_name="培训日期")),
                ("hours", models.DecimalField(decimal_places=1, max_digits=5, verbose_name="学时")),
                ("passed", models.BooleanField(default=True, verbose_name="考核合格")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "worker",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attendance",
                        to="workforce.caregiver",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attendance",
                        to="workforce.trainingsession",
                    ),
                ),
            ],
            options={
                "verbose_name": "培训签到",
                "verbose_name_plural": "培训签到",
                "ordering": ["-day", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="course",
            constraint=models.CheckConstraint(
                condition=models.Q(("hours__gt", 0), ("hours__lte", 500)), name="course_hours_range"
            ),
        ),
        migrations.AddConstraint(
            model_name="course",
            constraint=models.UniqueConstraint(
                fields=("region_code", "provider", "title"), name="course_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="integrityrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("decided_by__isnull", True),
                    models.Q(("decided_by", models.F("recorded_by")), _negated=True),
                    _connector="OR",
                ),
                name="integrity_appeal_other_official",
            ),
        ),
        migrations.AddConstraint(
            model_name="integrityrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["upheld", "overturned"]), _negated=True),
                    models.Q(("decided_by__isnull", False), models.Q(("decision", ""), _negated=True)),
                    _connector="OR",
                ),
                name="integrity_decided_with_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="integrityrecord",
            constraint=models.UniqueConstraint(
                fields=("worker", "kind", "source_ref"), name="integrity_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="trainingsession",
            constraint=models.UniqueConstraint(fields=("course", "day", "place"), name="session_unique"),
        ),
        migrations.AddIndex(
            model_name="attendance",
            index=models.Index(fields=["worker", "day"], name="attendance_worker_day"),
        ),
        migrations.AddConstraint(
            model_name="attendance",
            constraint=models.UniqueConstraint(fields=("session", "worker"), name="attendance_once"),
        ),
        migrations.AddConstraint(
            model_name="attendance",
            constraint=models.CheckConstraint(
                condition=models.Q(("hours__gt", 0)), name="attendance_hours_positive"
            ),
        ),
    ]
