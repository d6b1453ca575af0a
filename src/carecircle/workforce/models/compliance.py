"""Compliance of the register: expiry warnings sent (once per certificate and threshold) and the
roster (shifts of workers at a unit or a childcare class), whose ratios core the staffing checks."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.workforce.models.workers import Caregiver, Certificate

# Days before a certificate's last valid day when its holder and employer are warned (issue 21).
WARNING_DAYS = (90, 30, 7)


class CertificateWarning(models.Model):
    """One expiry warning that went out; the unique pair makes a second run send nothing."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="warnings")
    threshold = models.PositiveSmallIntegerField(_("提前天数"))
    sent_on = models.DateField(_("发送日期"))
    recipients = models.PositiveSmallIntegerField(_("接收人数"), default=0)

    class Meta:
        verbose_name = _("证书到期提醒")
        verbose_name_plural = _("证书到期提醒")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "threshold"], name="certwarning_once"),
        ]


class Shift(models.Model):
    """A worker on duty at a unit (facilities.Facility id), or in one childcare class of it
    (childcare.ChildClass id), on a day from `start` to `end` (same day)."""

    worker = models.ForeignKey(Caregiver, on_delete=models.PROTECT, related_name="shifts")
    unit_id = models.BigIntegerField(_("工作场所"), db_index=True)
    class_id = models.BigIntegerField(_("托育班级"), null=True, blank=True, db_index=True)
    region_code = models.CharField(max_length=12, db_index=True)
    day = models.DateField(_("日期"))
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "start", "id"]
        verbose_name = _("排班")
        verbose_name_plural = _("排班")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="shift_ends_after_start"),
            models.UniqueConstraint(fields=["worker", "day", "start"], name="shift_unique_start"),
        ]
        indexes = [models.Index(fields=["unit_id", "day"], name="shift_unit_day")]
