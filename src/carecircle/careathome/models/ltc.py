"""Long-term-care (LTC) disability assessment, care plans and settlement."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecircle.core.fields import money_field
from carecircle.core.vault import EncryptedTextField


class LtcScaleTable(models.Model):
    """A city's filled-in table of the national LTC assessment standard (reference.py: the parts
    the platform cannot cite — the items' options and scores, the grade bands, the combination
    table — entered from the city's official copy). One table per city; loading again replaces it."""

    city_code = models.CharField(_("城市"), max_length=12, unique=True)
    source = models.CharField(_("正式文本出处"), max_length=300)
    data = models.JSONField(_("评分表"))
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    loaded_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("长期护理失能等级评分表")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.city_code} {self.source}"


class LtcRules(models.Model):
    """A city's periods and fees of the LTC assessment process and its mapping of LTC levels to
    GB/T 42195 capability levels, entered from the city's rules. The seeds' city is Jiaxing
    (330400000000): Jiaxing 二(八)23–24 links the care subsidy, the severe-disability care subsidy and
    LTC insurance and has the city apply the provincial LTC assessment standard, but states no period
    or fee, so the city enters them (services.ltc_rules_load); until then the process refuses with
    a message saying so."""

    city_code = models.CharField(_("城市"), max_length=12, unique=True)
    source = models.CharField(_("依据文件"), max_length=300)
    accept_days = models.PositiveSmallIntegerField(_("受理时限(日)"))
    assess_days = models.PositiveSmallIntegerField(_("受理后现场评估时限(日)"))
    notice_days = models.PositiveSmallIntegerField(_("公示期(日)"))
    validity_months = models.PositiveSmallIntegerField(_("评估结论有效期(月)"))
    repeat_months = models.PositiveSmallIntegerField(_("同一目的不重复评估的期间(月)"))
    fee_first = money_field(_("首次评估费"), max_digits=10)
    fee_objection = money_field(_("异议复评费"), max_digits=10)
    # {"0": capability level, …, "5": …}: the GB/T 42195 level an LTC level stands for.
    capability_map = models.JSONField(_("与老年人能力等级对应"), default=dict, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    loaded_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("长期护理评估时限与费用")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.city_code} {self.source}"


class ApplicantKind(models.TextChoices):
    SELF = "self", _("本人")
    FAMILY = "family", _("家属或监护人")
    WORKER = "worker", _("社区工作人员代办")


class LtcStatus(models.TextChoices):
    APPLIED = "applied", _("已申请待受理")
    REFUSED = "refused", _("不予受理")
    ACCEPTED = "accepted", _("已受理待评估")
    NOTICE = "notice", _("结论公示中")
    REVIEW = "review", _("异议复评中")
    DELIVERED = "delivered", _("结果已送达")


class RefusalReason(models.TextChoices):
    """The cases the national draft rules list for not accepting an application (国家医保局
    《长期护理保险失能等级评估管理办法(试行)》征求意见稿, 2023-09)."""

    NOT_INSURED = "not_insured", _("未参加长期护理保险")
    NOT_ELIGIBLE = "not_eligible", _("不符合待遇享受条件")
    NOT_COVERED = "not_covered", _("发生的护理服务费用不属于长期护理保险基金支付范围")
    INCOMPLETE = "incomplete", _("申报材料不全或提供虚假材料")
    OTHER = "other", _("其他不予受理的情形")


OPEN_STATUSES = (LtcStatus.APPLIED, LtcStatus.ACCEPTED, LtcStatus.NOTICE, LtcStatus.REVIEW)


