from typing import Any, NoReturn

from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecircle.core import regions
from carecircle.core.audit_actions import action_label
from carecircle.core.organisations import OrganisationKind
from carecircle.core.roles import Role


class UrbanRural(models.TextChoices):
    """国家统计局 统计用城乡划分代码 (城乡分类代码) of a village-level unit: 1xx 城镇, 2xx 乡村."""

    MAIN_URBAN = "111", _("主城区")
    URBAN_FRINGE = "112", _("城乡结合区")
    TOWN_CENTRE = "121", _("镇中心区")
    TOWN_FRINGE = "122", _("镇乡结合区")
    SPECIAL = "123", _("特殊区域")
    TOWNSHIP_CENTRE = "210", _("乡中心区")
    VILLAGE = "220", _("村庄")


def is_urban(code: str) -> bool:
    """城镇 (1xx) as opposed to 乡村 (2xx)."""
    return code.startswith("1")


class Region(models.Model):
    """A node of the division hierarchy, keyed by its 12-digit code."""

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=list(regions.LEVEL_NAMES.items()))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    boundary = models.JSONField(_("边界 GeoJSON"), null=True, blank=True)
    # Of a community or village (the statistical classification is given to village-level units).
    urban_rural = models.CharField(_("城乡分类代码"), max_length=3, choices=UrbanRural.choices, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return regions.prefix_of(self.code)


class User(AbstractUser):
    """A staff member, provider, caregiver, operator, inspector or resident.

    Lockout and second-factor state live here (等保 2.0: 登录失败处理, 双因素认证)."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_enabled = models.BooleanField(_("已启用动态口令"), default=False)
    # The time step of the last code accepted: a code is good once (RFC 6238 §5.2).
    totp_last_step = models.BigIntegerField(null=True, blank=True)
    # Tokens issued before this moment no longer work (core.services.token_user).
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    preferred_language = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class RoleGrant(models.Model):
    """A role a user holds over a region (and everything below it).

    A provider admin or caregiver acts for one organisation, named by its kind and id together
    (core/organisations.py): the ids of different kinds overlap, so neither is ever set alone."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("区域"))
    organisation_kind = models.CharField(
        _("机构类别"), max_length=24, choices=OrganisationKind.choices, blank=True, default=""
    )
    organisation_id = models.BigIntegerField(_("机构"), null=True, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One grant per role and region; acting for several organisations takes one grant each.
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=models.Q(organisation_kind=""),
                name="rolegrant_unique_staff",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region", "organisation_kind", "organisation_id"],
                condition=~models.Q(organisation_kind=""),
                name="rolegrant_unique_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(organisation_kind="", organisation_id__isnull=True)
                | (~models.Q(organisation_kind="") & models.Q(organisation_id__isnull=False)),
                name="rolegrant_organisation_named_with_kind",
            ),
        ]
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region_id}"


class ApiToken(models.Model):
    """A bearer token for integrations. Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")


class SignInThrottle(models.Model):
    """Failed sign-in attempts, counted in the database so that every server process shares them
    (core/throttle.py). One row per counter: `account` (a user name, kept as a hash: people type
    passwords into the name field), `account_ip` (a name from one address), `ip` (one address),
    `otp` (wrong codes of one account)."""

    kind = models.CharField(max_length=12)
    key = models.CharField(max_length=128)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(db_index=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="signinthrottle_unique")]
        verbose_name = _("登录失败计数")
        verbose_name_plural = _("登录失败计数")


class AuditEvent(models.Model):
    """Append-only trail of writes and of every view of unmasked personal data.

    The application never updates or deletes a row (save/delete refuse it, the admin is
    read-only); on PostgreSQL a trigger refuses it in the database as well."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: an account with a trail is deactivated, never deleted (the trail must stay whole).
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=40, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True, db_index=True)
    region_code = models.CharField(max_length=12, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    purpose = models.CharField(_("事由"), max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError(_("审计记录不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # noqa: ARG002 — Model.delete's signature; always refused
        raise ValidationError(_("审计记录不可删除"))

    @property
    def action_label(self) -> str:
        """The action's name in Chinese (core/audit_actions.py), for the audit log page."""
        return action_label(self.action)

    @property
    def object_label(self) -> str:
        """The object's kind by its model's name ("人员" for registry.person); the stored label when
        it names no model (an export, a batch of rows)."""
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type


class TaskRun(models.Model):
    """One periodic task's due slot. The unique key makes two schedulers (or a redelivered message)
    share one row; the row is a lease (owner, lease_until) until the work committed (state done), so
    a holder that died leaves a slot someone else takes over, never a slot that counts as run."""

    class State(models.TextChoices):
        RUNNING = "running", _("运行中")
        RETRY = "retry", _("等待重试")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        SUPERSEDED = "superseded", _("已被后续运行覆盖")

    name = models.CharField(max_length=120)
    slot = models.CharField(max_length=40)
    due_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.RUNNING)
    owner = models.CharField(max_length=200, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="taskrun_unique_slot")]
        indexes = [
            models.Index(fields=["state"], name="taskrun_state"),
            models.Index(fields=["name", "due_at"], name="taskrun_name_due"),
        ]


class VaultKeyState(models.Model):
    """The fingerprint of the vault key the personal data is encrypted under: one row (id 1).

    A fingerprint identifies the key and reveals nothing about it (vault.fingerprint); every start
    compares it with the key it was given (core/keyring.py). While `carecircle vault rotate` runs,
    `next_fingerprint` names the new key and `rotation_progress` holds, per table, the last primary
    key already re-encrypted under it, so that a rotation killed half-way goes on where it stopped."""

    fingerprint = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(default=timezone.now)
    next_fingerprint = models.CharField(max_length=64, blank=True)
    rotation_progress = models.JSONField(default=dict, blank=True)
    rotation_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="vaultkeystate_single_row")]


class ExportJob(models.Model):
    """An export of a staff list too large to answer at once (core/list_export.py): the list's
    name, its filter and sort as the page had them, who asked and why; a background task writes the
    workbook here. Only the requester downloads it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导出中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    list_name = models.CharField(_("名单"), max_length=60)
    title = models.CharField(_("名称"), max_length=100, blank=True)
    params = models.JSONField(default=dict, blank=True)
    purpose = models.CharField(_("事由"), max_length=200, blank=True)
    unmask = models.BooleanField(default=False)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已导出"), default=0)
    content = models.BinaryField(blank=True, default=b"")
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("名单导出")
        verbose_name_plural = _("名单导出")

    @property
    def percent(self) -> int:
        return min(100, self.processed_rows * 100 // self.total_rows) if self.total_rows else 0
