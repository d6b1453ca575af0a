"""Volunteers (为老服务志愿者) and the time bank (为老服务时间银行): Yizhou 四(十) (志愿者登记,
"为老服务积分制"或"为老服务时间银行"), Hechuan 二(九) (时间储蓄等互助养老), Hangzhou 三(一)3, 8 (邻里互助,
老年志愿者, 银龄互助), Jiaxing 二(四)12 and 二(七)22 (互助养老, 银龄行动).

Hours are a double-entry ledger like the funds ledger (benefits/_ledger.py): every `Entry` has a
unique `key` (the idempotency key: an hour is never counted twice) and lines that sum to zero.
Holder accounts (a volunteer's, a person's, a district's donated pool) hold hours as positive
balances; each district's `issued` account is their contra (minus every hour earned and not yet
spent), and `escrow` holds hours set aside for a request paid in hours until it is served."""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecircle.core.fields import money_field
from carecircle.core.vault import EncryptedTextField

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def hours_field(verbose_name: "str | _StrPromise", **kwargs: Any) -> "models.DecimalField[Any, Any]":
    """Hours: Decimal to two places (a quarter of an hour is 0.25)."""
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=2, **kwargs)


class Skill(models.TextChoices):
    COMPANIONSHIP = "companionship", _("陪伴聊天")
    SHOPPING = "shopping", _("代购跑腿")
    ESCORT = "escort", _("陪同就医/出行")
    READING = "reading", _("读报读信")
    REPAIR = "repair", _("简单维修")


class Volunteer(models.Model):
    """A registered volunteer (any adult; older volunteers welcome: 银龄互助, Hangzhou 三(一)8)."""

    VAULT_PHONE_INDEXES = {"phone_index": "phone"}

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer")
    name = models.CharField(_("姓名"), max_length=50)
    birth_date = models.DateField(_("出生日期"))
    phone = EncryptedTextField(_("联系电话"))
    phone_masked = models.CharField(_("联系电话"), max_length=20)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    region_code = models.CharField(_("所在社区"), max_length=12, db_index=True)
    skills = models.CharField(_("服务技能"), max_length=200)  # Skill values, comma separated
    availability = models.CharField(_("可服务时间"), max_length=200, blank=True)
    active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")

    def __str__(self) -> str:
        return self.name

    @property
    def skill_list(self) -> list[str]:
        return [s for s in self.skills.split(",") if s]


class RequestStatus(models.TextChoices):
    OPEN = "open", _("待接单")
    TAKEN = "taken", _("已接单")
    STARTED = "started", _("服务中")
    DONE = "done", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    CANCELLED = "cancelled", _("已取消")


