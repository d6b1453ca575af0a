"""Inspections on site (item 3) and the rectification loop (item 4): a drawn unit's inspection,
its checklist results with photo evidence, both inspectors' confirmations, the findings a failed
item raises, and the unit's answers to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecircle.oversight.models.base import DrawnUnit, InspectionItem, Unit


class InspectionState(models.TextChoices):
    ASSIGNED = "assigned", _("待检查")
    ON_SITE = "on_site", _("检查中")
    SUBMITTED = "submitted", _("待双人确认")
    CONFIRMED = "confirmed", _("已确认")


class Inspection(models.Model):
    drawn = models.OneToOneField(DrawnUnit, on_delete=models.PROTECT, related_name="inspection")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inspections")
    region_code = models.CharField(max_length=12, db_index=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=InspectionState.choices, default=InspectionState.ASSIGNED
    )
    checked_in_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.FloatField(_("到场纬度"), null=True, blank=True)
    longitude = models.FloatField(_("到场经度"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")


class Outcome(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
    NA = "na", _("不适用")


class ItemResult(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(InspectionItem, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("结果"), max_length=4, choices=Outcome.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    photo = models.CharField(_("照片"), max_length=80, blank=True)  # oversight/evidence.py file name
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="oversight_result_once")]


class Confirmation(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="confirmations")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "inspector"], name="oversight_confirm_once")
        ]


class Severity(models.TextChoices):
    MINOR = "minor", _("一般问题")
    SERIOUS = "serious", _("较严重问题")
    HAZARD = "hazard", _("重大隐患")


class FindingState(models.TextChoices):
    OPEN = "open", _("待整改")
    ANSWERED = "answered", _("已提交整改，待验收")
    CLOSED = "closed", _("整改完成")


class Finding(models.Model):
    """A failed item of a confirmed inspection: a rectification notice to the unit with a deadline."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    item = models.ForeignKey(InspectionItem, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="findings")
    region_code = models.CharField(max_length=12, db_index=True)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices)
    text = models.CharField(_("问题描述"), max_length=500)
    state = models.CharField(_("状态"), max_length=9, choices=FindingState.choices, default=FindingState.OPEN)
    deadline = models.DateField(_("整改期限"))
    issued_at = models.DateTimeField(_("下达时间"))
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("检查发现问题")
        verbose_name_plural = _("整改通知")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="oversight_finding_once")]


class Answer(models.Model):
    """The unit's answer to a finding with its evidence, and the inspector's decision on it."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="answers")
    text = models.CharField(_("整改情况"), max_length=500)
    evidence = models.CharField(_("整改照片"), max_length=80)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    accepted = models.BooleanField(_("验收通过"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("验收意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
