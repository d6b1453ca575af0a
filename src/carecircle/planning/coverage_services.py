"""Writes for road networks, 15-minute coverage runs and site selection."""

import datetime
import time
import uuid
from pathlib import Path

import h3
import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.core import audit, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import InvalidInput, NotFound
from carecircle.core.models import Region
from carecircle.core.types import signed_in
from carecircle.planning import coverage, places, siting
from carecircle.planning.computations import module_selectors
from carecircle.planning.models import CoverageArea, CoverageCell, CoverageRun, RoadNetwork, SitingRun
from carecircle.planning.network import Network, from_pbf, storage_dir
from carecircle.registry.models import Person
from carecircle.registry.selectors import active_on, birth_date_bounds

H3_RESOLUTION = 9  # cells of about 0.1 km², a few hundred metres across
MAX_NODE_CANDIDATES = 3000
GROUPS = {"elder": gettext_lazy("老年人"), "infant": gettext_lazy("婴幼儿")}
# What a coverage run may measure: one facility kind, or a family of kinds.
KIND_SETS = {
    "community_centre": (gettext_lazy("社区(村)照料中心"), ["community_centre"]),
    "elder_services": (
        gettext_lazy("居家养老服务设施(中心/照料中心/助餐点/互助点)"),
        ["street_centre", "community_centre", "canteen", "rural_mutual"],
    ),
    "canteen": (gettext_lazy("老年食堂/助餐点"), ["canteen"]),
    "nursing_home": (gettext_lazy("养老机构"), ["nursing_public", "nursing_ppp", "nursing_private"]),
    "childcare": (
        gettext_lazy("托育机构(含托班、嵌入式)"),
        ["childcare_centre", "kindergarten_class", "embedded_childcare"],
    ),
    "growth_station": (gettext_lazy("婴幼儿成长驿站"), ["growth_station"]),
}


def _save_network(net: Network, *, name: str, region_code: str, source: str) -> RoadNetwork:
    file_name = f"network-{uuid.uuid4().hex[:12]}.npz"
    net.save(storage_dir() / file_name)
    return RoadNetwork.objects.create(
        name=name[:100],
        region_code=region_code,
        source=source[:300],
        file_name=file_name,
        node_count=net.nodes,
        edge_count=net.edges,
    )


def _check_region(actor, region_code: str, perm: str = "planning.manage") -> Region:
    if not regions.is_valid_code(region_code or ""):
        raise InvalidInput(_("区划代码应为12位数字"), field="region")
    if actor is not None:
        scope.require(actor, perm, region_code)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise NotFound(_("区划 %(c)s 不存在") % {"c": region_code})
    return region


@transaction.atomic
def network_import_pbf(*, actor, path: str | Path, region_code: str, name: str = "") -> RoadNetwork:
    """Import the walking network of an OpenStreetMap PBF extract for `region_code`."""
    _check_region(actor, region_code)
    path = Path(path)
    if not path.exists():
        raise InvalidInput(_("文件不存在：%(p)s") % {"p": path}, field="file")
    try:
        net = from_pbf(path)
    except Exception as exc:  # pyrosm raises various errors on files that are not PBF
        raise InvalidInput(_("无法读取OSM PBF文件：%(e)s") % {"e": exc}, field="file") from exc
    if net.edges == 0:
        raise InvalidInput(_("文件中没有可步行的道路"), field="file")
    row = _save_network(
        net, name=name or path.name, region_code=region_code, source=f"OpenStreetMap PBF {path.name}"
    )
    audit.record(
        actor=actor, action=AuditAction.PLANNING_NETWORK_IMPORT, obj=row, nodes=net.nodes, edges=net.edges
    )
    return row


@transaction.atomic
def network_store(*, actor, network: Network, region_code: str, name: str, source: str) -> RoadNetwork:
    """Store a network built in code (the synthetic city's streets)."""
    _check_region(actor, region_code)
    row = _save_network(network, name=name, region_code=region_code, source=source)
    audit.record(
        actor=actor,
        action=AuditAction.PLANNING_NETWORK_STORE,
        obj=row,
        nodes=network.nodes,
        edges=network.edges,
        system="planning",
    )
    return row