class HelpRequest(models.Model):
    """A request for non-professional help for an older person, posted by their own portal account,
    a relative's or a worker's. `paid_by` set: a redemption (the hours are held in escrow when
    posted and spent when the hours are confirmed)."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="help_requests")
    region_code = models.CharField(_("所在社区"), max_length=12, db_index=True)
    kind = models.CharField(_("服务内容"), max_length=20, choices=Skill.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    wanted_on = models.DateField(_("期望日期"))
    hours = hours_field(_("预计时长（小时）"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(_("发布时间"), db_index=True)
    paid_by = models.ForeignKey("Account", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(
        Volunteer, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    taken_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    check_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    check_in_lat = models.FloatField(null=True, blank=True)
    check_in_lng = models.FloatField(null=True, blank=True)
    check_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    check_out_lat = models.FloatField(null=True, blank=True)
    check_out_lng = models.FloatField(null=True, blank=True)
    earned = hours_field(_("确认时长（小时）"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)

    class Meta:
        ordering = ["-posted_at", "-id"]
        verbose_name = _("互助需求")
        verbose_name_plural = _("互助需求")
        indexes = [models.Index(fields=["status", "posted_at"], name="tb_request_status_posted")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="tb_request_hours_positive"),
            models.CheckConstraint(
                condition=Q(check_out_at__isnull=True) | Q(check_out_at__gte=F("check_in_at")),
                name="tb_request_checkout_after_checkin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.wanted_on}"


class AccountKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("志愿者账户")
    PERSON = "person", _("个人账户")
    POOL = "pool", _("捐赠互助池")
    ISSUED = "issued", _("已发行时数（对冲）")
    ESCROW = "escrow", _("待兑换冻结")


HOLDER_KINDS = (AccountKind.VOLUNTEER, AccountKind.PERSON, AccountKind.POOL)


class Account(models.Model):
    """One ledger account: a volunteer's, a person's, or one of a district's (pool, issued, escrow).
    `region_code` is the district the account counts in (a holder's: their district)."""

    kind = models.CharField(_("账户类型"), max_length=10, choices=AccountKind.choices)
    region_code = models.CharField(_("所属区县"), max_length=12, db_index=True)
    volunteer = models.OneToOneField(
        Volunteer, null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    person = models.OneToOneField(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="timebank_account"
    )

    class Meta:
        verbose_name = _("时间账户")
        verbose_name_plural = _("时间账户")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region_code"],
                condition=Q(kind__in=["pool", "issued", "escrow"]),
                name="tb_account_one_per_district",
            ),
            models.CheckConstraint(
                condition=(Q(kind="volunteer") & Q(volunteer__isnull=False) & Q(person__isnull=True))
                | (Q(kind="person") & Q(person__isnull=False) & Q(volunteer__isnull=True))
                | (
                    Q(kind__in=["pool", "issued", "escrow"])
                    & Q(person__isnull=True)
                    & Q(volunteer__isnull=True)
                ),
                name="tb_account_holder_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class EntryKind(models.TextChoices):
    EARN = "earn", _("服务获得")
    HOLD = "hold", _("兑换冻结")
    SPEND = "spend", _("兑换服务（本人）")
    RELEASE = "release", _("兑换解冻")
    GIFT = "gift", _("转赠亲属")
    DONATE = "donate", _("捐赠互助池")


class Entry(models.Model):
    """A balanced posting; `key` makes it once only (earn:<request>, gift:<token>, …)."""

    key = models.CharField(max_length=80, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=EntryKind.choices)
    day = models.DateField(_("日期"), db_index=True)
    request = models.ForeignKey(
        HelpRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    memo = models.CharField(_("摘要"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("时间记账凭证")
        verbose_name_plural = _("时间记账凭证")


class Line(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    hours = hours_field(_("时数"))
    region_code = models.CharField(max_length=12, db_index=True)  # the account's district
    day = models.DateField(db_index=True)

    class Meta:
        verbose_name = _("记账分录")
        verbose_name_plural = _("记账分录")
        indexes = [models.Index(fields=["account", "day"], name="tb_line_account_day")]
        constraints = [
            models.UniqueConstraint(fields=["entry", "account"], name="tb_line_one_per_account"),
            models.CheckConstraint(condition=~Q(hours=0), name="tb_line_not_zero"),
        ]


class Rule(models.Model):
    """The time bank's rules as data: caps and ages, per region prefix (the longest matching
    prefix wins; "" is the whole city). `citation` names the seed that asks for the mechanism."""

    region_prefix = models.CharField(_("适用区划前缀"), max_length=12, unique=True, blank=True)
    daily_cap = hours_field(_("每日获得上限（小时）"))
    yearly_cap = hours_field(_("每年获得上限（小时）"))
    gift_yearly_cap = hours_field(_("每年转赠上限（小时）"))
    volunteer_min_age = models.PositiveSmallIntegerField(_("志愿者最低年龄"))
    spend_min_age = models.PositiveSmallIntegerField(_("兑换服务最低年龄"))
    city_wide_after_days = models.PositiveSmallIntegerField(_("未接单几天后全市可见"))
    escalate_after_days = models.PositiveSmallIntegerField(_("未接单几天后督办"))
    citation = models.CharField(_("依据"), max_length=200)

    class Meta:
        verbose_name = _("时间银行规则")
        verbose_name_plural = _("时间银行规则")

    def __str__(self) -> str:
        return self.region_prefix or "全市"


class GuaranteeDeposit(models.Model):
    """Hours or money a district sets aside to honour its outstanding hours (the guarantee pool)."""

    key = models.CharField(max_length=80, unique=True)
    region_code = models.CharField(_("区县"), max_length=12, db_index=True)
    hours = hours_field(_("保障时数"), default=0)
    money = money_field(_("保障资金"), default=0)
    hour_value = money_field(_("每小时折算金额"), max_digits=8, default=0)
    memo = models.CharField(_("说明"), max_length=200, blank=True)
    day = models.DateField(_("日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("保障金/保障时数")
        verbose_name_plural = _("保障金/保障时数")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(money__gte=0), name="tb_deposit_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(money=0) | Q(hour_value__gt=0), name="tb_deposit_money_has_hour_value"
            ),
        ]
