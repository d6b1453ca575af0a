"""Alarm-receiving centres, operators on shift and the rings of waiting alarms (issue 18, routing).

A centre is a district's alarm-receiving centre: it answers the incidents of the district's regions
(`region_code` is the district's code, a prefix of theirs). An operator signs on a shift at a
centre and off again; while on shift and not holding a call they are free. An incident that waits
unanswered past the centre's `ring_after_seconds` rings every free operator of the centre; past
`overflow_after_seconds` it rings the operators of the overflow centre (another district's) too.
Each stage rings once per incident (a unique constraint), so the periodic sweep and the delivery
worker may both try.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Centre(models.Model):
    region_code = models.CharField(_("所属区县"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    overflow = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("溢出中心"),
    )
    ring_after_seconds = models.PositiveIntegerField(_("未接警振铃本中心空闲坐席（秒）"), default=20)
    overflow_after_seconds = models.PositiveIntegerField(_("未接警振铃溢出中心（秒）"), default=60)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region_code"]
        verbose_name = _("接警中心")
        verbose_name_plural = _("接警中心")
        constraints = [
            models.CheckConstraint(
                condition=~Q(overflow=models.F("id")), name="alarm_centre_overflow_not_self"
            ),
        ]

    def __str__(self):
        return self.name


class Shift(models.Model):
    """An operator's shift at a centre: from signing on to signing off (open while `ended_at` is empty)."""

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alarm_shifts"
    )
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="shifts")
    region_code = models.CharField(max_length=12, db_index=True)  # the centre's district
    started_at = models.DateTimeField(_("上岗时间"))
    ended_at = models.DateTimeField(_("下岗时间"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("坐席班次")
        verbose_name_plural = _("坐席班次")
        constraints = [
            models.UniqueConstraint(
                fields=["operator"], condition=Q(ended_at__isnull=True), name="alarm_one_open_shift"
            ),
        ]
        indexes = [models.Index(fields=["centre", "ended_at"], name="alarm_shift_centre")]


class RingStage(models.IntegerChoices):
    CENTRE = 1, _("本中心空闲坐席")
    OVERFLOW = 2, _("溢出中心坐席")


class Ring(models.Model):
    """One stage of ringing a waiting incident: the centre rung and who was free then."""

    incident = models.ForeignKey("alarms.Incident", on_delete=models.CASCADE, related_name="rings")
    region_code = models.CharField(max_length=12, db_index=True)  # the incident's
    stage = models.PositiveSmallIntegerField(choices=RingStage.choices)
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="rings")
    at = models.DateTimeField()
    operators = models.JSONField(default=list, blank=True)  # ids of the operators free then

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "stage"], name="alarm_ring_once_per_stage"),
        ]
        indexes = [models.Index(fields=["centre", "at"], name="alarm_ring_centre")]
