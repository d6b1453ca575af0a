"""Home adaptation (居家适老化改造) cases and assistive-device rental (康复辅具租赁).

Adaptation: the national item list of 2020 (民发〔2020〕86号 附件, homes_reference.py) with prices by
region, contractors on a register, and a case per household from application to the subsidy paid to
the contractor through the benefits funds ledger (Jiaxing 二(一)4, Qujing 二(二), Hechuan 二(七)).
Rental: device types with a monthly rent, units by serial number at community points, contracts
billed month by month with a subsidy share (Jiaxing 二(七)20, 二(八)24; Qujing 三(三)4; Hechuan 二(七)).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.core.fields import money_field


class ItemGroup(models.TextChoices):
    """The seven parts of the national list (民发〔2020〕86号 附件)."""

    FLOOR = "floor", _("地面改造")
    DOOR = "door", _("门改造")
    BEDROOM = "bedroom", _("卧室改造")
    BATHROOM = "bathroom", _("如厕洗浴设备改造")
    KITCHEN = "kitchen", _("厨房设备改造")
    ENVIRONMENT = "environment", _("物理环境改造")
    SUPPLIES = "supplies", _("老年用品配置")


class ItemKind(models.TextChoices):
    BASIC = "basic", _("基础类（政府补贴）")
    OPTIONAL = "optional", _("可选类（自主付费）")


class AdaptationItem(models.Model):
    code = models.CharField(_("项目代码"), max_length=30, unique=True)
    number = models.PositiveSmallIntegerField(_("清单序号"), null=True, blank=True)
    group = models.CharField(_("类别"), max_length=20, choices=ItemGroup.choices)
    name = models.CharField(_("项目名称"), max_length=60)
    kind = models.CharField(_("项目类型"), max_length=10, choices=ItemKind.choices)
    source = models.CharField(_("依据"), max_length=300)

    class Meta:
        ordering = ["group", "number", "code"]
        verbose_name = _("适老化改造项目")
        verbose_name_plural = _("适老化改造项目")

    def __str__(self) -> str:
        return self.name


class AdaptationPrice(models.Model):
    """An item's reference price in a region (the longest matching region prefix applies)."""

    item = models.ForeignKey(AdaptationItem, on_delete=models.CASCADE, related_name="prices")
    region_code = models.CharField(_("适用区划"), max_length=12, db_index=True)
    price = money_field(_("参考单价（元）"))
    unit = models.CharField(_("计价单位"), max_length=10)
    demo = models.BooleanField(_("示例价格"), default=True)

    class Meta:
        verbose_name = _("改造项目价格")
        verbose_name_plural = _("改造项目价格")
        constraints = [models.UniqueConstraint(fields=["item", "region_code"], name="adaptation_price_once")]


class Contractor(models.Model):
    """A contractor on the register (施工单位名录); only a registered, active one is paid."""

    name = models.CharField(_("单位名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    region_code = models.CharField(_("登记区划"), max_length=12, db_index=True)
    registered_on = models.DateField(_("登记日期"))
    active = models.BooleanField(_("在册"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("改造施工单位")
        verbose_name_plural = _("改造施工单位")

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    ASSESSED = "assessed", _("已入户评估")
    PLANNED = "planned", _("已制定方案")
    APPROVED = "approved", _("已审批")
    WORKS = "works", _("施工中")
    ACCEPTED = "accepted", _("已验收")
    PAID = "paid", _("补贴已支付")
    REFUSED = "refused", _("不予受理")


class CaseSource(models.TextChoices):
    APPLICATION = "application", _("本人或家属申请")
    VISIT = "visit", _("探访转介")
    ASSESSMENT = "assessment", _("评估转介")
    RULE = "rule", _("规则筛查")


OPEN_STATUSES = [s for s in CaseStatus.values if s not in (CaseStatus.PAID, CaseStatus.REFUSED)]


class AdaptationCase(models.Model):
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="adaptation_cases")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    source = models.CharField(_("来源"), max_length=12, choices=CaseSource.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.APPLIED
    )
    tier = models.CharField(_("补贴档位"), max_length=60)
    cap = money_field(_("补贴上限（元）"))
    assessment_note = models.CharField(_("评估意见"), max_length=500, blank=True)
    total = money_field(_("方案合计（元）"), default=0)
    subsidy = money_field(_("政府补贴（元）"), default=0)
    own_share = money_field(_("个人自付（元）"), default=0)
    contractor = models.ForeignKey(
        Contractor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("施工单位"),
    )
    signature = models.CharField(_("签字确认"), max_length=60, blank=True)
    refusal_reason = models.CharField(_("不予受理原因"), max_length=300, blank=True)
    ledger_reference = models.CharField(_("记账凭证号"), max_length=60, blank=True)
    applied_on = models.DateField(_("申请日期"))
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("适老化改造个案")
        verbose_name_plural = _("适老化改造个案")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=OPEN_STATUSES), name="adaptation_case_one_open"
            ),
            models.UniqueConstraint(
                fields=["ledger_reference"], condition=~Q(ledger_reference=""), name="adaptation_paid_once"
            ),
        ]


