from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class VisitGroup(models.TextChoices):
    """Who is visited: registry statuses, plus two derived groups (age 80+, assessed disability)."""

    TEKUN = "tekun", _("特困")
    DIBAO = "dibao", _("低保")
    LIVING_ALONE = "living_alone", _("独居")
    EMPTY_NEST = "empty_nest", _("空巢")
    LEFT_BEHIND = "left_behind", _("留守")
    SHIDU = "shidu", _("失独/计生特殊家庭")
    SEVERE_DISABILITY = "severe_disability", _("重度残疾")
    DISABLED = "disabled", _("失能（评估轻度及以上）")
    SENIOR80 = "senior80", _("高龄(80+)")
    CHILD_IN_DIFFICULTY = "child_in_difficulty", _("困境儿童")
    ORPHAN = "orphan", _("孤儿")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    BIWEEKLY = "biweekly", _("每半月")
    MONTHLY = "monthly", _("每月")


# Visits per month, for picking the most frequent rule among a person's groups.
FREQUENCY_RANK: dict[str, int] = {Frequency.MONTHLY: 1, Frequency.BIWEEKLY: 2, Frequency.WEEKLY: 4}


class VisitRule(models.Model):
    """How often a group is visited in a region. The rule of the most specific region holding a
    person applies; an inactive rule there means that group is not visited there."""

    region_code = models.CharField(_("适用区域"), max_length=12, db_index=True)
    group = models.CharField(_("对象类别"), max_length=24, choices=VisitGroup.choices)
    frequency = models.CharField(_("探访频次"), max_length=10, choices=Frequency.choices)
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region_code", "group"]
        verbose_name = _("探访规则")
        verbose_name_plural = _("探访规则")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "group"], name="visit_rule_one_per_group")
        ]


class PlanStatus(models.TextChoices):
    PLANNED = "planned", _("待探访")
    DONE = "done", _("已探访")
    CANCELLED = "cancelled", _("已取消")


class VisitPlan(models.Model):
    """One visit due for a person in a period (a month, half-month or week slot of a month)."""

    # No separate FK indexes: (person, period_start) and (assignee, period_start) lead with them,
    # and every extra index costs time on the monthly bulk insert of a million plans.
    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="visit_plans", db_index=False
    )
    region_code = models.CharField(_("所属社区"), max_length=12)
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("应访日期"))
    frequency = models.CharField(_("探访频次"), max_length=10, choices=Frequency.choices)
    reasons = models.CharField(_("列入原因"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit_plans",
        db_index=False,
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.PLANNED
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period_end", "region_code", "id"]
        verbose_name = _("探访计划")
        verbose_name_plural = _("探访计划")
        constraints = [
            models.UniqueConstraint(fields=["person", "period_start"], name="visit_plan_one_per_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="visit_plan_period_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["region_code", "period_start"], name="visit_plan_region_period"),
            models.Index(fields=["assignee", "period_start"], name="visit_plan_assignee_period"),
            models.Index(fields=["status", "period_end"], name="visit_plan_status_due"),
        ]


class Place(models.TextChoices):
    HOME = "home", _("入户")
    PHONE = "phone", _("电话")
    VIDEO = "video", _("视频")
    OUTSIDE = "outside", _("社区/户外")


class Seen(models.TextChoices):
    SELF = "self", _("见到本人")
    FAMILY = "family", _("仅见到家属/照护人")
    NOBODY = "nobody", _("未见到（未遇）")


class Condition(models.TextChoices):
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")
    CRITICAL = "critical", _("危急")


class Need(models.TextChoices):
    MEAL = "meal", _("助餐")
    BATH = "bath", _("助浴")
    CLEAN = "clean", _("助洁")
    MEDICAL = "medical", _("助医")
    MOBILITY = "mobility", _("助行")
    EMERGENCY = "emergency", _("助急")
    SHOPPING = "shopping", _("助购")
    COMPANY = "company", _("精神慰藉")
    HOUSING = "housing", _("居住安全")
    BENEFIT = "benefit", _("救助/补贴")


class CareVisit(models.Model):
    """A visit as it happened. A visit that saw the person (or their carer) completes its plan;
    an unanswered door leaves the plan open."""

    plan = models.ForeignKey(
        VisitPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="care_visits")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    visitor_name = models.CharField(_("探访人"), max_length=100)
    visited_at = models.DateTimeField(_("探访时间"))
    place = models.CharField(_("方式"), max_length=10, choices=Place.choices)
    seen = models.CharField(_("见到"), max_length=10, choices=Seen.choices)
    condition = models.CharField(_("状况"), max_length=10, choices=Condition.choices, blank=True)
    needs = models.JSONField(_("发现的需求"), default=list, blank=True)
    notes = models.CharField(_("情况记录"), max_length=1000, blank=True)
    follow_up = models.BooleanField(_("需跟进"), default=False)
    follow_up_done = models.BooleanField(_("已跟进"), default=False)
    # The alarm incident raised from this visit (alarms module), by id: no hard dependency.
    alarm_incident_id = models.PositiveBigIntegerField(_("紧急事件编号"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_at", "-id"]
        verbose_name = _("探访记录")
        verbose_name_plural = _("探访记录")
        indexes = [models.Index(fields=["region_code", "visited_at"], name="care_visit_region_time")]

    @property
    def need_labels(self) -> list[str]:
        return [str(Need(n).label) for n in self.needs if n in Need.values]
