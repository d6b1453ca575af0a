"""Home and community services: catalogue, providers and prices, cost-sharing rules, orders with
their payment lines, dispatch, electronic visit verification (EVV), ratings, complaints and the
month-end provider statement."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.core.fields import money_field
from carecircle.core.vault import EncryptedTextField

MONEY_DIGITS = 10  # the largest sum of an order or a statement fits in 8 digits before the point
MONEY = {"max_digits": MONEY_DIGITS, "decimal_places": 2}


def _period(prefix: str) -> list:
    return [models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name=f"{prefix}_period_ordered"
    )]


# ------------------------------------------------------------------ catalogue


class ServiceCategory(models.Model):
    """助餐, 助浴, 助洁, 助医, 助行, 助急, 助购, 康复护理, 精神慰藉, 家庭照护培训, 康复辅具租赁 …"""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=30)
    order = models.PositiveSmallIntegerField(default=0)
    meal_help = models.BooleanField(_("助餐（适用多方分担）"), default=False)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("服务类别")
        verbose_name_plural = _("服务类别")

    def __str__(self):
        return self.name


class ServiceItem(models.Model):
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("服务项目"), max_length=60)
    unit = models.CharField(_("计价单位"), max_length=10)
    duration_minutes = models.PositiveSmallIntegerField(_("标准时长（分钟）"))
    standard = models.TextField(_("服务标准"))
    basic_list = models.BooleanField(_("列入基本养老服务清单"), default=False)
    min_level = models.PositiveSmallIntegerField(_("护理员最低等级"), null=True, blank=True)
    needs_health_certificate = models.BooleanField(_("须持健康证"), default=True)
    cancel_notice_hours = models.PositiveSmallIntegerField(_("免责取消提前小时数"), default=2)
    active = models.BooleanField(_("在售"), default=True)

    class Meta:
        ordering = ["category__order", "code"]
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")

    def __str__(self):
        return self.name


# ------------------------------------------------------------------ providers and prices


class Provider(models.Model):
    """A home-service organisation (居家服务商). Its id is what a RoleGrant of organisation kind
    home-care provider (core/organisations.py) and workforce.Caregiver.organisation_id carry."""

    name = models.CharField(_("机构名称"), max_length=100)
    licence_no = models.CharField(_("统一社会信用代码/许可证号"), max_length=40, unique=True)
    region_code = models.CharField(_("注册地"), max_length=12, db_index=True)
    credit_grade = models.CharField(_("信用等级"), max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    active = models.BooleanField(_("正常经营"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("服务机构")
        verbose_name_plural = _("服务机构")

    def __str__(self):
        return self.name


class ProviderArea(models.Model):
    """A region (any level: the provider serves everything under it)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="areas")
    region_code = models.CharField(_("服务区域"), max_length=12, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "region_code"], name="provider_area_unique")]


class ProviderPrice(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="prices")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    price = money_field(_("价格（元）"), max_digits=MONEY_DIGITS)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "item", "valid_from"], name="provider_price_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="provider_price_nonneg"),
            *_period("provider_price"),
        ]


class GuidePrice(models.Model):
    """A region's guide price (指导价) for an item."""

    region_code = models.CharField(max_length=12, db_index=True)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    price = money_field(_("指导价（元）"), max_digits=MONEY_DIGITS)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region_code", "item", "valid_from"], name="guide_price_unique"),
            *_period("guide_price"),
        ]


class FundingSource(models.TextChoices):
    ALLOWANCE = "allowance", _("政府购买服务补贴")
    VOUCHER = "voucher", _("服务券/补贴抵扣")
    ENTERPRISE = "enterprise", _("企业让一点")
    GOVERNMENT = "government", _("政府补一点")
    COLLECTIVE = "collective", _("集体添一点")
    SOCIAL = "social", _("社会捐一点")
    SELF_PAY = "self_pay", _("个人自付")


# Shares that a cost-sharing rule may set; what is left is the person's own (个人出一点).
SHARE_SOURCES = [FundingSource.ENTERPRISE, FundingSource.GOVERNMENT, FundingSource.COLLECTIVE, FundingSource.SOCIAL]


class CostShareRule(models.Model):
    """Meal-help cost sharing for a region and category (Hechuan 二(五): 个人出一点、企业让一点、
    政府补一点、集体添一点、社会捐一点). The most specific region's rule valid on the day applies."""

    region_code = models.CharField(max_length=12, db_index=True)
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=60)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region_code", "category", "valid_from"], name="cost_share_rule_unique"),
            *_period("cost_share_rule"),
        ]


