"""Reads behind the region picker (core/widgets.py and its JSON endpoint, core/views_regions.py):
the regions a user may pick for a page, searched by name or drilled down from the user's own
regions (district → street → community), each with the names of the regions above it.

Everything here is limited to the regions where the user holds the page's permission
(`scope.in_scope` on the region's own code): an outsider finds nothing outside them."""

from collections.abc import Iterable, Sequence
from typing import TypedDict

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from carecircle.core import regions as codes
from carecircle.core import scope
from carecircle.core.errors import NotFound
from carecircle.core.models import Region
from carecircle.core.types import Actor

PICK_LIMIT = 30  # rows a search answers (the box says "more" beyond it: type more of the name)
FALLBACK_LIMIT = 3000  # options of the select a page shows without JavaScript


class PickRow(TypedDict):
    code: str
    name: str
    level: int
    level_name: str
    path: str  # the names of the regions above it, from the district down ("东湖区 / 文新街道")
    label: str  # path and name together, as a chosen value reads
    selectable: bool  # at a level the page asks for
    has_children: bool  # drill down into it
    latitude: float | None
    longitude: float | None


class PickAnswer(TypedDict):
    parent: PickRow | None
    up: str  # the code to go back up to from `parent` ("" = the user's own regions)
    results: list[PickRow]
    more: bool


def pickable(user: Actor, perm: str) -> QuerySet[Region]:
    """The regions inside the user's grants that carry `perm`."""
    return scope.in_scope(Region.objects.all(), user, perm, field="code")


def _ancestor_codes(code: str) -> list[str]:
    """The codes of the regions above `code`, from the district (or the region's own top) down."""
    level = codes.level_of(code)
    top = min(codes.DISTRICT, level)
    return [code[: codes.PREFIX_LENGTH[lvl]].ljust(12, "0") for lvl in range(top, level)]


def rows(found: Sequence[Region], levels: Iterable[int] = ()) -> list[PickRow]:
    """Picker rows for `found`, with the names above each read in one query."""
    wanted = set(levels)
    above = {c for r in found for c in _ancestor_codes(r.code)}
    names = dict(Region.objects.filter(code__in=above).values_list("code", "name")) if above else {}
    out: list[PickRow] = []
    for r in found:
        path = " / ".join(names[c] for c in _ancestor_codes(r.code) if c in names)
        out.append(
            {
                "code": r.code,
                "name": r.name,
                "level": r.level,
                "level_name": str(codes.LEVEL_NAMES.get(r.level, "")),
                "path": path,
                "label": f"{path} / {r.name}" if path else r.name,
                "selectable": not wanted or r.level in wanted,
                "has_children": bool(getattr(r, "has_children", r.level < codes.COMMUNITY)),
                "latitude": r.latitude,
                "longitude": r.longitude,
            }
        )
    return out


def _with_children(qs: QuerySet[Region]) -> QuerySet[Region]:
    return qs.annotate(has_children=Exists(Region.objects.filter(parent_id=OuterRef("code"))))


def _roots(user: Actor, perm: str) -> QuerySet[Region]:
    """The user's own regions for `perm` (nested grants folded into the wider one)."""
    tops = [p.ljust(12, "0") for p in scope.prefixes(user, perm)]
    return Region.objects.filter(code__in=tops)


def pick(*, user: Actor, perm: str, q: str = "", parent: str = "", levels: Iterable[int] = ()) -> PickAnswer:
    """What the picker shows: regions whose name holds `q` (or whose code starts with it), else
    the children of `parent`, else the user's own regions. A parent outside the user's regions
    is not found (404), as any object out of scope is."""
    levels = tuple(levels)
    base = pickable(user, perm)
    parent_row: PickRow | None = None
    up = ""
    if q:
        match = Q(name__icontains=q) | (Q(code__startswith=q) if q.isdigit() else Q(pk__in=[]))
        qs = base.filter(match).order_by("level", "code")
    elif parent:
        region = base.filter(code=parent).first()
        if region is None:
            raise NotFound()
        parent_row = rows([region], levels)[0]
        above = codes.parent_code_of(region.code)
        up = above if above and base.filter(code=above).exists() else ""
        qs = Region.objects.filter(parent_id=region.code).order_by("code")
    else:
        qs = _roots(user, perm).order_by("code")
    found = list(_with_children(qs)[: PICK_LIMIT + 1])
    return {
        "parent": parent_row,
        "up": up,
        "results": rows(found[:PICK_LIMIT], levels),
        "more": len(found) > PICK_LIMIT,
    }


def by_name(*, user: Actor, perm: str, name: str, levels: Iterable[int] = ()) -> list[Region]:
    """The regions of the user's scope called exactly `name` (at `levels`, when given): how a name
    typed or sent instead of a code is read."""
    qs = pickable(user, perm).filter(name=name.strip())
    levels = tuple(levels)
    if levels:
        qs = qs.filter(level__in=levels)
    return list(qs.order_by("code")[:5])


def options(*, user: Actor, perm: str, levels: Iterable[int] = ()) -> list[PickRow]:
    """The select a page shows without JavaScript: the user's regions at `levels`, by code (so
    each street's communities stand together), with the names above them."""
    qs = pickable(user, perm)
    levels = tuple(levels)
    if levels:
        qs = qs.filter(level__in=levels)
    return rows(list(qs.order_by("code")[:FALLBACK_LIMIT]), levels)


def centre_of(code: str) -> tuple[float, float] | None:
    """A region's centroid (latitude, longitude), when the region table has one."""
    found = Region.objects.filter(code=code, latitude__isnull=False, longitude__isnull=False)
    row = found.values_list("latitude", "longitude").first() if codes.is_valid_code(code) else None
    return _point(row)


def _point(row: tuple[float | None, float | None] | None) -> tuple[float, float] | None:
    if row is None or row[0] is None or row[1] is None:
        return None
    return (row[0], row[1])


def first_centre(*, user: Actor, perm: str) -> tuple[float, float] | None:
    """Where a map of the user's regions opens: the centroid of their widest region that has one."""
    qs = pickable(user, perm).filter(latitude__isnull=False, longitude__isnull=False)
    return _point(qs.order_by("level", "code").values_list("latitude", "longitude").first())


def names_of(region_codes: Iterable[str]) -> dict[str, str]:
    """{code: name} of the given codes, in one query (a table shows names, never bare codes)."""
    wanted = {c for c in region_codes if c}
    return dict(Region.objects.filter(code__in=wanted).values_list("code", "name")) if wanted else {}


def name_of(field: str = "region_code") -> Subquery:
    """The name of the region a row's `field` holds, for `.annotate(region_name=name_of())`: the
    names of a whole list in the list's own query."""
    return Subquery(Region.objects.filter(code=OuterRef(field)).values("name")[:1])


def label_of(code: str) -> str:
    """A chosen code as the page shows it (names from the district down); "" when unknown."""
    region = Region.objects.filter(code=code).first() if codes.is_valid_code(code) else None
    return rows([region])[0]["label"] if region else ""
