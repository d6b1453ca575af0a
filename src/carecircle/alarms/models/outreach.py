"""Proactive wellbeing calls (主动关怀, issue 18): who is called and how often, as rows; the calls
the daily generation makes (one per rule, person and schedule slot); every attempt at a call.

A rule's population is a registry population group (registry/groups.py), a registry status held
on the day, or "had an incident lately" (this module's own incidents). There is no hospital
discharge in the registry, so no rule for it: a registry status for it is the way to add one.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutreachCondition(models.TextChoices):
    GROUP = "group", _("人群类别")  # `value` is a population group code (registry/groups.py)
    STATUS = "status", _("登记状况")  # `value` is a registry status kind (registry StatusKind)
    INCIDENT = "incident", _("近期发生警情")  # an incident in the last `lookback_days` days


class OutreachRule(models.Model):
    """Who gets scheduled wellbeing calls and how often: every `every_days` days (slots counted
    from a Monday, so 7 is a calendar week), at most `max_calls` calls after the event that put the
    person in (an incident; empty: no limit), done by `due_hour` o'clock of the scheduled day; an
    unanswered call is tried `max_attempts` times, `retry_minutes` apart, then the community visits."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    condition = models.CharField(_("对象条件"), max_length=12, choices=OutreachCondition.choices)
    value = models.CharField(_("人群类别/状况"), max_length=40, blank=True)
    lookback_days = models.PositiveSmallIntegerField(_("回看天数"), default=14)
    every_days = models.PositiveSmallIntegerField(_("间隔天数"), default=7)
    max_calls = models.PositiveSmallIntegerField(_("最多次数"), null=True, blank=True)
    due_hour = models.PositiveSmallIntegerField(_("当日完成时限（时）"), default=17)
    max_attempts = models.PositiveSmallIntegerField(_("无人接听最多拨打次数"), default=3)
    retry_minutes = models.PositiveIntegerField(_("重拨间隔（分钟）"), default=120)
    visit_within_days = models.PositiveSmallIntegerField(_("转社区探访时限（天）"), default=1)
    script = models.TextField(_("话术"))
    region_prefix = models.CharField(_("适用区划前缀"), max_length=12, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("主动关怀规则")
        verbose_name_plural = _("主动关怀规则")
        constraints = [
            models.CheckConstraint(condition=models.Q(every_days__gte=1), name="outreach_rule_every"),
            models.CheckConstraint(condition=models.Q(max_attempts__gte=1), name="outreach_rule_attempts"),
            models.CheckConstraint(condition=models.Q(due_hour__lte=24), name="outreach_rule_due_hour"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The population names what the registry defines (the admin's form shows the message)."""
        from carecircle.core.errors import InvalidInput  # noqa: PLC0415 — loaded after the models
        from carecircle.registry import selectors as registry  # noqa: PLC0415 — the same
        from carecircle.registry.models import StatusKind  # noqa: PLC0415 — the same

        if self.condition == OutreachCondition.GROUP:
            try:
                registry.population_group(self.value)
            except InvalidInput:
                raise ValidationError({"value": _("未知的人群类别：%(v)s") % {"v": self.value}}) from None
        if self.condition == OutreachCondition.STATUS and self.value not in StatusKind.values:
            raise ValidationError({"value": _("未知的登记状况：%(v)s") % {"v": self.value}})
        if self.condition == OutreachCondition.INCIDENT and self.value:
            raise ValidationError({"value": _("“近期发生警情”无需填写人群类别/状况")})
        if len(self.script or "") > 400:
            raise ValidationError({"script": _("话术请控制在400字以内（一通电话的简短开场）")})


class OutreachState(models.TextChoices):
    PENDING = "pending", _("待拨打")
    RETRY = "retry", _("待重拨")
    WELL = "well", _("平安")
    SERVICE = "service", _("需要服务")
    VISIT = "visit", _("转社区探访")


OUTREACH_OPEN = (OutreachState.PENDING, OutreachState.RETRY)


class OutreachResult(models.TextChoices):
    WELL = "well", _("平安")
    SERVICE = "service", _("需要服务")
    NO_ANSWER = "no_answer", _("无人接听")


class OutreachCall(models.Model):
    """One scheduled wellbeing call: exactly one per rule, person and slot (the slot's first day)."""

    rule = models.ForeignKey(OutreachRule, on_delete=models.PROTECT, related_name="calls")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="outreach_calls")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    slot_start = models.DateField(_("周期开始"))
    scheduled_for = models.DateField(_("计划日期"))
    due_at = models.DateTimeField(_("完成时限"))
    state = models.CharField(
        _("状态"), max_length=10, choices=OutreachState.choices, default=OutreachState.PENDING
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outreach_calls",
        verbose_name=_("坐席"),
    )
    attempts = models.PositiveSmallIntegerField(_("已拨打次数"), default=0)
    first_attempt_at = models.DateTimeField(_("首次拨打"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("下次拨打"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    service_item = models.CharField(_("所需服务"), max_length=30, blank=True)  # homecare item code
    note = models.CharField(_("情况记录"), max_length=500, blank=True)
    visit_plan_id = models.PositiveBigIntegerField(_("社区探访计划"), null=True, blank=True)  # carevisits
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheduled_for", "due_at", "id"]
        verbose_name = _("主动关怀电话")
        verbose_name_plural = _("主动关怀电话")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "person", "slot_start"], name="outreach_call_once_per_slot"
            )
        ]
        indexes = [
            models.Index(fields=["assignee", "scheduled_for"], name="outreach_assignee_day"),
            models.Index(fields=["region_code", "scheduled_for"], name="outreach_region_day"),
            models.Index(fields=["person", "rule", "slot_start"], name="outreach_person_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.scheduled_for}"

    @property
    def is_open(self) -> bool:
        return self.state in OUTREACH_OPEN


class OutreachAttempt(models.Model):
    """One attempt at a call, as recorded; the idempotency key makes a double submit one attempt."""

    call = models.ForeignKey(OutreachCall, on_delete=models.CASCADE, related_name="attempt_rows")
    region_code = models.CharField(max_length=12, db_index=True)
    number = models.PositiveSmallIntegerField(_("第几次"))
    at = models.DateTimeField(_("拨打时间"))
    result = models.CharField(_("结果"), max_length=10, choices=OutreachResult.choices)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    operator_name = models.CharField(_("坐席"), max_length=100, blank=True)
    note = models.CharField(_("情况记录"), max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["call", "number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="outreach_attempt_number_once")
        ]
