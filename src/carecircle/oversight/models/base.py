"""Oversight (综合监管): the inspection-item list, the units under supervision, the inspectors'
declared conflicts, the sampling shares by credit grade, and random-draw plans with their result.

一单两库一细则: the item list (InspectionItem), the unit register (Unit, built from facilities and
home-care providers) and the inspector register (users holding the inspector role, with Conflict).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    FACILITY = "facility", _("养老机构及服务设施")
    CHILDCARE = "childcare", _("托育机构")
    HOMECARE = "homecare", _("居家养老服务机构")


class Method(models.TextChoices):
    DOCUMENTS = "documents", _("查资料")
    ON_SITE = "on_site", _("现场查看")
    INTERVIEW = "interview", _("询问")
    SAMPLING = "sampling", _("抽样")


class Risk(models.IntegerChoices):
    LOW = 1, _("低")
    MEDIUM = 2, _("中")
    HIGH = 3, _("高")


class Grade(models.TextChoices):
    A = "A", _("A 级（守信）")
    B = "B", _("B 级（基本守信）")
    C = "C", _("C 级（失信风险）")
    D = "D", _("D 级（严重失信）")


class InspectionItem(models.Model):
    """One line of the 检查事项清单, with the law or standard it rests on."""

    code = models.CharField(_("事项编号"), max_length=20, unique=True)
    title = models.CharField(_("检查事项"), max_length=200)
    basis = models.CharField(_("依据"), max_length=300)
    method = models.CharField(_("检查方式"), max_length=12, choices=Method.choices)
    unit_kinds = models.JSONField(_("适用对象"), default=list)
    risk = models.PositiveSmallIntegerField(_("风险等级"), choices=Risk.choices, default=Risk.MEDIUM)
    major_hazard = models.BooleanField(_("不合格即重大隐患"), default=False)
    active = models.BooleanField(_("在用"), default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("检查事项")
        verbose_name_plural = _("检查事项清单")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Unit(models.Model):
    """A supervised unit: a facility, a childcare centre or a home-care provider."""

    kind = models.CharField(_("类别"), max_length=12, choices=UnitKind.choices)
    source_id = models.BigIntegerField()
    name = models.CharField(_("名称"), max_length=120)
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    credit_grade = models.CharField(_("信用等级"), max_length=1, choices=Grade.choices, default=Grade.B)
    last_inspected_on = models.DateField(_("最近检查"), null=True, blank=True)
    active = models.BooleanField(_("在监管"), default=True)

    class Meta:
        ordering = ["region_code", "kind", "name"]
        verbose_name = _("监管对象")
        verbose_name_plural = _("监管对象名录库")
        constraints = [models.UniqueConstraint(fields=["kind", "source_id"], name="oversight_unit_source")]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.source_id}"


class Conflict(models.Model):
    """An inspector's declared conflict of interest with a unit: never drawn for it (回避)."""

    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="conflicts")
    region_code = models.CharField(max_length=12, db_index=True)
    reason = models.CharField(_("回避事由"), max_length=200)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        constraints = [models.UniqueConstraint(fields=["inspector", "unit"], name="oversight_conflict_once")]


class SamplingShare(models.Model):
    """The share of units of a credit grade drawn in a plan (as data: D always, A rarely)."""

    grade = models.CharField(_("信用等级"), max_length=1, choices=Grade.choices, unique=True)
    share = models.DecimalField(_("抽取比例"), max_digits=4, decimal_places=3)

    class Meta:
        ordering = ["grade"]
        verbose_name = _("抽查比例")
        verbose_name_plural = _("抽查比例")
        constraints = [
            models.CheckConstraint(condition=Q(share__gte=0, share__lte=1), name="oversight_share_0_1")
        ]


class PlanState(models.TextChoices):
    PUBLISHED = "published", _("已公示，待抽取")
    DRAWN = "drawn", _("已抽取")


class DrawPlan(models.Model):
    """A 双随机 plan for a region and period: its seed and input digest are public before the draw."""

    name = models.CharField(_("计划名称"), max_length=100)
    region_code = models.CharField(_("区域"), max_length=12, db_index=True)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    per_unit = models.PositiveSmallIntegerField(_("每户检查人员数"), default=2)
    always_after_months = models.PositiveSmallIntegerField(_("超过几个月未检查必抽"), default=12)
    seed = models.CharField(_("随机种子"), max_length=64)
    inputs = models.JSONField(_("抽取输入"))
    inputs_digest = models.CharField(_("输入摘要 SHA-256"), max_length=64)
    state = models.CharField(_("状态"), max_length=10, choices=PlanState.choices, default=PlanState.PUBLISHED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("公示时间"))
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("双随机抽查计划")
        verbose_name_plural = _("双随机抽查计划")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="oversight_plan_period"
            ),
            models.CheckConstraint(condition=Q(per_unit__gte=2), name="oversight_plan_two_inspectors"),
        ]

    def __str__(self) -> str:
        return self.name


class DrawnUnit(models.Model):
    plan = models.ForeignKey(DrawPlan, on_delete=models.CASCADE, related_name="drawn_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, db_index=True)
    reason = models.CharField(_("抽中原因"), max_length=10)
    ticket = models.FloatField(_("随机号"))

    class Meta:
        ordering = ["plan", "unit__region_code", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="oversight_drawn_once")]


class DrawAssignment(models.Model):
    drawn = models.ForeignKey(DrawnUnit, on_delete=models.CASCADE, related_name="assignments")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["drawn", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["drawn", "inspector"], name="oversight_assigned_once"),
            models.UniqueConstraint(fields=["drawn", "rank"], name="oversight_assignment_rank"),
        ]
