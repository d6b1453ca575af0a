from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecircle.assessment.capability import LEVEL_NAMES
from carecircle.core.vault import shown_age_months

LEVEL_CHOICES = [(i, name) for i, name in enumerate(LEVEL_NAMES)]


class AssessmentReason(models.TextChoices):
    FIRST = "first", _("首次评估")
    ROUTINE = "routine", _("常规评估")
    CHANGE = "change", _("状况变化后的即时评估")
    REVIEW = "review", _("对结果有疑问的复评")


class CapabilityAssessment(models.Model):
    """One GB/T 42195-2022 assessment of a person. It holds from valid_from to valid_to (inclusive);
    a newer assessment ends it the day before its own date (superseded_by)."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="capability_assessments"
    )
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessor_name = models.CharField(_("评估员"), max_length=100)
    assessed_on = models.DateField(_("评估日期"))
    reason = models.CharField(
        _("评估原因"), max_length=10, choices=AssessmentReason.choices, default=AssessmentReason.FIRST
    )
    answers = models.JSONField(_("各条目得分"))
    coma = models.BooleanField(_("昏迷"), default=False)
    dementia_or_mental_disorder = models.BooleanField(_("确诊痴呆或精神和行为障碍"), default=False)
    risk_events_30d = models.PositiveSmallIntegerField(_("近30天照护风险事件"), default=0)
    self_care = models.PositiveSmallIntegerField(_("自理能力"))
    mobility = models.PositiveSmallIntegerField(_("基础运动能力"))
    mental = models.PositiveSmallIntegerField(_("精神状态"))
    perception = models.PositiveSmallIntegerField(_("感知觉与社会参与"))
    total = models.PositiveSmallIntegerField(_("总分"))
    preliminary_level = models.PositiveSmallIntegerField(_("初步等级"), choices=LEVEL_CHOICES)
    final_level = models.PositiveSmallIntegerField(_("能力等级"), choices=LEVEL_CHOICES)
    adjustments = models.JSONField(_("等级调整依据"), default=list, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("老年人能力评估")
        verbose_name_plural = _("老年人能力评估")
        constraints = [
            models.UniqueConstraint(fields=["person", "assessed_on"], name="assessment_one_per_day"),
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="assessment_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(final_level__lte=4) & Q(preliminary_level__lte=4), name="assessment_level_range"
            ),
            models.CheckConstraint(condition=Q(total__lte=90), name="assessment_total_range"),
        ]
        indexes = [models.Index(fields=["person", "valid_from", "valid_to"], name="assessment_validity")]

    @property
    def dimension_scores(self) -> dict[str, int]:
        return {"B.1": self.self_care, "B.2": self.mobility, "B.3": self.mental, "B.4": self.perception}


class CheckKind(models.TextChoices):
    MCHAT = "mchat", _("孤独症筛查(M-CHAT-R/F)")
    HEARING = "hearing", _("听力筛查")
    VISION = "vision", _("视力筛查")
    GROWTH = "growth", _("生长发育监测")


class ReferralStatus(models.TextChoices):
    NONE = "none", _("无需转介")
    PENDING = "pending", _("待转介")
    REFERRED = "referred", _("已转介")
    CLOSED = "closed", _("已结案")


class ChildCheck(models.Model):
    """A screening or check of an infant (医育结合): M-CHAT-R/F, hearing, vision or growth."""

    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="child_checks")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    kind = models.CharField(_("类别"), max_length=10, choices=CheckKind.choices)
    checked_on = models.DateField(_("检查日期"))
    age_months = models.PositiveSmallIntegerField(_("月龄"))
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    examiner_name = models.CharField(_("检查人"), max_length=100)
    data = models.JSONField(_("检查数据"))
    result = models.CharField(_("结论"), max_length=300)
    referral = models.CharField(
        _("转介"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.NONE
    )
    referral_reason = models.CharField(_("转介原因"), max_length=300, blank=True)
    referral_note = models.CharField(_("转介记录"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("儿童筛查记录")
        verbose_name_plural = _("儿童筛查记录")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "checked_on"], name="child_check_one_per_day"),
        ]
        indexes = [models.Index(fields=["region_code", "referral"], name="child_check_referral")]

    @property
    def shown_age_months(self) -> int:
        """The age at the check as masked views show it: from the birth month (core/vault.py); the
        exact `age_months` next to the check date would tell the day of birth."""
        return shown_age_months(self.person.birth_date, self.checked_on)


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交，等待受理")
    ACCEPTED = "accepted", _("已受理，已预约上门评估")
    REFUSED = "refused", _("不予受理")
    DONE = "done", _("已完成评估")


OPEN_REQUEST_STATES = (RequestState.SUBMITTED, RequestState.ACCEPTED)


class AssessmentRequest(models.Model):
    """A resident's (or their family's) request for a capability assessment (Hangzhou 三(一)5 网上
    业务办理; Qujing 三(一)5): submitted, then accepted with an appointment or refused with a reason,
    and done when an assessment of the person is recorded. One open request per person."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="assessment_requests"
    )
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessment_requests"
    )
    note = models.CharField(_("申请说明"), max_length=300, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=RequestState.choices, default=RequestState.SUBMITTED
    )
    appointment_on = models.DateField(_("预约评估日期"), null=True, blank=True)
    refused_reason = models.CharField(_("不予受理原因"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    assessment = models.ForeignKey(
        CapabilityAssessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("申请时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("能力评估申请")
        verbose_name_plural = _("能力评估申请")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=["submitted", "accepted"]),
                name="assessment_one_open_request",
            ),
        ]