def latest_network(region_code: str) -> RoadNetwork | None:
    """The newest network whose area contains `region_code` (or lies inside it)."""
    for net in RoadNetwork.objects.all():
        if regions.contains(net.region_code, region_code) or regions.contains(region_code, net.region_code):
            return net
    return None


def homes(group: str, prefix: str, day: datetime.date):
    """(region codes, latitudes, longitudes) of the active people of `group` under `prefix` with a home location."""
    rows = list(
        Person.objects.filter(region_code__startswith=prefix, latitude__isnull=False, longitude__isnull=False)
        .filter(birth_date_bounds(group, day), active_on(day))
        .values_list("region_code", "latitude", "longitude")
    )
    if not rows:
        return np.zeros(0, dtype="U12"), np.zeros(0), np.zeros(0)
    codes, lat, lon = zip(*rows, strict=True)
    return np.array(codes), np.array(lat, dtype=np.float64), np.array(lon, dtype=np.float64)


def facility_locations(kind_set: str, day: datetime.date):
    """(latitudes, longitudes) of the facilities in operation of a kind set; empty without facilities."""
    sel = module_selectors("facilities")
    if sel is None:
        return np.zeros(0), np.zeros(0)
    kinds = KIND_SETS[kind_set][1]
    rows = list(
        sel.facility_points(day=day)
        .filter(kind__in=kinds, latitude__isnull=False, longitude__isnull=False)
        .values_list("latitude", "longitude")
    )
    if not rows:
        return np.zeros(0), np.zeros(0)
    lat, lon = zip(*rows, strict=True)
    return np.array(lat, dtype=np.float64), np.array(lon, dtype=np.float64)


def _validate(group, kind, minutes, speed):
    if group not in GROUPS:
        raise InvalidInput(_("人群应为老年人或婴幼儿"), field="group")
    if kind not in KIND_SETS:
        raise InvalidInput(_("设施类型无效"), field="kind")
    if not 1 <= minutes <= 60:
        raise InvalidInput(_("步行时间应在1至60分钟之间"), field="minutes")
    if not 20 <= speed <= 120:
        raise InvalidInput(_("步行速度应在每分钟20至120米之间"), field="speed")


@transaction.atomic
def coverage_run(
    *,
    actor,
    region_code: str,
    group: str,
    kind: str,
    day: datetime.date | None = None,
    minutes: int = 15,
    speed: float = coverage.WALK_SPEED_M_PER_MIN,
    network: RoadNetwork | None = None,
    extra_sites: list[tuple[float, float]] | None = None,
) -> CoverageRun:
    """Measure the share of `group` within `minutes` of a facility of `kind`, per region under
    `region_code`, and count uncovered homes on H3 cells. Facilities anywhere on the network
    count (a home near a district border may walk to the next district's centre)."""
    region = _check_region(actor, region_code)
    _validate(group, kind, minutes, speed)
    day = day or timezone.localdate()
    network = network or latest_network(region_code)
    if network is None:
        raise InvalidInput(_("没有覆盖该区域的步行路网，请先导入OSM路网"), field="network")
    started = time.perf_counter()
    loaded = coverage.load(network.file_name)
    limit = minutes * speed
    prefix = region.prefix
    codes, lat, lon = homes(group, prefix, day)
    f_lat, f_lon = facility_locations(kind, day)
    if extra_sites:
        f_lat = np.concatenate([f_lat, [s[0] for s in extra_sites]])
        f_lon = np.concatenate([f_lon, [s[1] for s in extra_sites]])
    fac_nodes, _fd = loaded.snap(f_lat, f_lon)
    home_nodes, home_snap = loaded.snap(lat, lon)
    node_dist = coverage.node_distance(loaded.graph, fac_nodes, limit)
    walk = coverage.home_distance(node_dist, home_nodes, home_snap) if len(lat) else np.zeros(0)
    covered = walk <= limit
    run = CoverageRun.objects.create(
        network=network,
        region_code=region_code,
        kind=kind,
        group=group,
        day=day,
        minutes=minutes,
        speed_m_per_min=speed,
        facilities=len(f_lat),
        population=len(lat),
        covered=int(covered.sum()),
        created_by=actor if signed_in(actor) else None,
    )
    # per community, then rolled up to every region between the community and the run's region
    per: dict[str, list[int]] = {}
    for code, cov in zip(codes.tolist(), covered.tolist(), strict=True):
        c = per.setdefault(code, [0, 0])
        c[0] += 1
        c[1] += cov
    totals: dict[str, list[int]] = {}
    for code, (pop, cov) in per.items():
        up: str | None = code
        while up is not None and len(regions.prefix_of(up)) >= len(prefix):
            t = totals.setdefault(up, [0, 0])
            t[0] += pop
            t[1] += cov
            up = regions.parent_code_of(up)
    CoverageArea.objects.bulk_create(
        [CoverageArea(run=run, region_code=c, population=p, covered=v) for c, (p, v) in totals.items()],
        batch_size=2000,
    )
    cells: dict[tuple[str, str], int] = {}
    for code, la, lo in zip(
        codes[~covered].tolist(), lat[~covered].tolist(), lon[~covered].tolist(), strict=True
    ):
        key = (code, h3.latlng_to_cell(la, lo, H3_RESOLUTION))
        cells[key] = cells.get(key, 0) + 1
    CoverageCell.objects.bulk_create(
        [CoverageCell(run=run, region_code=c, h3=cell, uncovered=n) for (c, cell), n in cells.items()],
        batch_size=2000,
    )
    run.seconds = time.perf_counter() - started
    run.save(update_fields=["seconds"])
    audit.record(
        actor=actor,
        action=AuditAction.PLANNING_COVERAGE_RUN,
        obj=run,
        group=group,
        kind=kind,
        population=run.population,
        covered=run.covered,
        system="planning",
    )
    return run


