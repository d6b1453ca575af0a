"""Care plans, orders with their payment lines, and the dispatch events of an order."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.core.fields import money_field
from carecircle.core.vault import EncryptedTextField
from carecircle.homecare.models.base import MONEY_DIGITS, _period
from carecircle.homecare.models.catalogue import FundingSource, Provider, ServiceItem

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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

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
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    care_plan = models.ForeignKey(
        CarePlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    price = money_field(_("价格（元）"), max_digits=MONEY_DIGITS)
    status = models.CharField(
        _("状态"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.CONFIRMED
    )
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
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")), name="order_window_ordered"
            ),
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
    caregiver = models.ForeignKey(
        "workforce.Caregiver", null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    travel_minutes = models.FloatField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