class PhotoStage(models.TextChoices):
    ASSESSMENT = "assessment", _("入户评估")
    BEFORE = "before", _("改造前")
    AFTER = "after", _("改造后")
    SIGNATURE = "signature", _("本人签字")


class AdaptationPhoto(models.Model):
    case = models.ForeignKey(AdaptationCase, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("阶段"), max_length=12, choices=PhotoStage.choices)
    file = models.CharField(max_length=64)
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stage", "id"]


class PlanLine(models.Model):
    case = models.ForeignKey(AdaptationCase, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(AdaptationItem, on_delete=models.PROTECT, verbose_name=_("项目"))
    quantity = models.PositiveIntegerField(_("数量"))
    unit_price = money_field(_("单价（元）"))
    amount = money_field(_("金额（元）"))
    subsidised = models.BooleanField(_("纳入补贴"))

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="adaptation_line_once")]


# ---------------------------------------------------------------- rental


class DeviceType(models.Model):
    code = models.CharField(_("辅具代码"), max_length=30, unique=True)
    name = models.CharField(_("辅具名称"), max_length=60)
    monthly_rent = money_field(_("月租金（元）"))
    demo = models.BooleanField(_("示例租金"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("康复辅具品类")
        verbose_name_plural = _("康复辅具品类")

    def __str__(self) -> str:
        return self.name


class RentalPoint(models.Model):
    name = models.CharField(_("租赁点名称"), max_length=100)
    region_code = models.CharField(_("所在社区"), max_length=12, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("辅具租赁点")
        verbose_name_plural = _("辅具租赁点")

    def __str__(self) -> str:
        return self.name


class UnitCondition(models.TextChoices):
    READY = "ready", _("可出租")
    RENTED = "rented", _("在租")
    TO_CLEAN = "to_clean", _("待清洗消毒")
    IN_REPAIR = "in_repair", _("维修中")
    RETIRED = "retired", _("已报废")


class DeviceUnit(models.Model):
    device_type = models.ForeignKey(
        DeviceType, on_delete=models.PROTECT, related_name="units", verbose_name=_("品类")
    )
    serial = models.CharField(_("序列号"), max_length=40, unique=True)
    point = models.ForeignKey(
        RentalPoint, on_delete=models.PROTECT, related_name="units", verbose_name=_("租赁点")
    )
    region_code = models.CharField(max_length=12, db_index=True)
    condition = models.CharField(
        _("状态"), max_length=10, choices=UnitCondition.choices, default=UnitCondition.READY
    )

    class Meta:
        ordering = ["serial"]
        verbose_name = _("辅具")
        verbose_name_plural = _("辅具")

    def __str__(self) -> str:
        return f"{self.device_type.name} {self.serial}"


class RentalContract(models.Model):
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="rentals")
    unit = models.ForeignKey(
        DeviceUnit, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("辅具")
    )
    region_code = models.CharField(max_length=12, db_index=True)
    monthly_rent = money_field(_("月租金（元）"))
    subsidy_rate = models.DecimalField(_("补贴比例"), max_digits=4, decimal_places=2)
    subsidy_basis = models.CharField(_("补贴依据"), max_length=100, blank=True)
    delivered_on = models.DateField(_("交付日期"))
    due_back = models.DateField(_("约定归还日期"))
    returned_on = models.DateField(_("归还日期"), null=True, blank=True)

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("辅具租赁合同")
        verbose_name_plural = _("辅具租赁合同")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(returned_on__isnull=True), name="rental_unit_once_out"
            )
        ]


class RentalBill(models.Model):
    contract = models.ForeignKey(RentalContract, on_delete=models.CASCADE, related_name="bills")
    month = models.CharField(_("账期"), max_length=7)
    rent = money_field(_("租金（元）"))
    subsidy = money_field(_("补贴（元）"))
    own_share = money_field(_("个人自付（元）"))
    # the subsidy posted to the funds ledger by the monthly task (careathome/money_services.py), once
    ledger_reference = models.CharField(_("记账凭证号"), max_length=60, blank=True, default="")
    posted_at = models.DateTimeField(_("入账时间"), null=True, blank=True)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "month"], name="rental_bill_once"),
            models.UniqueConstraint(
                fields=["ledger_reference"],
                condition=~Q(ledger_reference=""),
                name="rental_subsidy_posted_once",
            ),
        ]
