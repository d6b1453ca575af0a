"""Credit (信用, issue 20 item 5): the published method as data (a rule per event kind, the weights
of the latest inspections, the decay of other events by age, the grade thresholds), the credit
events with their source, administrative penalties, each unit's score snapshot with its reasons,
and the unit's requests to correct a record (信用修复) that a second official decides."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.core.fields import money_field
from carecircle.oversight.models.base import Grade, Unit


class CreditKind(models.TextChoices):
    PENALTY = "penalty", _("行政处罚")
    COMPLAINT = "complaint", _("服务投诉")
    VISIT_EXCEPTION = "visit_exception", _("上门服务异常经核实")
    INSPECTION = "inspection", _("监督检查结果")
    RECTIFY_ON_TIME = "rectify_on_time", _("按期完成整改")
    RECTIFY_LATE = "rectify_late", _("逾期整改")


class Weighting(models.TextChoices):
    AGE = "age", _("按发生时间衰减")
    RANK = "rank", _("按最近第几次检查加权")


class CreditRule(models.Model):
    """One line of the published method: the points an event of this kind carries (signed; for an
    inspection, per failed item) and how its weight falls with time."""

    kind = models.CharField(_("事件类别"), max_length=20, choices=CreditKind.choices, unique=True)
    points = models.DecimalField(_("分值"), max_digits=7, decimal_places=2)
    weighting = models.CharField(
        _("加权方式"), max_length=4, choices=Weighting.choices, default=Weighting.AGE
    )
    basis = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("信用评价规则")
        verbose_name_plural = _("信用评价规则")

    def __str__(self) -> str:
        return self.get_kind_display()


class CreditAgeBand(models.Model):
    """Events up to `months` old weigh `factor` (the smallest band that holds the age applies;
    older than every band: nothing)."""

    months = models.PositiveSmallIntegerField(_("月数以内"), unique=True)
    factor = models.DecimalField(_("权重"), max_digits=5, decimal_places=4)

    class Meta:
        ordering = ["months"]
        verbose_name = _("信用事件时间衰减")
        verbose_name_plural = _("信用事件时间衰减")
        constraints = [
            models.CheckConstraint(condition=Q(factor__gte=0, factor__lte=1), name="oversight_credit_age_0_1")
        ]


class CreditRankWeight(models.Model):
    """The weight of a unit's n-th latest inspection (CMS Five-Star: 1/2, 1/3, 1/6)."""

    rank = models.PositiveSmallIntegerField(_("最近第几次"), unique=True)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=4)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("检查结果权重")
        verbose_name_plural = _("检查结果权重")


class CreditGradeBand(models.Model):
    """A score of at least `min_score` earns `grade` (the highest band reached applies)."""

    grade = models.CharField(_("信用等级"), max_length=1, choices=Grade.choices, unique=True)
    min_score = models.DecimalField(_("最低分"), max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["-min_score"]
        verbose_name = _("信用等级分档")
        verbose_name_plural = _("信用等级分档")


class Penalty(models.Model):
    """An administrative penalty (行政处罚) entered by an official from the decision."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="penalties")
    region_code = models.CharField(max_length=12, db_index=True)
    decision_no = models.CharField(_("处罚决定书文号"), max_length=60, unique=True)
    decided_on = models.DateField(_("处罚日期"))
    authority = models.CharField(_("处罚机关"), max_length=100)
    fine = money_field(_("罚款金额"), default=0, max_digits=12)
    text = models.CharField(_("违法事实及处罚内容"), max_length=500)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")


class CreditEvent(models.Model):
    """A fact that moves a unit's credit, with its source (module and record); once per kind and
    source, so collecting again never counts it twice. A voided event is kept, marked."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="credit_events")
    region_code = models.CharField(max_length=12, db_index=True)
    kind = models.CharField(_("事件类别"), max_length=20, choices=CreditKind.choices)
    on = models.DateField(_("发生日期"))
    points = models.DecimalField(_("分值"), max_digits=7, decimal_places=2)
    source_module = models.CharField(_("来源模块"), max_length=30)
    source_id = models.BigIntegerField(_("来源记录"))
    text = models.CharField(_("事由"), max_length=500)
    voided = models.BooleanField(_("已撤销"), default=False)
    voided_at = models.DateTimeField(null=True, blank=True)
    original_points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("信用事件")
        verbose_name_plural = _("信用事件")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_module", "source_id"], name="oversight_credit_once"
            )
        ]
        indexes = [models.Index(fields=["unit", "on"], name="oversight_credit_unit_on")]


class CreditScore(models.Model):
    """The last computed score of a unit, with its reasons (event id, weight, contribution)."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="credit_score")
    score = models.DecimalField(_("信用分"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("信用等级"), max_length=1, choices=Grade.choices)
    reasons = models.JSONField(default=list)
    computed_on = models.DateField(_("计算日期"))


class CorrectionAction(models.TextChoices):
    REMOVE = "remove", _("撤销该记录")
    CORRECT = "correct", _("更正分值")


class CorrectionState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("不同意")


class CreditCorrection(models.Model):
    """信用修复: the unit's admin asks to remove or correct an event; another official decides."""

    event = models.ForeignKey(CreditEvent, on_delete=models.PROTECT, related_name="corrections")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, db_index=True)
    action = models.CharField(_("申请事项"), max_length=8, choices=CorrectionAction.choices)
    new_points = models.DecimalField(_("更正后分值"), max_digits=7, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("申请理由"), max_length=500)
    state = models.CharField(
        _("状态"), max_length=8, choices=CorrectionState.choices, default=CorrectionState.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(state="pending"),
                name="oversight_correction_one_pending",
            )
        ]
