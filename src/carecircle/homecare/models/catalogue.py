"""The catalogue of services, providers with their areas and prices, guide prices, cost-sharing
and funding rules, service policies."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.core.fields import money_field
from carecircle.homecare.models.base import MONEY_DIGITS, _period

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
        constraints = [
            models.UniqueConstraint(fields=["provider", "region_code"], name="provider_area_unique")
        ]


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
SHARE_SOURCES = [
    FundingSource.ENTERPRISE,
    FundingSource.GOVERNMENT,
    FundingSource.COLLECTIVE,
    FundingSource.SOCIAL,
]


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
            models.UniqueConstraint(
                fields=["region_code", "category", "valid_from"], name="cost_share_rule_unique"
            ),
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
                condition=(
                    Q(amount__isnull=False, percent__isnull=True, amount__gte=0)
                    | Q(amount__isnull=True, percent__isnull=False, percent__gte=0, percent__lte=100)
                ),
                name="cost_share_line_one_of",
            ),
        ]


class FundingRule(models.Model):
    """Which benefits programmes pay for home services, and for what: an entitlement of programme
    `programme_code` (benefits module) pays orders of `category` (every category when empty), of
    basic-list items only unless said otherwise, as a `source` line. Entitlements of programmes
    not listed here (cash allowances, insurance, childcare vouchers …) never pay an order."""

    programme_code = models.CharField(_("补贴项目编码"), max_length=40)
    category = models.ForeignKey(
        ServiceCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务类别"),
    )
    basic_list_only = models.BooleanField(_("仅限基本清单项目"), default=True)
    source = models.CharField(
        _("资金来源"),
        max_length=12,
        choices=[
            (FundingSource.VOUCHER, FundingSource.VOUCHER.label),
            (FundingSource.ALLOWANCE, FundingSource.ALLOWANCE.label),
        ],
    )

    class Meta:
        verbose_name = _("补贴支付规则")
        verbose_name_plural = _("补贴支付规则")
        constraints = [
            models.UniqueConstraint(fields=["programme_code", "category"], name="funding_rule_unique"),
            models.UniqueConstraint(
                fields=["programme_code"], condition=Q(category__isnull=True), name="funding_rule_unique_all"
            ),
        ]


class ServicePolicy(models.Model):
    """Per-region thresholds (the most specific region wins): EVV distance and duration checks,
    complaint deadline, escalation of unassigned orders."""

    region_code = models.CharField(max_length=12, unique=True)
    evv_max_distance_m = models.PositiveIntegerField(_("签到距离上限（米）"), default=300)
    evv_min_duration_ratio = models.DecimalField(
        _("最短服务时长比例"), max_digits=3, decimal_places=2, default=0.67
    )
    complaint_deadline_hours = models.PositiveIntegerField(_("投诉办结时限（小时）"), default=72)
    escalate_before_minutes = models.PositiveIntegerField(_("开始前多少分钟未派单即升级"), default=120)
    travel_speed_kmh = models.PositiveSmallIntegerField(_("路程估算速度（公里/小时）"), default=15)
    # A person assessed at this capability level or worse (GB/T 42195: 3 重度失能, 4 完全失能) is
    # served only by caregivers of at least `impaired_min_caregiver_level` (2: 四级/中级工).
    impaired_capability_level = models.PositiveSmallIntegerField(_("失能等级阈值"), default=3)
    impaired_min_caregiver_level = models.PositiveSmallIntegerField(_("失能老人护理员最低等级"), default=2)
