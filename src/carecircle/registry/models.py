from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecircle.core import leases
from carecircle.core.vault import EncryptedTextField, phone_index


def _fill_phone_index(row: "Person | FamilyContact", kwargs: dict[str, Any]) -> None:
    """Every save of a row with a phone keeps the phone's blind index with it (a bulk insert names
    `phone_index` itself: registry/imports.py, registry/demo.py); a save of other fields only, or of
    a row loaded without its phone, leaves the index as it is."""
    fields = kwargs.get("update_fields")
    if "phone" in row.get_deferred_fields() or (fields is not None and "phone" not in fields):
        return
    row.phone_index = phone_index(row.phone)
    if fields is not None:
        kwargs["update_fields"] = {*fields, "phone_index"}


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class StatusKind(models.TextChoices):
    """Facts about a person that hold for a period (DESIGN.md: statuses change over time)."""

    TEKUN = "tekun", _("特困")
    DIBAO = "dibao", _("低保")
    DIBAO_EDGE = "dibao_edge", _("低保边缘")
    LIVING_ALONE = "living_alone", _("独居")
    EMPTY_NEST = "empty_nest", _("空巢")
    LEFT_BEHIND = "left_behind", _("留守")
    SHIDU = "shidu", _("失独/计生特殊家庭")
    YOUFU = "youfu", _("优抚对象")
    SEVERE_DISABILITY = "severe_disability", _("重度残疾")
    CHILD_IN_DIFFICULTY = "child_in_difficulty", _("困境儿童")
    ORPHAN = "orphan", _("孤儿")
    HUJI = "huji", _("本地户籍")
    CHANGZHU = "changzhu", _("本地常住")
    DECEASED = "deceased", _("死亡")
    MOVED_AWAY = "moved_away", _("迁出")


# A person with one of these open statuses is no longer served here.
EXIT_STATUSES = {StatusKind.DECEASED, StatusKind.MOVED_AWAY}


class Household(models.Model):
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    address = EncryptedTextField(_("地址"), blank=True)
    address_masked = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("家庭户")
        verbose_name_plural = _("家庭户")


class Person(models.Model):
    """An older person (60+) or infant (0–3) of the area. Age groups are derived from
    birth_date, never stored; the ID number is held encrypted with a blind index."""

    VAULT_BLIND_INDEXES = {"id_hash": "id_number"}  # recomputed by a key rotation (core/keyrotation.py)
    VAULT_PHONE_INDEXES = {"phone_index": "phone"}  # the caller screen-pop finds a number by it

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"), db_index=True)
    id_number = EncryptedTextField(_("身份证号"))
    id_hash = models.CharField(max_length=64, unique=True)
    id_masked = models.CharField(_("身份证号"), max_length=18)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)  # vault.phone_index
    address = EncryptedTextField(_("居住地址"), blank=True)
    address_masked = models.CharField(_("居住地址"), max_length=40, blank=True)
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    # The person's own account, when they use the resident pages (长辈模式).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    source = models.CharField(_("来源"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        indexes = [models.Index(fields=["region_code", "birth_date"], name="person_region_birth")]

    def __str__(self):
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        _fill_phone_index(self, kwargs)
        super().save(*args, **kwargs)


