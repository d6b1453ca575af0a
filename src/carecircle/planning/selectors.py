"""Reads of the planning module, always through the user's scope."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import regions, scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import InvalidInput, NotFound
from carecircle.core.models import Region
from carecircle.core.selectors import region_path
from carecircle.core.types import Actor
from carecircle.planning import computations, coverage, defaults
from carecircle.planning.indicators import compute, gap_of, status_of, target_for
from carecircle.planning.models import (
    CoverageArea,
    CoverageCell,
    CoverageRun,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    RoadNetwork,
    SitingRun,
)
from carecircle.planning.network import storage_dir
from carecircle.planning.types import (
    ChildFigure,
    CoverageAreaFigure,
    CoverageCellFigure,
    CoverageTop,
    Dashboard,
    IndicatorFigure,
    TargetFigure,
)

TREND_POINTS = 36


def parse_day(text: str | None) -> datetime.date:
    if not text:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(_("日期格式应为 YYYY-MM-DD"), field="date") from exc


def default_region(user: Actor) -> str:
    codes = scope.region_codes(user, "planning.view")
    if not codes:
        raise NotFound()
    return min(codes, key=lambda c: (regions.level_of(c), c))


def region_for(user: Actor, code: str, perm: str = "planning.view") -> Region:
    if not regions.is_valid_code(code or ""):
        raise InvalidInput(_("区划代码应为12位数字"), field="region")
    scope.require(user, perm, code)
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound()
    return region


def visible_planning_regions(user: Actor, perm: str = "planning.manage") -> QuerySet[Region]:
    """Regions down to streets where the user may run coverage and siting."""
    qs = Region.objects.filter(level__lte=regions.STREET).order_by("code")
    return scope.in_scope(qs, user, perm, field="code")[:500]


def indicators(domain: str = "") -> list[Indicator]:
    qs = Indicator.objects.filter(active=True).prefetch_related("targets")
    if domain:
        qs = qs.filter(domain=domain)
    return list(qs)


def _target_dict(t: IndicatorTarget | None) -> TargetFigure | None:
    if t is None:
        return None
    return {
        "year": t.year,
        "op": t.op,
        "value": t.value,
        "text": t.text or (f"{t.get_op_display()}{t.value:g}" if t.value is not None else ""),
        "source": t.source,
        "region_code": t.region_code,
    }


def dashboard(*, user: Actor, region_code: str, day: datetime.date, domain: str = "") -> Dashboard:
    """Every indicator for the region on `day`: value, target, gap, status, trend, and the same
    figures for each child region (drill-down). Values are computed live; trends come from the
    stored snapshots."""
    region = region_for(user, region_code)
    inds = indicators(domain)
    children = list(Region.objects.filter(parent_id=region.code).order_by("code"))
    codes = [region.code] + [c.code for c in children]
    results = compute(inds, codes, day)
    history: dict[tuple[int, str], list[IndicatorValue]] = {}
    for v in (
        IndicatorValue.objects.filter(indicator__in=inds, region_code=region.code, day__lte=day)
        .exclude(value__isnull=True)
        .order_by("day")
    ):
        history.setdefault((v.indicator_id, v.region_code), []).append(v)
    rows: list[IndicatorFigure] = []
    for ind in inds:
        res = results[ind.code][region.code]
        target = target_for(ind, region.code, day, list(ind.targets.all()))
        trend = [(v.day, v.value) for v in history.get((ind.pk, region.code), [])][-TREND_POINTS:]
        previous = next((v for d, v in reversed(trend) if d < day), None)
        value = res.value
        if value is not None:
            trend = [p for p in trend if p[0] != day] + [(day, value)]
        kids: list[ChildFigure] = []
        for child in children:
            r = results[ind.code][child.code]
            t = target_for(ind, child.code, day, list(ind.targets.all()))
            kids.append(
                {
                    "code": child.code,
                    "name": child.name,
                    "value": r.value,
                    "applicable": r.applicable,
                    "numerator": r.numerator,
                    "denominator": r.denominator,
                    "status": status_of(ind, r.value, t),
                    "gap": gap_of(ind, r.value, t),
                    "latitude": child.latitude,
                    "longitude": child.longitude,
                }
            )
        rows.append(
            {
                "code": ind.code,
                "name": ind.name,
                "unit": ind.unit,
                "domain": ind.domain,
                "computed": ind.computed,
                "applicable": res.applicable,
                "formula": _formula(ind),
                "source": ind.source,
                "note": ind.note,
                "value": value,
                "numerator": res.numerator,
                "denominator": res.denominator,
                "value_source": res.source,
                "missing": [computations.label(m) for m in res.missing],
                "target": _target_dict(target),
                "gap": gap_of(ind, value, target),
                "status": status_of(ind, value, target, previous),
                "trend": [{"day": d, "value": v} for d, v in trend],
                "children": kids,
            }
        )
    return {
        "region": {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "latitude": region.latitude,
            "longitude": region.longitude,
        },
        "path": [
            {"code": r.code, "name": r.name}
            for r in region_path(region.code)
            if scope.has_perm(user, "planning.view", r.code)
        ],
        "day": day,
        "indicators": rows,
    }


def _formula(ind: Indicator) -> str:
    if not ind.computed:
        office = defaults.MANUAL_OFFICES.get(ind.code)
        return _("人工填报（来源：%(o)s）") % {"o": office} if office else _("人工填报")
    text = computations.label(ind.numerator)
    if ind.denominator:
        text += " ÷ " + computations.label(ind.denominator)
    if ind.scale != 1:
        text += f" × {ind.scale:g}"
    return text


def trend(*, user: Actor, region_code: str, indicator_code: str) -> list[IndicatorValue]:
    region_for(user, region_code)
    return list(
        IndicatorValue.objects.filter(indicator__code=indicator_code, region_code=region_code).order_by("day")
    )


def networks(*, user: Actor) -> QuerySet[RoadNetwork]:
    scope.require_perm(user, "planning.view")
    mine = scope.prefixes(user, "planning.view")
    ids = [
        n.pk
        for n in RoadNetwork.objects.all()
        if any(n.region_code.startswith(p) or p.startswith(regions.prefix_of(n.region_code)) for p in mine)
    ]
    return RoadNetwork.objects.filter(pk__in=ids)


def _reaches_into(user: Actor, region_code: str) -> bool:
    """The user may view `region_code` or some region inside it (a city-wide run shows a district its part)."""
    prefix = regions.prefix_of(region_code)
    return any(p.startswith(prefix) or prefix.startswith(p) for p in scope.prefixes(user, "planning.view"))


def _ancestors_of_grants(user: Actor) -> set[str]:
    out = set()
    for code in scope.region_codes(user, "planning.view"):
        c = regions.parent_code_of(code)
        while c:
            out.add(c)
            c = regions.parent_code_of(c)
    return out


def coverage_runs(*, user: Actor) -> QuerySet[CoverageRun]:
    """Runs inside the user's regions, and runs over a larger area that contains them."""
    inside = scope.in_scope(CoverageRun.objects.all(), user, "planning.view").values("pk")
    return (
        (
            CoverageRun.objects.filter(pk__in=inside)
            | CoverageRun.objects.filter(region_code__in=_ancestors_of_grants(user))
        )
        .select_related("network")
        .order_by("-created_at")
    )


