"""Writes of the core: sign-in with lockout and second factor, tokens, regions, users."""

import datetime
import hashlib
import secrets
from typing import NamedTuple

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, credentials, limits, regions, scope
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.models import Region, RoleGrant, User
from carecircle.core.organisations import ORGANISATION_ROLES, OrganisationKind
from carecircle.core.roles import Role


class LoginRefused(Unauthenticated):
    code = "login_refused"


def sign_in_check(*, username: str, password: str, request=None) -> User:
    """Check a password with the 等保 lockout rule; return the user or raise LoginRefused."""
    user = User.objects.filter(username=username).first()
    now = timezone.now()
    if user is not None and user.is_locked(now):
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise LoginRefused(_("账号已锁定，请%(m)d分钟后再试，或联系管理员解锁") % {"m": minutes})
    authed = authenticate(request, username=username, password=password)
    if authed is None:
        if user is not None:
            _count_failure(user, request)
        raise LoginRefused(_("用户名或密码错误"))
    if user.failed_logins:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    return authed


def _count_failure(user: User, request) -> None:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.failed_logins += 1
        if user.failed_logins >= settings.CARECIRCLE_LOGIN_MAX_FAILURES:
            user.locked_until = timezone.now() + datetime.timedelta(minutes=settings.CARECIRCLE_LOCKOUT_MINUTES)
            user.failed_logins = 0
            audit.record(actor=None, action="user.locked", obj=user, request=request, system=user.username)
        user.save(update_fields=["failed_logins", "locked_until"])


def totp_verify(user: User, code: str) -> bool:
    if not user.totp_enabled or not user.totp_secret:
        return True
    return pyotp.TOTP(user.totp_secret).verify((code or "").strip(), valid_window=1)


