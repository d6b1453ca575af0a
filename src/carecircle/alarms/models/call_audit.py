"""Call quality audit (issue 18, item 6): each month a reproducible random sample of the incidents
each operator handled, reviewed by a supervisor against a checklist kept as data.

A month is drawn once (unique month); its seed is stored, so anyone can draw it again from the seed
and the month's handled incidents and find the same sample (alarms/call_audit.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecircle.alarms.models.base import Incident


class CallAuditItem(models.Model):
    """One item of the checklist (greeting and identity check, address confirmed, …): data, kept in
    the admin; an item no longer used is made inactive, so past reviews keep their meaning."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    label = models.CharField(_("检查项"), max_length=100)
    hint = models.CharField(_("说明"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    weight = models.PositiveSmallIntegerField(_("分值权重"), default=1)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("通话质检项")
        verbose_name_plural = _("通话质检项")

    def __str__(self) -> str:
        return str(self.label)


class CallAuditDraw(models.Model):
    """One month's sample: drawn once, with the seed that reproduces it."""

    month = models.DateField(_("月份"), unique=True)  # the first day of the month
    seed = models.CharField(_("随机种子"), max_length=64)
    per_operator = models.PositiveSmallIntegerField(_("每名坐席抽取"), default=2)
    handled = models.PositiveIntegerField(_("当月办结警情"), default=0)
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("通话质检抽样")
        verbose_name_plural = _("通话质检抽样")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class CallAuditState(models.TextChoices):
    PENDING = "pending", _("待评审")
    REVIEWED = "reviewed", _("已评审")


class CallAudit(models.Model):
    """One sampled incident of one operator, and its review."""

    draw = models.ForeignKey(CallAuditDraw, on_delete=models.CASCADE, related_name="audits")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="call_audits")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    ticket = models.CharField(max_length=64)  # sha256(seed|incident id): the smallest per operator are drawn
    state = models.CharField(
        _("状态"), max_length=12, choices=CallAuditState.choices, default=CallAuditState.PENDING
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("评审时间"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)  # 0-100, weighted
    passed = models.BooleanField(_("合格"), null=True, blank=True)
    comment = models.CharField(_("评语"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-draw__month", "operator_id", "ticket"]
        verbose_name = _("通话质检")
        verbose_name_plural = _("通话质检")
        constraints = [models.UniqueConstraint(fields=["draw", "incident"], name="alarm_call_audit_once")]

    def __str__(self) -> str:
        return f"{self.draw} #{self.incident_id}"


class CallAuditAnswer(models.Model):
    """A review's verdict on one checklist item."""

    audit = models.ForeignKey(CallAudit, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(CallAuditItem, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("通过"))

    class Meta:
        ordering = ["item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["audit", "item"], name="alarm_call_audit_answer_once")]
