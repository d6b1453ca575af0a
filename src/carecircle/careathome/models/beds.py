"""Family care beds (家庭养老床位): a contract between a provider (a home-care provider, optionally
on behalf of a facility whose capacity the bed counts in) and an older person at home, covering a
home assessment, adaptations, monitoring devices registered with the alarms module, a schedule of
home visits and a monthly subsidy (Hangzhou 三(一)3 "两床"融合; Jiaxing 二(二)5 家庭养老床位;
Hechuan 二(七) 家庭养老床位与长期护理保险相衔接)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.core.fields import money_field


class BedStatus(models.TextChoices):
    ACTIVE = "active", _("服务中")
    ENDED = "ended", _("已终止")


class FamilyBed(models.Model):
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="family_beds")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    provider = models.ForeignKey(
        "homecare.Provider", on_delete=models.PROTECT, related_name="+", verbose_name=_("服务机构")
    )
    facility = models.ForeignKey(
        "facilities.Facility",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属养老机构"),
    )
    status = models.CharField(_("状态"), max_length=8, choices=BedStatus.choices, default=BedStatus.ACTIVE)
    tier = models.CharField(_("补贴档位"), max_length=60)
    monthly_subsidy = money_field(_("月补贴（元）"))
    assessment_note = models.CharField(_("入户评估意见"), max_length=500)
    adaptation_case = models.ForeignKey(
        "careathome.AdaptationCase",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("适老化改造个案"),
    )
    visit_every_days = models.PositiveSmallIntegerField(_("上门频次（天/次）"))
    starts_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("家庭养老床位")
        verbose_name_plural = _("家庭养老床位")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="active"), name="family_bed_one_active"
            ),
            models.CheckConstraint(condition=Q(visit_every_days__gte=1), name="family_bed_visit_every"),
        ]


class BedDevice(models.Model):
    """A monitoring device of the bed: the alarms module's device (registered through
    alarms.services.device_register, so its alarms route as every other)."""

    bed = models.ForeignKey(FamilyBed, on_delete=models.CASCADE, related_name="devices")
    device = models.OneToOneField("alarms.Device", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("床位监测设备")
        verbose_name_plural = _("床位监测设备")


class MissedVisit(models.Model):
    """The warning of one scheduled visit that no verified home-care visit met: raised once
    (unique per bed and due day)."""

    bed = models.ForeignKey(FamilyBed, on_delete=models.CASCADE, related_name="missed_visits")
    region_code = models.CharField(max_length=12, db_index=True)
    due_on = models.DateField(_("应上门日期"))
    period_end = models.DateField(_("周期截止"))
    raised_at = models.DateTimeField(_("预警时间"), auto_now_add=True)

    class Meta:
        ordering = ["-due_on"]
        verbose_name = _("漏访预警")
        verbose_name_plural = _("漏访预警")
        constraints = [models.UniqueConstraint(fields=["bed", "due_on"], name="missed_visit_once")]


class AdviserPlan(models.Model):
    """A person's care adviser (养老顾问, Jiaxing 二(二)5): one plan per person, held by one
    community or provider worker."""

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="adviser_plan")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("养老顾问")
    )
    assigned_at = models.DateTimeField(_("指定时间"), auto_now=True)

    class Meta:
        verbose_name = _("养老顾问照护计划")
        verbose_name_plural = _("养老顾问照护计划")


class ConsentPurpose(models.TextChoices):
    LTC = "ltc", _("代办长期护理失能评估申请")
    ADAPTATION = "adaptation", _("代办居家适老化改造申请")
    FAMILY_BED = "family_bed", _("代办家庭养老床位申请")
    ALLOWANCE = "allowance", _("代办老年人补贴申请")


class DelegationConsent(models.Model):
    """委托代办: the person (or a family member for them) agrees that the adviser applies for them."""

    plan = models.ForeignKey(AdviserPlan, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("代办事项"), max_length=12, choices=ConsentPurpose.choices)
    given_by = models.CharField(_("委托人"), max_length=60)
    relation = models.CharField(_("与老人关系"), max_length=20)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("委托代办")
        verbose_name_plural = _("委托代办")


class OnBehalfApplication(models.Model):
    """An application the adviser made for the person (委托代办), under a recorded consent: who applied,
    for whom, what, and the application it made (its kind and id in this module)."""

    plan = models.ForeignKey(AdviserPlan, on_delete=models.PROTECT, related_name="applications")
    consent = models.ForeignKey(DelegationConsent, on_delete=models.PROTECT, related_name="applications")
    purpose = models.CharField(_("代办事项"), max_length=12, choices=ConsentPurpose.choices)
    region_code = models.CharField(max_length=12, db_index=True)
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("代办人")
    )
    object_id = models.PositiveBigIntegerField(_("申请编号"))
    applied_at = models.DateTimeField(_("代办时间"), auto_now_add=True)

    class Meta:
        ordering = ["-applied_at"]
        verbose_name = _("委托代办申请")
        verbose_name_plural = _("委托代办申请")
