"""Early warnings (预警, issue 20 item 6): rules as data (a CEL condition over signals the platform
already holds, oversight/warnings.py), and the warnings they raise — once per rule, subject and
month, however often the check runs (the unique constraint), each for its region's inspectors."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecircle.oversight.models.base import Unit


class SubjectKind(models.TextChoices):
    UNIT = "unit", _("监管对象")
    COMMUNITY = "community", _("社区")


class WarningLevel(models.TextChoices):
    LOW = "low", _("一般")
    MEDIUM = "medium", _("较重")
    HIGH = "high", _("严重")


class WarningState(models.TextChoices):
    OPEN = "open", _("待处理")
    TO_INSPECT = "to_inspect", _("待检查")
    DISMISSED = "dismissed", _("已排除")


class WarningRule(models.Model):
    """One warning rule: a CEL condition over the signal variables of its subject kind."""

    name = models.CharField(_("规则名称"), max_length=100, unique=True)
    subject_kind = models.CharField(_("预警对象"), max_length=10, choices=SubjectKind.choices)
    expression = models.TextField(_("预警条件（CEL）"))
    level = models.CharField(_("预警等级"), max_length=8, choices=WarningLevel.choices)
    deadline_days = models.PositiveSmallIntegerField(_("处理时限（天）"), default=15)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["subject_kind", "name"]
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")

    def __str__(self) -> str:
        return self.name


class EarlyWarning(models.Model):
    """A warning raised by a rule for a subject in a month, handled by its region's inspectors."""

    rule = models.ForeignKey(WarningRule, on_delete=models.PROTECT, related_name="warnings")
    subject_kind = models.CharField(_("预警对象"), max_length=10, choices=SubjectKind.choices)
    subject_key = models.CharField(max_length=24)  # the unit's id, or the community's code
    subject_name = models.CharField(_("对象名称"), max_length=120)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="warnings")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    period = models.CharField(_("期间"), max_length=7)  # YYYY-MM
    level = models.CharField(_("预警等级"), max_length=8, choices=WarningLevel.choices)
    signals = models.JSONField(_("触发时的指标"), default=dict)
    raised_at = models.DateTimeField(_("预警时间"))
    deadline = models.DateField(_("处理时限"))
    state = models.CharField(
        _("状态"), max_length=10, choices=WarningState.choices, default=WarningState.OPEN
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    note = models.CharField(_("处理说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_kind", "subject_key", "period"], name="oversight_warning_once"
            )
        ]
        indexes = [models.Index(fields=["state", "deadline"], name="oversight_warning_state")]

    def __str__(self) -> str:
        return f"{self.rule.name}：{self.subject_name}"