class CostShareLine(models.Model):
    """One share: a fixed amount per order, or a percentage of the price (one of the two)."""

    rule = models.ForeignKey(CostShareRule, on_delete=models.CASCADE, related_name="lines")
    source = models.CharField(max_length=12, choices=FundingSource.choices)
    amount = money_field(_("定额（元）"), null=True, blank=True, max_digits=MONEY_DIGITS)
    percent = models.DecimalField(_("比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    # The benefits programme whose fund pays this share (政府补一点 from a fund): the month-end
    # statement posts the share to the funds ledger against it. Empty: not paid from a fund.
    programme_code = models.CharField(_("出资补贴项目编码"), max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "source"], name="cost_share_line_unique"),
            models.CheckConstraint(
                condition=(Q(amount__isnull=False, percent__isnull=True, amount__gte=0)
                           | Q(amount__isnull=True, percent__isnull=False, percent__gte=0, percent__lte=100)),
                name="cost_share_line_one_of",
            ),
        ]


class FundingRule(models.Model):
    """Which benefits programmes pay for home services, and for what: an entitlement of programme
    `programme_code` (benefits module) pays orders of `category` (every category when empty), of
    basic-list items only unless said otherwise, as a `source` line. Entitlements of programmes
    not listed here (cash allowances, insurance, childcare vouchers …) never pay an order."""

    programme_code = models.CharField(_("补贴项目编码"), max_length=40)
    category = models.ForeignKey(ServiceCategory, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("服务类别"))
    basic_list_only = models.BooleanField(_("仅限基本清单项目"), default=True)
    source = models.CharField(_("资金来源"), max_length=12, choices=[
        (FundingSource.VOUCHER, FundingSource.VOUCHER.label), (FundingSource.ALLOWANCE, FundingSource.ALLOWANCE.label)])

    class Meta:
        verbose_name = _("补贴支付规则")
        verbose_name_plural = _("补贴支付规则")
        constraints = [
            models.UniqueConstraint(fields=["programme_code", "category"], name="funding_rule_unique"),
            models.UniqueConstraint(fields=["programme_code"], condition=Q(category__isnull=True),
                                    name="funding_rule_unique_all"),
        ]


class ServicePolicy(models.Model):
    """Per-region thresholds (the most specific region wins): EVV distance and duration checks,
    complaint deadline, escalation of unassigned orders."""

    region_code = models.CharField(max_length=12, unique=True)
    evv_max_distance_m = models.PositiveIntegerField(_("签到距离上限（米）"), default=300)
    evv_min_duration_ratio = models.DecimalField(_("最短服务时长比例"), max_digits=3, decimal_places=2, default=0.67)
    complaint_deadline_hours = models.PositiveIntegerField(_("投诉办结时限（小时）"), default=72)
    escalate_before_minutes = models.PositiveIntegerField(_("开始前多少分钟未派单即升级"), default=120)
    travel_speed_kmh = models.PositiveSmallIntegerField(_("路程估算速度（公里/小时）"), default=15)
    # A person assessed at this capability level or worse (GB/T 42195: 3 重度失能, 4 完全失能) is
    # served only by caregivers of at least `impaired_min_caregiver_level` (2: 四级/中级工).
    impaired_capability_level = models.PositiveSmallIntegerField(_("失能等级阈值"), default=3)
    impaired_min_caregiver_level = models.PositiveSmallIntegerField(_("失能老人护理员最低等级"), default=2)


# ------------------------------------------------------------------ orders


class CarePlan(models.Model):
    """A recurring order, e.g. meals every weekday (weekdays: ISO digits, "12345")."""

    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(max_length=12, db_index=True)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="care_plans")
    weekdays = models.CharField(_("服务日（1-7）"), max_length=7)
    start_time = models.TimeField(_("开始时间"))
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)
    notes = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [*_period("care_plan")]


class OrderStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("待派单")
    OFFERED = "offered", _("已派单待接单")
    ACCEPTED = "accepted", _("已接单")
    IN_SERVICE = "in_service", _("服务中")
    SERVED = "served", _("已服务待确认")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")


OPEN_STATUSES = [OrderStatus.CONFIRMED, OrderStatus.OFFERED, OrderStatus.ACCEPTED]
BUSY_STATUSES = [OrderStatus.OFFERED, OrderStatus.ACCEPTED, OrderStatus.IN_SERVICE]


class Channel(models.TextChoices):
    SELF = "self", _("本人下单")
    FAMILY = "family", _("子女/家属代下单")
    COMMUNITY = "community", _("社区工作人员代下单")
    CARE_PLAN = "care_plan", _("服务计划生成")


