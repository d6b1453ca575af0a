"""Reads of the core, scoped."""

from typing import Any, TypedDict

from django.db.models import QuerySet

from carecircle.core import regions as codes
from carecircle.core import scope
from carecircle.core.errors import NotFound
from carecircle.core.models import AuditEvent, Region, User
from carecircle.core.types import Actor


class GrantRow(TypedDict):
    role: str
    role_name: str
    region_code: str
    region_name: str


class MeRow(TypedDict):
    username: str
    display_name: str
    grants: list[GrantRow]


class RegionRow(TypedDict):
    code: str
    name: str
    level: int
    parent_code: str | None
    latitude: float | None
    longitude: float | None


class AuditRow(TypedDict):
    id: int
    at: str
    username: str
    action: str
    object_type: str
    object_id: str
    region_code: str
    purpose: str
    ip: str | None
    detail: dict[str, Any]  # the JSON an audit row carries (audit.record's keyword arguments)


def me(*, user: User) -> MeRow:
    grants = user.grants.select_related("region")
    return {
        "username": user.username,
        "display_name": user.display_name,
        "grants": [
            {
                "role": g.role,
                "role_name": str(g.get_role_display()),
                "region_code": g.region_id,
                "region_name": g.region.name,
            }
            for g in grants
        ],
    }


def visible_regions(user: Actor, perm: str = "region.view") -> QuerySet[Region]:
    """Regions inside the user's grants, plus the ancestors of those grants (for breadcrumbs)."""
    return scope.in_scope(Region.objects.all(), user, perm, field="code")


def region_list(*, user: Actor, parent: str = "", level: int | None = None) -> list[RegionRow]:
    qs = visible_regions(user)
    if parent:
        qs = qs.filter(parent_id=parent)
    if level:
        qs = qs.filter(level=level)
    return [region_row(r) for r in qs[:5000]]


def region_get(*, user: Actor, code: str) -> RegionRow:
    region = visible_regions(user).filter(code=code).first()
    if region is None:
        raise NotFound()
    return region_row(region)


def region_row(r: Region) -> RegionRow:
    return {
        "code": r.code,
        "name": r.name,
        "level": r.level,
        "parent_code": r.parent_id,
        "latitude": r.latitude,
        "longitude": r.longitude,
    }


def region_path(code: str) -> list[Region]:
    """The chain of regions from the top down to `code` (for breadcrumbs and labels)."""
    chain: list[str] = []
    c: str | None = code
    while c:
        chain.append(c)
        c = codes.parent_code_of(c)
    found = {r.code: r for r in Region.objects.filter(code__in=chain)}
    return [found[c] for c in reversed(chain) if c in found]


def region_label(code: str) -> str:
    return " / ".join(r.name for r in region_path(code)[-3:])


def audit_search(
    *, user: Actor, action: str = "", object_id: str = "", username: str = ""
) -> QuerySet[AuditEvent]:
    scope.require_perm(user, "audit.view")
    qs = scope.in_scope(AuditEvent.objects.all(), user, "audit.view")
    if action:
        qs = qs.filter(action__startswith=action)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if username:
        qs = qs.filter(username=username)
    return qs


def audit_row(e: AuditEvent) -> AuditRow:
    return {
        "id": e.pk,
        "at": e.at.isoformat(),
        "username": e.username,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "region_code": e.region_code,
        "purpose": e.purpose,
        "ip": e.ip,
        "detail": e.detail,
    }
