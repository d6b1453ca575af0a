"""Training and integrity records of the register's workers (issue 21, items 3 and 4).

Training: a course (provider, hours, topic, the roles it is for), its sessions, and attendance of
workers at a session; a worker's training hours in a year are the sum of their attendance's hours
(the training rates: Yizhou 三(三), Qujing 三(五)2, workforce/training_targets.py).

Integrity (个人诚信, Jiaxing 二(五)14–16): a confirmed complaint, an abuse finding or a dismissal
for cause recorded against a worker with its source; the worker may appeal once, and the appeal is
decided by an official other than the one who recorded it (a constraint). The record carries the
worker's blind ID index so an employer finds a candidate's records across past employers."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from carecircle.workforce.models.workers import Caregiver


class TrainingTopic(models.TextChoices):
    CARE_SKILLS = "care_skills", _("护理技能")
    SAFETY = "safety", _("安全与应急")
    DEMENTIA = "dementia", _("认知障碍照护")
    CHILDCARE = "childcare", _("婴幼儿照护")
    HEALTH = "health", _("卫生保健")
    MANAGEMENT = "management", _("机构管理")
    ETHICS = "ethics", _("职业道德")


class Course(models.Model):
    title = models.CharField(_("课程名称"), max_length=100)
    provider = models.CharField(_("培训机构"), max_length=100)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    topic = models.CharField(_("主题"), max_length=20, choices=TrainingTopic.choices)
    roles = models.JSONField(_("适用岗位"), default=list)
    region_code = models.CharField(_("所在区域"), max_length=12, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=500), name="course_hours_range"),
            models.UniqueConstraint(fields=["region_code", "provider", "title"], name="course_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    region_code = models.CharField(_("所在区域"), max_length=12, db_index=True)
    day = models.DateField(_("培训日期"))
    place = models.CharField(_("培训地点"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "id"]
        verbose_name = _("培训场次")
        verbose_name_plural = _("培训场次")
        constraints = [
            models.UniqueConstraint(fields=["course", "day", "place"], name="session_unique"),
        ]


class Attendance(models.Model):
    """A worker at a session: hours attended (at most the course's) and whether they passed."""

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="attendance")
    worker = models.ForeignKey(Caregiver, on_delete=models.PROTECT, related_name="attendance")
    region_code = models.CharField(max_length=12, db_index=True)
    day = models.DateField(_("培训日期"), db_index=True)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    passed = models.BooleanField(_("考核合格"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "id"]
        verbose_name = _("培训签到")
        verbose_name_plural = _("培训签到")
        constraints = [
            models.UniqueConstraint(fields=["session", "worker"], name="attendance_once"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="attendance_hours_positive"),
        ]
        indexes = [models.Index(fields=["worker", "day"], name="attendance_worker_day")]


class IntegrityKind(models.TextChoices):
    COMPLAINT = "complaint", _("经核实的投诉")
    ABUSE = "abuse", _("虐待/侵害认定")
    DISMISSAL = "dismissal", _("因过错解除劳动合同")


class IntegritySource(models.TextChoices):
    COMPLAINT = "complaint", _("投诉核查")
    INSPECTION = "inspection", _("监督检查")
    EMPLOYER = "employer", _("用人单位报告")
    POLICE = "police", _("公安/司法机关认定")


class IntegrityStatus(models.TextChoices):
    IN_FORCE = "in_force", _("有效")
    APPEALED = "appealed", _("申诉中")
    UPHELD = "upheld", _("申诉驳回，维持")
    OVERTURNED = "overturned", _("申诉成立，已撤销")


class IntegrityRecord(models.Model):
    worker = models.ForeignKey(Caregiver, on_delete=models.PROTECT, related_name="integrity_records")
    id_index = models.CharField(max_length=64, db_index=True)
    region_code = models.CharField(_("所在区域"), max_length=12, db_index=True)
    kind = models.CharField(_("记录类别"), max_length=12, choices=IntegrityKind.choices)
    source = models.CharField(_("来源"), max_length=12, choices=IntegritySource.choices)
    source_ref = models.CharField(_("来源文号"), max_length=100)
    occurred_on = models.DateField(_("发生日期"))
    summary = models.CharField(_("事实摘要"), max_length=500)
    status = models.CharField(
        _("状态"), max_length=12, choices=IntegrityStatus.choices, default=IntegrityStatus.IN_FORCE
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    appeal_reason = models.CharField(_("申诉理由"), max_length=500, blank=True)
    appealed_at = models.DateTimeField(_("申诉时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    decision = models.CharField(_("复核意见"), max_length=500, blank=True)

    class Meta:
        ordering = ["-occurred_on", "id"]
        verbose_name = _("从业人员诚信记录")
        verbose_name_plural = _("从业人员诚信记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("recorded_by")),
                name="integrity_appeal_other_official",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["upheld", "overturned"])
                | (Q(decided_by__isnull=False) & ~Q(decision="")),
                name="integrity_decided_with_reason",
            ),
            models.UniqueConstraint(fields=["worker", "kind", "source_ref"], name="integrity_once"),
        ]