class Order(models.Model):
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="orders")
    window_start = models.DateTimeField(_("服务开始"), db_index=True)
    window_end = models.DateTimeField(_("服务结束"))
    address = EncryptedTextField(_("服务地址"), blank=True)
    address_masked = models.CharField(_("服务地址"), max_length=40, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    notes = models.CharField(_("备注"), max_length=300, blank=True)
    channel = models.CharField(_("下单方式"), max_length=12, choices=Channel.choices)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    care_plan = models.ForeignKey(CarePlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    price = money_field(_("价格（元）"), max_digits=MONEY_DIGITS)
    status = models.CharField(_("状态"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.CONFIRMED)
    caregiver = models.ForeignKey(
        "workforce.Caregiver", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalation_level = models.PositiveSmallIntegerField(_("升级次数"), default=0)
    late_cancel = models.BooleanField(_("临时取消"), default=False)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["window_start", "id"]
        verbose_name = _("服务订单")
        verbose_name_plural = _("服务订单")
        constraints = [
            models.CheckConstraint(condition=Q(window_end__gt=models.F("window_start")), name="order_window_ordered"),
            models.CheckConstraint(condition=Q(price__gte=0), name="order_price_nonneg"),
        ]
        indexes = [models.Index(fields=["provider", "status", "window_start"], name="order_provider_status")]


class PaymentLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payment_lines")
    source = models.CharField(_("资金来源"), max_length=12, choices=FundingSource.choices)
    programme_code = models.CharField(_("项目"), max_length=40, blank=True)
    label = models.CharField(_("说明"), max_length=80)
    amount = money_field(_("金额（元）"), max_digits=MONEY_DIGITS)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "source", "programme_code"], name="payment_line_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_line_positive"),
        ]


class DispatchEvent(models.Model):
    class Kind(models.TextChoices):
        OFFER = "offer", _("派单")
        ACCEPT = "accept", _("接单")
        DECLINE = "decline", _("拒单")
        REASSIGN = "reassign", _("改派")
        ESCALATE = "escalate", _("升级督办")
        RESCHEDULE = "reschedule", _("改期")
        CANCEL = "cancel", _("取消")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="dispatch_events")
    region_code = models.CharField(max_length=12, db_index=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    caregiver = models.ForeignKey("workforce.Caregiver", null=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    travel_minutes = models.FloatField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


# ------------------------------------------------------------------ visits (EVV)


class Visit(models.Model):
    """The verified visit of an order. Its six facts: service (item), recipient (person), date,
    place (check-in position against the address), caregiver, start and end."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="visit")
    region_code = models.CharField(max_length=12, db_index=True)
    caregiver = models.ForeignKey("workforce.Caregiver", on_delete=models.PROTECT, related_name="+")
    check_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    check_in_lat = models.FloatField(null=True, blank=True)
    check_in_lng = models.FloatField(null=True, blank=True)
    check_in_distance_m = models.FloatField(_("签到距离（米）"), null=True, blank=True)
    check_in_reason = models.CharField(_("时段外签到原因"), max_length=200, blank=True)
    check_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    check_out_lat = models.FloatField(null=True, blank=True)
    check_out_lng = models.FloatField(null=True, blank=True)
    check_out_distance_m = models.FloatField(_("签退距离（米）"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["caregiver", "check_in_at"], name="visit_caregiver_in")]

    @property
    def minutes(self) -> float | None:
        if self.check_in_at and self.check_out_at:
            return (self.check_out_at - self.check_in_at).total_seconds() / 60
        return None


class VisitCheck(models.Model):
    """One check-in or check-out as sent by the phone; the idempotency key makes a repeated
    submission return the first one instead of counting twice."""

    class Kind(models.TextChoices):
        IN = "in", _("签到")
        OUT = "out", _("签退")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="checks")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    accuracy_m = models.FloatField(default=0)
    distance_m = models.FloatField()
    idempotency_key = models.CharField(max_length=80, unique=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "kind"], name="visit_check_once")]


class ExceptionKind(models.TextChoices):
    FAR = "far", _("签到/签退位置距服务地址过远")
    SHORT = "short", _("服务时长不足")
    OVERLAP = "overlap", _("与同一护理员其他服务时间重叠")
    NO_CHECK_IN = "no_check_in", _("未签到即签退")  # refused since issue 13; kept for older rows
    OFF_WINDOW = "off_window", _("签到时间不在预约时段内")


class VisitException(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待审核")
        ACCEPTED = "accepted", _("审核通过")
        REJECTED = "rejected", _("审核不通过")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="exceptions")
    region_code = models.CharField(max_length=12, db_index=True)
    kind = models.CharField(max_length=12, choices=ExceptionKind.choices)
    detail = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("审核意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "kind"], name="visit_exception_unique")]

    def summary(self) -> str:
        """The facts behind the flag, for the supervisor."""
        from django.utils.translation import gettext as _

        d = self.detail or {}
        if self.kind == ExceptionKind.FAR:
            parts = []
            for which, label in (("check_in", _("签到")), ("check_out", _("签退"))):
                if f"{which}_distance_m" in d:
                    parts.append(_("%(w)s距地址%(m)s米（定位精度%(a)s米）") % {
                        "w": label, "m": d[f"{which}_distance_m"], "a": d.get(f"{which}_accuracy_m", 0)})
            return "；".join(parts) + _("，上限%(l)s米") % {"l": d.get("limit_m", "")}
        if self.kind == ExceptionKind.SHORT:
            return _("实际服务%(m)s分钟，应不少于%(n)s分钟") % {"m": d.get("minutes"), "n": d.get("needed")}
        if self.kind == ExceptionKind.OVERLAP:
            return _("与订单%(o)s的服务时间重叠") % {"o": d.get("other_order")}
        if self.kind == ExceptionKind.OFF_WINDOW:
            when = (_("提前%(m)s分钟") % {"m": d["early_minutes"]} if "early_minutes" in d
                    else _("超出时段%(m)s分钟") % {"m": d.get("late_minutes")})
            return _("签到%(w)s，原因：%(r)s") % {"w": when, "r": d.get("reason", "")}
        return _("签退时间%(t)s，无签到记录") % {"t": str(d.get("check_out_at", ""))[11:16]}


# ------------------------------------------------------------------ ratings, complaints, settlement


class Rating(models.Model):
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="rating")
    region_code = models.CharField(max_length=12, db_index=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评价"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_range")]


class Complaint(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ANSWERED = "answered", _("已答复")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="complaints")
    region_code = models.CharField(max_length=12, db_index=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="complaints")
    street_code = models.CharField(_("街道"), max_length=12, db_index=True)
    text = models.CharField(_("投诉内容"), max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateTimeField(_("办结时限"))
    response = models.CharField(_("答复"), max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "id"]


class Statement(models.Model):
    """A provider's month-end statement: verified visits by funding source; visits with open
    exceptions or complaints are held back, rejected ones are not paid."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="statements")
    region_code = models.CharField(max_length=12, db_index=True)
    month = models.DateField(_("月份"))
    generated_at = models.DateTimeField(auto_now=True)
    visit_count = models.PositiveIntegerField(default=0)
    total = money_field(default=0, max_digits=MONEY_DIGITS)
    held_count = models.PositiveIntegerField(default=0)
    held_total = money_field(default=0, max_digits=MONEY_DIGITS)
    # Why the government-funded lines were not (fully) posted to the funds ledger, if so.
    ledger_note = models.CharField(_("资金入账说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["-month", "provider_id"]
        constraints = [models.UniqueConstraint(fields=["provider", "month"], name="statement_unique_month")]


class StatementPosting(models.Model):
    """A government-funded statement line posted to the benefits funds ledger (ledger_spend).
    Rebuilding the statement posts only what grew since (`seq` 2, 3 …); `reference` is the ledger's
    idempotency key, so the same posting is never counted twice."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="postings")
    source = models.CharField(max_length=12, choices=FundingSource.choices)
    programme_code = models.CharField(max_length=40, blank=True)  # the statement line's code
    ledger_programme = models.CharField(_("出资补贴项目"), max_length=40)
    seq = models.PositiveSmallIntegerField(default=1)
    amount = money_field(max_digits=MONEY_DIGITS)
    reference = models.CharField(max_length=150, unique=True)
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["statement_id", "source", "programme_code", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "source", "programme_code", "seq"],
                                    name="statement_posting_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="statement_posting_positive"),
        ]


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    source = models.CharField(max_length=12, choices=FundingSource.choices)
    programme_code = models.CharField(max_length=40, blank=True)
    visits = models.PositiveIntegerField()
    amount = money_field(max_digits=MONEY_DIGITS)

    class Meta:
        ordering = ["source", "programme_code"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "source", "programme_code"], name="statement_line_unique"),
        ]


class StatementEntry(models.Model):
    """Each order the statement considered: paid, held (with reason) or refused."""

    class State(models.TextChoices):
        PAID = "paid", _("结算")
        HELD = "held", _("暂缓结算")
        REFUSED = "refused", _("不予结算")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="entries")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=8, choices=State.choices)
    reason = models.CharField(max_length=200, blank=True)
    amount = money_field(max_digits=MONEY_DIGITS)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["statement", "order"], name="statement_entry_unique")]