class PersonStatus(models.Model):
    """A status that holds from valid_from to valid_to (inclusive; open-ended when null)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="statuses")
    region_code = models.CharField(max_length=12, db_index=True)
    kind = models.CharField(_("状况"), max_length=32, choices=StatusKind.choices)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=200)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-valid_from"]
        verbose_name = _("人员状况")
        verbose_name_plural = _("人员状况")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "valid_from"], name="status_unique_start"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="status_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["kind", "valid_from", "valid_to"], name="status_kind_period")]


class LinkState(models.TextChoices):
    """Whether a contact's account (`FamilyContact.user`) may act for the person: only an active
    link counts (`registry.selectors.family_persons`)."""

    PENDING = "pending", _("待确认")
    ACTIVE = "active", _("已生效")
    DECLINED = "declined", _("已拒绝")
    ENDED = "ended", _("已解除")


class LinkBasis(models.TextChoices):
    """How a link got its consent."""

    PERSON = "person", _("本人确认")
    WORKER = "worker", _("社区工作人员核验登记")
    LEGACY = "legacy", _("关联功能上线前登记")


class LinkEvidence(models.TextChoices):
    """What a community worker saw before recording a link."""

    HUKOU = "hukou", _("户口簿")
    BIRTH_CERTIFICATE = "birth_certificate", _("出生医学证明")
    KINSHIP_CERTIFICATE = "kinship_certificate", _("亲属关系证明")
    GUARDIANSHIP = "guardianship", _("监护关系证明")
    NOTARY = "notary", _("公证书或授权委托书")
    IN_PERSON = "in_person", _("本人到场当面确认")


class FamilyContact(models.Model):
    """A family member or other contact; `user` links a 子女 account (or a parent's account to an
    infant) to the person, with consent: the link is `link_state` ACTIVE only when the person's own
    account confirmed it or a community worker recorded it with the evidence seen
    (portal/accounts_links.py); either side may end it."""

    VAULT_PHONE_INDEXES = {"phone_index": "phone"}

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    region_code = models.CharField(max_length=12, db_index=True)
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("关系"), max_length=20)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)  # vault.phone_index
    is_emergency = models.BooleanField(_("紧急联系人"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="family_of"
    )
    # The database's defaults too: the registry's bulk inserts (core.bulk.insert_rows) name their columns.
    link_state = models.CharField(
        _("关联状态"),
        max_length=10,
        choices=LinkState.choices,
        default=LinkState.PENDING,
        db_default=LinkState.PENDING,
    )
    link_basis = models.CharField(
        _("关联依据"), max_length=10, choices=LinkBasis.choices, blank=True, default="", db_default=""
    )
    link_evidence = models.CharField(
        _("核验材料"), max_length=24, choices=LinkEvidence.choices, blank=True, default="", db_default=""
    )
    link_note = models.CharField(_("核验说明"), max_length=200, blank=True, default="", db_default="")
    link_requested_at = models.DateTimeField(_("申请时间"), null=True, blank=True)
    link_decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    link_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link_ended_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    link_ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("家属联系人")
        verbose_name_plural = _("家属联系人")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "user"], condition=Q(user__isnull=False), name="contact_unique_account"
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        _fill_phone_index(self, kwargs)
        super().save(*args, **kwargs)


class ImportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    file_name = models.CharField(_("文件"), max_length=255)
    stored_path = models.CharField(max_length=500)
    region_code = models.CharField(_("导入范围"), max_length=12, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    rejected_count = models.PositiveIntegerField(_("拒绝"), default=0)
    rejections = models.JSONField(default=list, blank=True)
    error = models.TextField(_("错误"), blank=True)
    # Who runs the job and whether they still do (core/leases.py): a job whose heartbeat stopped is
    # resumed after `resume_row`, the file row of its last committed batch, or marked failed.
    origin = models.CharField(
        max_length=8, choices=[("web", _("网页上传")), ("cli", _("命令行"))], default="web"
    )
    owner = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    file_deleted_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)  # registry/uploads.py
    attempts = models.PositiveSmallIntegerField(default=0)
    resume_row = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @staticmethod
    def stale_after() -> timedelta:
        """How old a heartbeat may be before its job counts as abandoned (CARECIRCLE_JOB_STALE_SECONDS)."""
        return timedelta(seconds=int(getattr(settings, "CARECIRCLE_JOB_STALE_SECONDS", 120)))

    def abandoned(self, now: datetime | None = None) -> bool:
        """Queued or running, but nobody works on it: its process died (this machine: at once;
        elsewhere: once its heartbeat is stale), or a queued job nobody picked up in time."""
        now = now or timezone.now()
        last = self.heartbeat_at or self.created_at
        if self.state == self.State.RUNNING:
            return leases.abandoned(self.owner, last + self.stale_after() if last else None, now)
        if self.state == self.State.QUEUED:
            return last is not None and last + self.stale_after() <= now
        return False

    @property
    def interrupted(self) -> bool:
        """Queued or running, but nobody works on it any more (its process died)."""
        return self.abandoned()

    @property
    def can_retry(self) -> bool:
        return self.state == self.State.FAILED or self.interrupted


class GuardianRelation(models.TextChoices):
    PARENT = "parent", _("父母")
    GRANDPARENT = "grandparent", _("祖父母/外祖父母")
    SIBLING = "sibling", _("成年兄姐")
    RELATIVE = "relative", _("其他亲属")
    FOSTER = "foster", _("寄养家庭")
    INSTITUTION = "institution", _("儿童福利机构")
    OTHER = "other", _("其他监护人")


class GuardianshipOutcome(models.TextChoices):
    GOOD = "good", _("监护良好")
    LACKING = "lacking", _("监护缺失")
    INTERVENE = "intervene", _("需干预")


class GuardianshipAssessment(models.Model):
    """A 监护评估 of a child in difficulty or an orphan (Hangzhou 三(二)2: 家庭走访、监护评估): who the
    guardian is, and whether the guardianship holds. The notes are personal and held encrypted."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guardianship_assessments")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    guardian_name = models.CharField(_("监护人"), max_length=50)
    relation = models.CharField(_("与儿童关系"), max_length=16, choices=GuardianRelation.choices)
    guardian_phone = EncryptedTextField(_("监护人电话"), blank=True)
    guardian_phone_masked = models.CharField(_("监护人电话"), max_length=20, blank=True)
    assessed_on = models.DateField(_("评估日期"))
    outcome = models.CharField(_("评估结论"), max_length=12, choices=GuardianshipOutcome.choices)
    notes = EncryptedTextField(_("评估情况"), blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessor_name = models.CharField(_("评估人"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("监护评估")
        verbose_name_plural = _("监护评估")
        indexes = [models.Index(fields=["person", "assessed_on"], name="guardianship_person_day")]
