"""Childcare: classes by the national setting standard (托育机构设置标准(试行)), enrolments,
daily attendance and childcare vouchers (托育券, Hechuan 三(二))."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    INFANT = "infant", _("乳儿班（6–12个月）")
    SMALL = "small", _("托小班（12–24个月）")
    BIG = "big", _("托大班（24–36个月）")
    MIXED = "mixed", _("混合班（18个月以上）")


class ChildClass(models.Model):
    facility = models.ForeignKey(
        "facilities.Facility", on_delete=models.PROTECT, related_name="child_classes"
    )
    region_code = models.CharField(max_length=12, db_index=True)
    name = models.CharField(_("班级名称"), max_length=40)
    band = models.CharField(_("班型"), max_length=10, choices=Band.choices)
    capacity = models.PositiveSmallIntegerField(_("额定人数"))
    caregivers = models.PositiveSmallIntegerField(_("保育人员"))
    puhui = models.BooleanField(_("普惠班"), default=True)
    monthly_fee = models.DecimalField(_("月收费(元)"), max_digits=8, decimal_places=2)
    active = models.BooleanField(_("开班中"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["facility", "band", "name"]
        verbose_name = _("托育班级")
        verbose_name_plural = _("托育班级")
        constraints = [models.UniqueConstraint(fields=["facility", "name"], name="childclass_unique_name")]

    def __str__(self):
        return self.name


class Enrolment(models.Model):
    child_class = models.ForeignKey(ChildClass, on_delete=models.PROTECT, related_name="enrolments")
    facility = models.ForeignKey("facilities.Facility", on_delete=models.PROTECT, related_name="enrolments")
    child = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="enrolments")
    region_code = models.CharField(max_length=12, db_index=True)  # the facility's community
    child_region_code = models.CharField(max_length=12, db_index=True)
    start_on = models.DateField(_("入托日期"))
    end_on = models.DateField(_("离托日期"), null=True, blank=True)
    end_reason = models.CharField(_("离托原因"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_on", "-id"]
        verbose_name = _("入托记录")
        verbose_name_plural = _("入托记录")
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(end_on__isnull=True), name="enrolment_one_open_per_child"
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="enrolment_period_ordered",
            ),
        ]


class Attendance(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    region_code = models.CharField(max_length=12, db_index=True)
    day = models.DateField(_("日期"))
    present = models.BooleanField(_("出勤"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-day"]
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        constraints = [models.UniqueConstraint(fields=["enrolment", "day"], name="attendance_unique_day")]


class Voucher(models.Model):
    """A childcare voucher issued to a family for one child, redeemable once at a filed facility."""

    code = models.CharField(_("券号"), max_length=20, unique=True)
    batch = models.CharField(_("发放批次"), max_length=40)
    child = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="childcare_vouchers")
    region_code = models.CharField(max_length=12, db_index=True)  # the child's community
    amount = models.DecimalField(_("面额(元)"), max_digits=8, decimal_places=2)
    # The benefits programme whose fund pays the voucher when it is used (empty: a batch of a face
    # value of its own, funded outside the funds ledger).
    programme_code = models.CharField(_("津贴补贴项目"), max_length=40, blank=True, default="")
    issued_on = models.DateField(_("发放日期"))
    valid_to = models.DateField(_("有效期至"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    redeemed_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    redeemed_facility = models.ForeignKey(
        "facilities.Facility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redeemed_vouchers",
        verbose_name=_("使用机构"),
    )
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_on", "code"]
        verbose_name = _("托育券")
        verbose_name_plural = _("托育券")
        constraints = [
            models.UniqueConstraint(fields=["child", "batch"], name="voucher_one_per_child_batch"),
            models.CheckConstraint(
                condition=Q(redeemed_at__isnull=True) | Q(redeemed_facility__isnull=False),
                name="voucher_redeemed_has_facility",
            ),
        ]


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交，等待托育机构答复")
    OFFERED = "offered", _("已录取入托")
    REFUSED = "refused", _("未录取")
    CLOSED = "closed", _("已在其他机构入托，申请结束")


class Application(models.Model):
    """A parent's application for a 托位 for their child (0–3) at a childcare centre (Hangzhou 三(一)5
    网上业务办理; Hechuan 三(二) 托育服务): one row per centre applied to; the centre offers a place
    (an Enrolment, made by services.enrol) or refuses with a reason. One open application per child
    and centre; a child with a place closes their other applications."""

    child = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="childcare_applications"
    )
    facility = models.ForeignKey(
        "facilities.Facility", on_delete=models.PROTECT, related_name="childcare_applications"
    )
    region_code = models.CharField(max_length=12, db_index=True)  # the facility's community
    child_region_code = models.CharField(max_length=12, db_index=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    start_wanted = models.DateField(_("希望入托日期"))
    note = models.CharField(_("申请说明"), max_length=300, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=ApplicationState.choices, default=ApplicationState.SUBMITTED
    )
    refused_reason = models.CharField(_("未录取原因"), max_length=300, blank=True)
    enrolment = models.ForeignKey(
        "childcare.Enrolment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("托位申请")
        verbose_name_plural = _("托位申请")
        constraints = [
            models.UniqueConstraint(
                fields=["child", "facility"],
                condition=Q(state="submitted"),
                name="childcare_one_open_application",
            ),
        ]
