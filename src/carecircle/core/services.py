"""Writes of the core: regions, users; sign-in, second factor and tokens (from core/credentials.py)."""

from typing import Any, NamedTuple

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from carecircle.core import audit, limits, regions, scope
from carecircle.core import credentials as credentials  # re-exported: pages read its constants (CODE, ENROL)
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.models import Region, RoleGrant, UrbanRural, User
from carecircle.core.organisations import ORGANISATION_ROLES, OrganisationKind
from carecircle.core.roles import Role
from carecircle.core.types import Actor

# Signing in, the second factor and API tokens live in core/credentials.py: one path for every way
# in (login page, Django admin, token endpoint). They are part of this module's interface.
LoginRefused = credentials.LoginRefused
SecondFactorRequired = credentials.SecondFactorRequired
EnrolmentRequired = credentials.EnrolmentRequired
SignIn = credentials.SignIn
totp_required = credentials.totp_required
second_factor_of = credentials.second_factor_of
sign_in_check = credentials.sign_in_check
sign_in_second_factor = credentials.sign_in_second_factor
sign_in_complete = credentials.sign_in_complete
token_obtain = credentials.token_obtain
totp_begin = credentials.totp_begin
totp_confirm = credentials.totp_confirm
totp_disable = credentials.totp_disable
totp_reset = credentials.totp_reset
user_unlock = credentials.user_unlock
token_create = credentials.token_create
token_user = credentials.token_user
token_revoke = credentials.token_revoke
tokens_revoke_all = credentials.tokens_revoke_all


class RegionWrite(NamedTuple):
    region: Region
    created: bool
    changed: bool  # False when the row already held these values (nothing written, nothing audited)


def _require_region_write(actor: Actor, code: str, parent_code: str | None, exists: bool) -> None:
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
    *,
    actor: Actor,
    code: str,
    name: str,
    latitude: float | None = None,
    longitude: float | None = None,
    boundary: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    urban_rural: str | None = None,
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
    values = {
        "name": name.strip(),
        "level": regions.level_of(code),
        "parent_id": parent.code if parent else None,
        "latitude": latitude,
        "longitude": longitude,
        "boundary": boundary,
    }
    if urban_rural is not None:  # None: leave the classification as it is
        values["urban_rural"] = _urban_rural(code, urban_rural)
    if existing is None:
        region = Region.objects.create(code=code, **values)
        audit.record(
            actor=actor,
            action=AuditAction.REGION_CREATE,
            obj=region,
            object_id=code,
            region_code=code,
            request=request,
            name=region.name,
        )
        return RegionWrite(region, True, True)
    before = {k: getattr(existing, k) for k, v in values.items() if getattr(existing, k) != v}
    if not before:
        return RegionWrite(existing, False, False)
    for k, v in values.items():
        setattr(existing, k, v)
    existing.save()
    if "boundary" in before:
        before["boundary"] = "…" if before["boundary"] else None  # shapes are large: only that it changed
    audit.record(
        actor=actor,
        action=AuditAction.REGION_UPDATE,
        obj=existing,
        object_id=code,
        region_code=code,
        request=request,
        before=before,
    )
    return RegionWrite(existing, False, True)


def _urban_rural(code: str, value: str) -> str:
    """A 城乡分类代码 (国家统计局 统计用城乡划分代码), given to communities and villages only; "" clears it."""
    value = value.strip()
    if not value:
        return ""
    if value not in UrbanRural.values:
        raise InvalidInput(
            _("城乡分类代码应为 %(v)s 之一") % {"v": "、".join(UrbanRural.values)}, field="urban_rural"
        )
    if regions.level_of(code) != regions.COMMUNITY:
        raise InvalidInput(_("城乡分类代码只用于社区(村)"), field="urban_rural")
    return value


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    display_name: str = "",
    role: str,
    region_code: str,
    request: HttpRequest | None = None,
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
    audit.record(
        actor=actor, action=AuditAction.USER_CREATE, obj=user, request=request, role=role, region=region_code
    )
    return user


def role_grant(
    *,
    actor: Actor,
    user: User,
    role: str,
    region_code: str,
    organisation_kind: str = "",
    organisation_id: int | None = None,
    request: HttpRequest | None = None,
) -> RoleGrant:
    """Grant `role` over `region_code`; a provider admin or caregiver acts for one organisation, named
    by its kind and id together (core/organisations.py)."""
    if role not in Role.values:
        raise InvalidInput(_("未知的角色：%(r)s") % {"r": role}, field="role")
    organisation_kind = str(organisation_kind or "")
    if organisation_kind and organisation_kind not in OrganisationKind.values:
        raise InvalidInput(_("未知的机构类别：%(k)s") % {"k": organisation_kind}, field="organisation_kind")
    if bool(organisation_kind) != (organisation_id is not None):
        raise InvalidInput(
            _("机构须同时写明类别和编号"), field="organisation_kind" if organisation_id else "organisation_id"
        )
    if organisation_kind and role not in ORGANISATION_ROLES:
        raise InvalidInput(
            _("%(r)s 不代表机构，不能指定所属机构") % {"r": Role(role).label}, field="organisation_id"
        )
    if actor is not None and not scope.has_perm(actor, "user.manage", region_code):
        raise Forbidden()
    grant, _created = RoleGrant.objects.get_or_create(
        user=user,
        role=role,
        region_id=region_code,
        organisation_kind=organisation_kind,
        organisation_id=organisation_id,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ROLE_GRANT,
        obj=user,
        request=request,
        role=role,
        region=region_code,
        organisation_kind=organisation_kind,
        organisation_id=organisation_id,
    )
    scope.forget(user)
    return grant