def coverage_get(*, user: Actor, run_id: int) -> CoverageRun:
    run = CoverageRun.objects.filter(pk=run_id).select_related("network").first()
    if run is None or not _reaches_into(user, run.region_code):
        raise NotFound()
    return run


def coverage_top(*, user: Actor, run: CoverageRun) -> CoverageTop:
    """The run's headline for this user: the run's own region when they may see all of it,
    else their own region's part of it."""
    return coverage_tops(user=user, runs=[run])[0]


def coverage_tops(*, user: Actor, runs: list[CoverageRun]) -> list[CoverageTop]:
    """coverage_top() of each run, with one query for all their areas (the coverage list page)."""
    codes = []
    for run in runs:
        if scope.has_perm(user, "planning.view", run.region_code):
            codes.append(run.region_code)
        else:
            codes.append(
                next(
                    (
                        c
                        for c in sorted(scope.region_codes(user, "planning.view"), key=regions.level_of)
                        if c.startswith(regions.prefix_of(run.region_code))
                    ),
                    run.region_code,
                )
            )
    areas = (
        {
            (a.run_id, a.region_code): a
            for a in CoverageArea.objects.filter(run__in=runs, region_code__in=set(codes))
        }
        if runs
        else {}
    )
    out: list[CoverageTop] = []
    for run, code in zip(runs, codes, strict=True):
        area = areas.get((run.pk, code))
        out.append(
            {
                "code": code,
                "population": area.population if area else 0,
                "covered": area.covered if area else 0,
            }
        )
    return out