class LtcAssessment(models.Model):
    """One application for an LTC disability-level assessment and everything that follows it: the
    acceptance or refusal, the on-site assessment by two assessors (round 1), the conclusion and its
    public notice, a re-assessment by two other assessors on objection (round 2), the delivery, and
    the result's validity. A person has at most one open application."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="ltc_assessments")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=LtcStatus.choices, default=LtcStatus.APPLIED)
    applicant_kind = models.CharField(_("申请人"), max_length=10, choices=ApplicantKind.choices)
    applicant_name = EncryptedTextField(_("申请人姓名"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_on = models.DateField(_("申请日期"))
    fee = money_field(_("评估费"), max_digits=10, default=0)
    refusal_reason = models.CharField(
        _("不予受理原因"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    refusal_note = models.CharField(_("说明"), max_length=300, blank=True)
    decided_on = models.DateField(_("受理或不予受理日期"), null=True, blank=True)
    assess_by = models.DateField(_("现场评估截止日期"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("评估轮次"), default=1)
    level = models.PositiveSmallIntegerField(_("失能等级"), null=True, blank=True)
    dimensions = models.JSONField(_("一级指标得分与等级"), default=list, blank=True)
    concluded_on = models.DateField(_("结论日期"), null=True, blank=True)
    notice_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    objection_note = models.CharField(_("异议理由"), max_length=300, blank=True)
    objected_on = models.DateField(_("异议日期"), null=True, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("长期护理失能等级评估")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="ltc_one_open_application",
            )
        ]
        indexes = [models.Index(fields=["status", "region_code"], name="ltc_status_region")]

    def __str__(self) -> str:
        return f"LTC#{self.pk}"


class LtcAssessorRecord(models.Model):
    """One assessor's on-site record (the item answers) in one round of an assessment."""

    assessment = models.ForeignKey(LtcAssessment, on_delete=models.CASCADE, related_name="records")
    round = models.PositiveSmallIntegerField(_("评估轮次"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(_("各项指标得分"))
    level = models.PositiveSmallIntegerField(_("失能等级"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("长期护理现场评估记录")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "round", "assessor"], name="ltc_one_record_per_assessor"
            )
        ]


class LtcEntitlement(models.Model):
    """What an LTC level entitles to, per city (entered from the city's LTC rules; Jiaxing 二(八)24
    extends the LTC services but states no hours or shares): care hours a month, the LTC fund's
    share of the price (the rest is the person's co-payment), and the funds-ledger programme the
    fund's share is posted to."""

    city_code = models.CharField(_("城市"), max_length=12)
    level = models.PositiveSmallIntegerField(_("失能等级"))
    hours_per_month = models.PositiveSmallIntegerField(_("每月服务时长(小时)"))
    fund_percent = models.PositiveSmallIntegerField(_("基金支付比例(%)"))
    ledger_programme = models.CharField(_("入账项目代码"), max_length=50)
    source = models.CharField(_("依据文件"), max_length=300)

    class Meta:
        verbose_name = _("长期护理待遇标准")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["city_code", "level"], name="ltc_one_entitlement_per_level"),
            models.CheckConstraint(condition=models.Q(fund_percent__lte=100), name="ltc_fund_percent_max"),
        ]

    def __str__(self) -> str:
        return f"{self.city_code} {self.level}"


class LtcCarePlan(models.Model):
    """A care plan for a person with a delivered LTC level: a home-care item from a provider on set
    weekdays, turned into home-care orders (homecare.services.order_create)."""

    assessment = models.ForeignKey(LtcAssessment, on_delete=models.PROTECT, related_name="plans")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="ltc_plans")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    provider = models.ForeignKey("homecare.Provider", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("homecare.ServiceItem", on_delete=models.PROTECT, related_name="+")
    weekdays = models.CharField(_("服务日(1-7)"), max_length=7)
    start_time = models.TimeField(_("开始时间"))
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("长期护理照护计划")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"LTC plan #{self.pk}"


class LtcPlanOrder(models.Model):
    """A home-care order a plan generated (one per plan and day: generating again adds nothing)."""

    plan = models.ForeignKey(LtcCarePlan, on_delete=models.CASCADE, related_name="orders")
    order = models.OneToOneField("homecare.Order", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("服务日"))
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("失能等级"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "day"], name="ltc_one_order_per_plan_day")]


class LtcSettlement(models.Model):
    """A provider's month of LTC-plan visits for the LTC fund: verified visits within each person's
    entitlement paid at the fund's share, the rest the person's co-payment; visits in dispute held
    back. Posted to the funds ledger once (its reference)."""

    provider = models.ForeignKey("homecare.Provider", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("结算月份"))
    region_code = models.CharField(_("所属地区"), max_length=12, db_index=True)
    visits = models.PositiveIntegerField(_("核验通过的服务次数"), default=0)
    minutes = models.PositiveIntegerField(_("服务时长(分钟)"), default=0)
    total = money_field(_("服务费用合计"), default=0)
    fund_amount = money_field(_("基金支付"), default=0)
    own_amount = money_field(_("个人自付"), default=0)
    held_count = models.PositiveIntegerField(_("争议暂缓次数"), default=0)
    held_amount = money_field(_("争议暂缓金额"), default=0)
    ledger_reference = models.CharField(_("入账凭据"), max_length=120, blank=True)
    posted_at = models.DateTimeField(_("入账时间"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("长期护理月度结算")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["provider", "month"], name="ltc_one_settlement_per_month")
        ]