def totp_begin(*, user: User) -> str:
    """Start enrolling a second factor; returns the provisioning URI for an authenticator app."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = False
    user.save(update_fields=["totp_secret", "totp_enabled"])
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name="CareCircle")


def totp_confirm(*, user: User, code: str, request=None) -> None:
    if not user.totp_secret or not pyotp.TOTP(user.totp_secret).verify((code or "").strip(), valid_window=1):
        raise InvalidInput(_("动态口令不正确"), field="code")
    user.totp_enabled = True
    user.save(update_fields=["totp_enabled"])
    audit.record(actor=user, action="user.totp_enabled", obj=user, request=request)


def token_create(*, user: User, name: str, days: int | None = 365, request=None) -> tuple[ApiToken, str]:
    """Create an API token; the plain token is returned once and only its hash is stored."""
    if not (name or "").strip():
        raise InvalidInput(_("请填写令牌用途"), field="name")
    plain = "cc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=plain[:8],
        key_hash=hashlib.sha256(plain.encode()).hexdigest(),
        expires_at=timezone.now() + datetime.timedelta(days=days) if days else None,
    )
    audit.record(actor=user, action="token.create", obj=token, request=request, name=token.name)
    return token, plain


def token_user(plain: str) -> User | None:
    digest = hashlib.sha256((plain or "").encode()).hexdigest()
    token = ApiToken.objects.select_related("user").filter(key_hash=digest, revoked_at__isnull=True).first()
    now = timezone.now()
    if token is None or (token.expires_at and token.expires_at < now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, user: User, token_id: int, request=None) -> None:
    token = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(_("令牌不存在"))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=user, action="token.revoke", obj=token, request=request)


class RegionWrite(NamedTuple):
    region: Region
    created: bool
    changed: bool  # False when the row already held these values (nothing written, nothing audited)


def _require_region_write(actor, code: str, parent_code: str | None, exists: bool) -> None:
    """A user writes a region only inside their `region.manage` grants; a new code only under a
    parent they hold. The system (actor None: an operator's CLI run, migrations, fixtures) may write any."""
    if actor is None:
        return
    if exists and scope.has_perm(actor, "region.manage", code):
        return
    if not exists and parent_code and scope.has_perm(actor, "region.manage", parent_code):
        return
    if exists:
        raise Forbidden(_("区划%(c)s不在您的管辖范围内，不能修改") % {"c": code}, field="code")
    raise Forbidden(_("不能新增区划%(c)s：其上级区划不在您的管辖范围内") % {"c": code}, field="code")



@transaction.atomic
def region_upsert(
    *, actor, code: str, name: str, latitude=None, longitude=None, boundary=None, request=None
) -> RegionWrite:
    """Create or update one region; its parent must already exist (except a province).

    `actor` is who writes (None: the system). Scope is checked before anything else, and every
    write is audited with the region's code; a row that already holds these values is not rewritten."""
    if not regions.is_valid_code(code):
        raise InvalidInput(_("区划代码应为12位数字：%(c)s") % {"c": code}, field="code")
    existing = Region.objects.select_for_update().filter(code=code).first()
    parent_code = regions.parent_code_of(code)
    _require_region_write(actor, code, parent_code, existing is not None)
    if not (name or "").strip():
        raise InvalidInput(_("名称不能为空"), field="name")
    latitude, longitude = limits.check_coordinates(latitude, longitude, fields=("纬度", "经度"))
    parent = Region.objects.filter(code=parent_code).first() if parent_code else None
    if parent is None and regions.level_of(code) == regions.DISTRICT:
        # 省直辖县级 (e.g. 仙桃市 429004) hang from the province: their "city" code does not exist.
        parent = Region.objects.filter(code=code[:2] + "0" * 10).first()
    if parent is None and regions.level_of(code) != regions.PROVINCE:
        raise InvalidInput(_("上级区划不存在：%(c)s") % {"c": parent_code}, field="code")
    values = {"name": name.strip(), "level": regions.level_of(code), "parent_id": parent.code if parent else None,
              "latitude": latitude, "longitude": longitude, "boundary": boundary}
    if existing is None:
        region = Region.objects.create(code=code, **values)
        audit.record(actor=actor, action="region.create", obj=region, object_id=code, region_code=code,
                     request=request, name=region.name)
        return RegionWrite(region, True, True)
    before = {k: getattr(existing, k) for k, v in values.items() if getattr(existing, k) != v}
    if not before:
        return RegionWrite(existing, False, False)
    for k, v in values.items():
        setattr(existing, k, v)
    existing.save()
    if "boundary" in before:
        before["boundary"] = "…" if before["boundary"] else None  # shapes are large: only that it changed
    audit.record(actor=actor, action="region.update", obj=existing, object_id=code, region_code=code,
                 request=request, before=before)
    return RegionWrite(existing, False, True)


@transaction.atomic
def user_create(
    *, actor, username: str, password: str, display_name: str = "", role: str, region_code: str, request=None
) -> User:
    if role not in Role.values:
        raise InvalidInput(_("未知的角色：%(r)s") % {"r": role}, field="role")
    if actor is not None:
        scope.require(actor, "user.manage", region_code)
    if User.objects.filter(username=username).exists():
        raise Conflict(_("用户名已存在"), field="username")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise InvalidInput(_("未知的区划代码：%(c)s") % {"c": region_code}, field="region_code")
    user = User(username=username, display_name=display_name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("；".join(exc.messages), field="password") from None
    user.set_password(password)
    user.save()
    RoleGrant.objects.create(user=user, role=role, region=region)
    audit.record(actor=actor, action="user.create", obj=user, request=request, role=role, region=region_code)
    return user


def role_grant(
    *, actor, user: User, role: str, region_code: str, organisation_kind: str = "", organisation_id=None,
    request=None,
) -> RoleGrant:
    """Grant `role` over `region_code`; a provider admin or caregiver acts for one organisation, named
    by its kind and id together (core/organisations.py)."""
    if role not in Role.values:
        raise InvalidInput(_("未知的角色：%(r)s") % {"r": role}, field="role")
    organisation_kind = str(organisation_kind or "")
    if organisation_kind and organisation_kind not in OrganisationKind.values:
        raise InvalidInput(_("未知的机构类别：%(k)s") % {"k": organisation_kind}, field="organisation_kind")
    if bool(organisation_kind) != (organisation_id is not None):
        raise InvalidInput(_("机构须同时写明类别和编号"), field="organisation_kind" if organisation_id else "organisation_id")
    if organisation_kind and role not in ORGANISATION_ROLES:
        raise InvalidInput(_("%(r)s 不代表机构，不能指定所属机构") % {"r": Role(role).label}, field="organisation_id")
    if actor is not None and not scope.has_perm(actor, "user.manage", region_code):
        raise Forbidden()
    grant, _created = RoleGrant.objects.get_or_create(
        user=user, role=role, region_id=region_code, organisation_kind=organisation_kind,
        organisation_id=organisation_id,
    )
    audit.record(actor=actor, action="role.grant", obj=user, request=request, role=role, region=region_code,
                 organisation_kind=organisation_kind, organisation_id=organisation_id)
    user.__dict__.pop("_carecircle_grants", None)
    return grant