def coverage_areas(*, user: Actor, run: CoverageRun, parent: str = "") -> list[CoverageAreaFigure]:
    """The run's figures for the regions the user may see: `parent` and its children (default:
    the top region of the run the user may see)."""
    qs = scope.in_scope(CoverageArea.objects.filter(run=run), user, "planning.view")
    parent = parent or coverage_top(user=user, run=run)["code"]
    wanted = {parent} | set(Region.objects.filter(parent_id=parent).values_list("code", flat=True))
    names = dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
    out: list[CoverageAreaFigure] = []
    for a in qs.filter(region_code__in=wanted).order_by("region_code"):
        out.append(
            {
                "code": a.region_code,
                "name": names.get(a.region_code, a.region_code),
                "population": a.population,
                "covered": a.covered,
                "share": a.covered / a.population if a.population else None,
            }
        )
    return out


# A cell drawn on a map with one or two homes in it places those homes within a few hundred metres:
# a cell with fewer uncovered homes than this is merged into its parent cell (resolution 8, about
# 0.7 km², then 7, about 5 km²), down to resolution 6 (about 36 km²), shown whatever its count.
MIN_CELL_HOMES = 10
COARSEST_RESOLUTION = 6


def coverage_cells(*, user: Actor, run: CoverageRun) -> list[CoverageCellFigure]:
    """Uncovered homes per H3 cell, summed over the communities the user may see; cells of fewer
    than MIN_CELL_HOMES homes are merged upwards (the masking rule of core/vault.py)."""
    import h3  # noqa: PLC0415 — start-up cost: a heavy library, loaded when this runs

    cells: dict[str, int] = {}
    for h, n in scope.in_scope(CoverageCell.objects.filter(run=run), user, "planning.view").values_list(
        "h3", "uncovered"
    ):
        cells[h] = cells.get(h, 0) + n
    shown: dict[str, int] = {}
    while cells:
        small: dict[str, int] = {}
        for h, n in cells.items():
            res = h3.get_resolution(h)
            if n >= MIN_CELL_HOMES or res <= COARSEST_RESOLUTION:
                shown[h] = shown.get(h, 0) + n
            else:
                parent = h3.cell_to_parent(h, res - 1)
                small[parent] = small.get(parent, 0) + n
        cells = small
    return [{"h3": h, "uncovered": n} for h, n in sorted(shown.items(), key=lambda kv: -kv[1])]


def sitings(*, user: Actor) -> QuerySet[SitingRun]:
    return scope.in_scope(SitingRun.objects.all(), user, "planning.view").select_related("coverage")


def siting_get(*, user: Actor, siting_id: int) -> SitingRun:
    row = access_by_id(
        SitingRun.objects.select_related("coverage"),
        siting_id,
        user=user,
        perm="planning.view",
    )
    return row


def walking_metres(
    *,
    region_code: str,
    origin: tuple[float, float],
    targets: list[tuple[float, float]],
    limit_m: float = 5000.0,
) -> list[float | None] | None:
    """Walking distance in metres from `origin` to each of `targets` along the newest walking network
    loaded for an area containing `region_code` (the one 15-minute coverage walks: planning/coverage.py;
    each end joins the network at its nearest node by the straight line). None for a target
    farther than `limit_m` or not connected; None for the whole answer when no network covers the
    region (the caller then falls back to the straight line). A network holds roads only, no
    personal data: the residents' 附近设施 page (portal/walking.py) asks it for a home's walks."""
    import numpy as np  # noqa: PLC0415 — scientific stack loaded only when asked
    from scipy.sparse.csgraph import dijkstra  # noqa: PLC0415 — scientific stack loaded only when asked

    covering = [
        n
        for n in RoadNetwork.objects.order_by("-created_at", "-pk")
        if region_code.startswith(regions.prefix_of(n.region_code))
    ]
    net = next((n for n in covering if (storage_dir() / n.file_name).exists()), None)
    if net is None:
        return None
    loaded = coverage.load(net.file_name)
    if not targets:
        return []
    lat = np.array([origin[0]] + [t[0] for t in targets], dtype=np.float64)
    lon = np.array([origin[1]] + [t[1] for t in targets], dtype=np.float64)
    nodes, snap = loaded.snap(lat, lon)
    dist = dijkstra(loaded.graph, directed=True, indices=int(nodes[0]), limit=limit_m)
    out: list[float | None] = []
    for node, extra in zip(nodes[1:], snap[1:], strict=True):
        d = float(dist[int(node)]) + float(snap[0]) + float(extra)
        out.append(d if np.isfinite(d) and d <= limit_m else None)
    return out
