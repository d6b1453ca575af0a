"""Programmes (rules as data), payroll batches and payments, the funds ledger and appeals.

Money is Decimal yuan with 2 places. Every row that grows with population carries region_code.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecircle.benefits.types import PaymentMethod, Period
from carecircle.core.fields import money_field
from carecircle.core.vault import EncryptedTextField


class TierMode(models.TextChoices):
    FIRST = "first", _("取第一个符合的档位")
    SUM = "sum", _("各符合档位相加")


class Fund(models.Model):
    """A budget line kept 专款专用 (Yizhou 五(二)): one account set in the double-entry ledger."""

    code = models.CharField(_("资金代码"), max_length=40, unique=True)
    name = models.CharField(_("资金名称"), max_length=100)
    region_code = models.CharField(_("所属区划"), max_length=12, db_index=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("资金")
        verbose_name_plural = _("资金")

    def __str__(self):
        return self.name


class Programme(models.Model):
    code = models.CharField(_("项目代码"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=100)
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("资金")
    )
    region_code = models.CharField(_("适用区划"), max_length=12, db_index=True)
    target_rule = models.TextField(_("对象条件（CEL）"))
    tier_mode = models.CharField(
        _("档位方式"), max_length=8, choices=TierMode.choices, default=TierMode.FIRST
    )
    cap = money_field(_("每期封顶金额"), null=True, blank=True)
    period = models.CharField(_("发放周期"), max_length=10, choices=Period.choices, default=Period.MONTHLY)
    payment_method = models.CharField(_("发放方式"), max_length=10, choices=PaymentMethod.choices)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    basis = models.CharField(_("政策依据"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("补贴项目")
        verbose_name_plural = _("补贴项目")

    def __str__(self):
        return self.name


class Tier(models.Model):
    """One amount step: when `condition` (CEL, empty = always) holds, `amount` per period."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tiers")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    label = models.CharField(_("档位名称"), max_length=60)
    condition = models.TextField(_("条件（CEL，可空）"), blank=True)
    amount = money_field(_("金额（元/期）"))

    class Meta:
        ordering = ["programme", "order", "id"]
        verbose_name = _("金额档位")
        verbose_name_plural = _("金额档位")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="tier_amount_nonnegative")]


class PayeeAccount(models.Model):
    """The bank account a cash allowance goes to (社保卡 or bank card); number encrypted at rest."""

    person = models.OneToOneField("registry.Person", on_delete=models.CASCADE, related_name="payee_account")
    region_code = models.CharField(max_length=12, db_index=True)
    bank = models.CharField(_("开户行"), max_length=60)
    account_number = EncryptedTextField(_("账号"))
    account_masked = models.CharField(_("账号"), max_length=30)

    class Meta:
        verbose_name = _("收款账户")
        verbose_name_plural = _("收款账户")


class Batch(models.Model):
    """One payroll run of one programme for one month and region, reviewed and approved by two people."""

    class State(models.TextChoices):
        PREPARED = "prepared", _("待审核")
        APPROVED = "approved", _("已审批")
        PAID = "paid", _("已发放")
        REJECTED = "rejected", _("已退回")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="batches")
    month = models.CharField(_("发放月份"), max_length=7, db_index=True)
    region_code = models.CharField(_("范围"), max_length=12, db_index=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PREPARED)
    line_count = models.PositiveIntegerField(_("笔数"), default=0)
    total_payable = money_field(_("应发合计"), default=0)
    total_recovery = money_field(_("追回合计"), default=0)
    summary = models.JSONField(default=dict, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["-prepared_at", "-id"]
        verbose_name = _("发放批次")
        verbose_name_plural = _("发放批次")
        constraints = [
            # Four-eyes: whoever prepared a batch can never be the one who approves it.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("prepared_by")),
                name="batch_four_eyes",
            ),
        ]


class Payment(models.Model):
    """One line of a batch: what a person is due (or owes back) for one programme and period.

    A person has at most one regular line per programme and period (unique constraint); a re-run
    adds at most one arrears/recovery line per batch for the difference."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("正常发放")
        ARREARS = "arrears", _("补发")
        RECOVERY = "recovery", _("追回")

    # Payment lines are only ever written by the payroll's INSERT … SELECT, which takes every id from
    # the rows it joins, so the three foreign keys are kept by the ORM (PROTECT/CASCADE) but carry no
    # database trigger: checking 3 keys per line at commit doubled the cost of a city-wide run.
    # Indexed by the unique (batch, period, person) key below, which serves the batch's pages and
    # summaries and the "what is already committed" look-ups of every run (a programme's lines are
    # those of its batches). Every index costs each of a city-wide run's million lines a write.
    batch = models.ForeignKey(
        Batch, on_delete=models.CASCADE, related_name="payments", db_constraint=False, db_index=False
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="benefit_payments", db_constraint=False
    )
    period = models.CharField(_("所属期"), max_length=7)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    amount = money_field(_("金额"))
    region_code = models.CharField(max_length=12)
    recovered = models.BooleanField(_("已追回"), default=False)

    class Meta:
        verbose_name = _("发放明细")
        verbose_name_plural = _("发放明细")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period", "person"],
                condition=Q(kind="regular"),
                name="payment_once_regular",
            ),
            models.UniqueConstraint(
                fields=["batch", "period", "person"], name="payment_once_per_batch_period"
            ),
        ]
        # No index on region_code: lines are read by batch, person or (programme, period, person).


class Account(models.TextChoices):
    APPROPRIATION = "appropriation", _("预算拨入")
    AVAILABLE = "available", _("可用额度")
    COMMITTED = "committed", _("已承诺（已审批未发放）")
    DISBURSED = "disbursed", _("已发放")
    RECEIVABLE = "receivable", _("应追回")


class LedgerEntry(models.Model):
    """A balanced journal entry: its lines sum to zero. `key` makes every posting idempotent."""

    class Kind(models.TextChoices):
        APPROPRIATION = "appropriation", _("拨款")
        COMMITMENT = "commitment", _("审批承诺")
        DISBURSEMENT = "disbursement", _("发放")
        RECOVERY = "recovery", _("追回")
        SPENDING = "spending", _("服务结算支出")

    # `spend:<reference>` for service spending recorded by other modules (ledger_spend).
    key = models.CharField(max_length=160, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    batch = models.ForeignKey(Batch, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    memo = models.CharField(_("摘要"), max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")


class LedgerLine(models.Model):
    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="lines")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    account = models.CharField(_("科目"), max_length=16, choices=Account.choices)
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(max_length=12, blank=True, db_index=True)
    month = models.CharField(max_length=7, blank=True)
    amount = money_field(_("金额（借正贷负）"))

    class Meta:
        indexes = [models.Index(fields=["fund", "account"], name="ledger_fund_account")]


class Appeal(models.Model):
    """A person (or a worker for them) contests a decision; routed to the district's officials."""

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        GRANTED = "granted", _("准予")
        REJECTED = "rejected", _("驳回")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="benefit_appeals")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="appeals")
    region_code = models.CharField(max_length=12, db_index=True)
    route_region = models.CharField(_("承办区划"), max_length=12, db_index=True)
    month = models.CharField(_("所涉月份"), max_length=7)
    reason = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    decision_reason = models.TextField(_("处理理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    grant_amount = money_field(_("核定金额（元/期）"), null=True, blank=True)
    grant_from = models.DateField(_("核定起始"), null=True, blank=True)
    grant_to = models.DateField(_("核定终止"), null=True, blank=True)
    arrears_batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