@transaction.atomic
def siting_run(
    *, actor, coverage_run_id: int, new_sites: int, candidates: str = "communities", time_limit: float = 20.0
) -> SitingRun:
    """Choose `new_sites` new sites of the run's kind that bring the most uncovered people of the
    run within its walking time (lazy greedy, and HiGHS for the exact optimum or a bound), and
    measure before and after per region."""
    run = CoverageRun.objects.filter(pk=coverage_run_id).select_related("network").first()
    if run is None:
        raise NotFound()
    if actor is not None:
        scope.require(actor, "planning.manage", run.region_code)
    if not 1 <= new_sites <= 200:
        raise InvalidInput(_("新增站点数应在1至200之间"), field="new_sites")
    if candidates not in ("communities", "nodes"):
        raise InvalidInput(_("候选点应为社区或路网节点"), field="candidates")
    loaded = coverage.load(run.network.file_name)
    limit = run.minutes * run.speed_m_per_min
    prefix = regions.prefix_of(run.region_code)
    codes, lat, lon = homes(run.group, prefix, run.day)
    f_lat, f_lon = facility_locations(run.kind, run.day)
    fac_nodes, _fd = loaded.snap(f_lat, f_lon)
    home_nodes, home_snap = loaded.snap(lat, lon)
    node_dist = coverage.node_distance(loaded.graph, fac_nodes, limit)
    walk = coverage.home_distance(node_dist, home_nodes, home_snap) if len(lat) else np.zeros(0)
    uncovered = walk > limit
    # candidate sites
    if candidates == "communities":
        cands = list(
            Region.objects.filter(
                code__startswith=prefix,
                level=regions.COMMUNITY,
                latitude__isnull=False,
                longitude__isnull=False,
            ).values_list("code", "name", "latitude", "longitude")
        )
        c_lat = np.array([c[2] for c in cands], dtype=np.float64)
        c_lon = np.array([c[3] for c in cands], dtype=np.float64)
        cand_nodes, _cd = loaded.snap(c_lat, c_lon)
        labels: dict[int, str] = {j: c[1] for j, c in enumerate(cands)}
    else:
        # every node within walking reach of an uncovered home; over a large area, thinned to one
        # node per H3 cell (resolution 9, cells about 350 m across) so the model stays tractable
        d = coverage.node_distance(loaded.graph, home_nodes[uncovered], limit)
        cand_nodes = np.flatnonzero(np.isfinite(d))
        if len(cand_nodes) > MAX_NODE_CANDIDATES:
            seen: dict[str, int] = {}
            for n in cand_nodes.tolist():
                seen.setdefault(
                    h3.latlng_to_cell(
                        float(loaded.network.lat[n]), float(loaded.network.lon[n]), H3_RESOLUTION
                    ),
                    n,
                )
            cand_nodes = np.array(sorted(seen.values()), dtype=np.int64)
        c_lat, c_lon = loaded.network.lat[cand_nodes], loaded.network.lon[cand_nodes]
        labels = {}  # named after the choice: the nearest road and the community (planning/places.py)
    t0 = time.perf_counter()
    # demand: uncovered homes, merged by their node and rounded snap distance before the search
    u_nodes, u_snap = home_nodes[uncovered], np.round(home_snap[uncovered], 0)
    keys = np.column_stack([u_nodes, u_snap])
    uniq, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    inst = siting.build_instance(
        loaded.graph, cand_nodes, uniq[:, 0].astype(np.int64), uniq[:, 1], counts, limit
    )
    merged = siting.merge(inst)
    build_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    g_chosen, g_value = siting.greedy(merged, new_sites)
    greedy_seconds = time.perf_counter() - t1
    ex = siting.exact(merged, new_sites, time_limit=time_limit)
    # before/after per region, with the exact choice (or the greedy one when HiGHS found nothing better)
    chosen = ex["chosen"] if ex["objective"] >= g_value else g_chosen
    point_covered = np.zeros(len(uniq), dtype=bool)
    if chosen:
        point_covered = inst.cover[:, chosen].sum(axis=1).A1 > 0
    newly = np.zeros(len(lat), dtype=bool)
    newly[np.flatnonzero(uncovered)] = point_covered[inverse.ravel()]
    before: dict[str, list[int]] = {}
    for code, cov, new in zip(codes.tolist(), (~uncovered).tolist(), newly.tolist(), strict=True):
        for level_len in (regions.PREFIX_LENGTH[regions.STREET], 12):
            key = code[:level_len].ljust(12, "0")
            b = before.setdefault(key, [0, 0, 0])
            b[0] += 1
            b[1] += cov
            b[2] += new
    shown = sorted(set(g_chosen) | set(ex["chosen"]))
    if candidates == "nodes":
        named = places.labels(loaded.roads(), c_lat[shown], c_lon[shown], prefix)
        labels = dict(zip(shown, named, strict=True))
    region_names = dict(Region.objects.filter(code__in=list(before)).values_list("code", "name"))
    covered_before, covered_after = int((~uncovered).sum()), int((~uncovered).sum() + newly.sum())
    result = {
        "limit_m": limit,
        "population": int(len(lat)),
        "covered_before": covered_before,
        "covered_after": covered_after,
        "demand_points": int(inst.points),
        "merged_points": int(merged.points),
        "candidates": int(len(cand_nodes)),
        "build_seconds": round(build_seconds, 3),
        "greedy": {
            "value": g_value,
            "seconds": round(greedy_seconds, 4),
            "sites": [int(j) for j in g_chosen],
        },
        "exact": {
            "value": ex["objective"],
            "bound": ex["bound"],
            "optimal": ex["optimal"],
            "seconds": round(ex["seconds"], 3),
            "sites": ex["chosen"],
        },
        "sites": [
            {
                "label": labels[j],
                "latitude": float(c_lat[j]),
                "longitude": float(c_lon[j]),
                "in_greedy": j in g_chosen,
                "in_exact": j in ex["chosen"],
                "named": True,  # a place name, not a node number (results before it are named on display)
            }
            for j in shown
        ],
        "regions": [
            {
                "code": c,
                "name": region_names.get(c, c),
                "population": v[0],
                "before": v[1],
                "after": v[1] + v[2],
            }
            for c, v in sorted(before.items())
        ],
    }
    row = SitingRun.objects.create(
        coverage=run,
        region_code=run.region_code,
        new_sites=new_sites,
        candidates=candidates,
        result=result,
        created_by=actor if signed_in(actor) else None,
    )
    audit.record(
        actor=actor,
        action=AuditAction.PLANNING_SITING_RUN,
        obj=row,
        new_sites=new_sites,
        gain=covered_after - covered_before,
        system="planning",
    )
    return row
