"""Scope: the one place that decides what a user may see and change.

Selectors filter querysets with `in_scope`; services and views call `require` before acting on
one object. Out-of-scope objects are reported as not found (404) so that their existence does not
leak; a missing permission inside one's own region is 403.
"""

from functools import reduce
from operator import or_
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from carecircle.core import regions
from carecircle.core.errors import Forbidden, NotFound
from carecircle.core.roles import STAFF_ROLES, permissions_of
from carecircle.core.types import Actor, signed_in

M = TypeVar("M", bound=Model)
Grant = tuple[str, str, str, int | None]  # (role, region code, organisation kind, organisation id)


def _grants(user: Actor) -> list[Grant]:
    """The user's grants, read once per user object (kept in its __dict__; `forget` drops it): the
    request's user is loaded once per request, so every check of one request shares one read."""
    if not signed_in(user):
        return []
    cached: list[Grant] | None = user.__dict__.get("_carecircle_grants")
    if cached is None:
        cached = [(g.role, g.region_id, g.organisation_kind, g.organisation_id) for g in user.grants.all()]
        user.__dict__["_carecircle_grants"] = cached
    return cached


def role_kinds(user: Actor) -> list[tuple[str, str]]:
    """(role, organisation kind) of each of the user's grants ("" for a grant acting for no
    organisation), from the grants kept by `_grants` (the menu reads it on every page)."""
    return [(role, kind or "") for role, _region, kind, _org in _grants(user)]


def forget(user: Actor) -> None:
    """Drop the grants `_grants` keeps on this user object, so the next check reads them again
    (after a grant is given or taken away)."""
    if user is not None:
        user.__dict__.pop("_carecircle_grants", None)


def roles_of(user: Actor) -> set[str]:
    return {role for role, _, _, _ in _grants(user)}


def is_staff_user(user: Actor) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)


def prefixes(user: Actor, perm: str) -> list[str]:
    """The region prefixes where `user` holds `perm`, with nested ones folded away."""
    found = sorted(
        {regions.prefix_of(region) for role, region, _, _ in _grants(user) if perm in permissions_of(role)}
    )
    folded: list[str] = []
    for p in found:
        if not any(p.startswith(q) for q in folded):
            folded.append(p)
    return folded


def region_codes(user: Actor, perm: str) -> list[str]:
    """The region codes of the user's grants carrying `perm` (for pickers and defaults)."""
    return sorted({region for role, region, _, _ in _grants(user) if perm in permissions_of(role)})


def has_perm(user: Actor, perm: str, region_code: str | None = None) -> bool:
    ps = prefixes(user, perm)
    if region_code is None:
        return bool(ps)
    return any(region_code.startswith(p) for p in ps)


def in_scope(qs: QuerySet[M], user: Actor, perm: str, field: str = "region_code") -> QuerySet[M]:
    ps = prefixes(user, perm)
    if not ps:
        return qs.none()
    return qs.filter(reduce(or_, (Q(**{f"{field}__startswith": p}) for p in ps)))


def require(user: Actor, perm: str, region_code: str) -> None:
    """Raise unless `user` holds `perm` over `region_code`."""
    if has_perm(user, perm, region_code):
        return
    # Visible but not permitted -> 403; not visible at all -> 404.
    if any(region_code.startswith(p) for g in ("registry.view", "region.view") for p in prefixes(user, g)):
        raise Forbidden()
    raise NotFound()


def require_perm(user: Actor, perm: str) -> None:
    if not has_perm(user, perm):
        raise Forbidden()
