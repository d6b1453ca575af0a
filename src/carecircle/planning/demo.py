"""The synthetic city's planning data: the seeds' indicators with Hangzhou's targets adopted,
常住人口 and a few hand-entered figures, a street network consistent with the homes (a jittered
grid around every community), 15-minute coverage runs and monthly snapshots for the trends."""

import datetime

import numpy as np

from carecircle.core import regions
from carecircle.core.demo import City
from carecircle.planning import coverage_services, defaults, services
from carecircle.planning.computations import evaluate
from carecircle.planning.models import Indicator
from carecircle.planning.network import synthetic

ORDER = 90  # after the people, facilities, caregivers and visits the indicators read
ELDER_SHARE = 0.19  # 60+ share of residents, used to estimate 常住人口 (Hangzhou 2021: 211.1万 of ~1220万)
SOURCE = "模拟数据"


def generate(city: City) -> None:
    rng = city.rng_for("planning")
    services.indicators_load_defaults()
    services.targets_adopt(actor=None, from_region=defaults.HANGZHOU, to_region=city.city.code)
    city.say(f"  指标 {len(defaults.INDICATORS)} 项，采用杭州目标")
    today = city.today
    _population(city, today)
    _manual_figures(city, rng, today)
    centres = [
        (c.latitude, c.longitude)
        for c in city.communities
        if c.latitude is not None and c.longitude is not None
    ]  # every generated community has both
    net = synthetic(centres, spacing_m=120, reach_m=2500, seed=city.seed)
    row = coverage_services.network_store(
        actor=None,
        network=net,
        region_code=city.city.code,
        name="示范市步行路网（模拟）",
        source="模拟：社区周边120米抖动网格，随机断开6%路段",
    )
    city.say(f"  步行路网 {row.node_count:,} 个节点、{row.edge_count:,} 条路段")
    runs = []
    for group, kind in (("elder", "community_centre"), ("elder", "elder_services"), ("infant", "childcare")):
        run = coverage_services.coverage_run(
            actor=None, region_code=city.city.code, group=group, kind=kind, day=today, network=row
        )
        runs.append(run)
        share = f"{100 * run.covered / run.population:.1f}%" if run.population else "—"
        city.say(
            f"  15分钟覆盖 {coverage_services.GROUPS[group]}/{coverage_services.KIND_SETS[kind][0]}：{share}"
            f"（{run.facilities} 处设施，{run.seconds:.2f} 秒）"
        )
    # a district plans its next three 社区照料中心
    district = city.districts[0]
    local = coverage_services.coverage_run(
        actor=None, region_code=district.code, group="elder", kind="community_centre", day=today, network=row
    )
    if local.population > local.covered:
        plan = coverage_services.siting_run(actor=None, coverage_run_id=local.pk, new_sites=3, time_limit=10)
        r = plan.result
        city.say(
            f"  选址（{district.name}）：新增3处社区照料中心，15分钟可达 {r['covered_before']:,} → "
            f"{r['covered_after']:,} 人（贪心 {r['greedy']['value']:,.0f}，精确 {r['exact']['value']:,.0f}）"
        )
    stored = 0
    for months_back in (12, 9, 6, 3, 1, 0):
        day = _months_before(today, months_back)
        stored += services.snapshot_take(actor=None, day=day, region_code=city.city.code)
    city.say(f"  指标快照 {stored:,} 项（近12个月）")


def _months_before(day: datetime.date, months: int) -> datetime.date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return datetime.date(y, m + 1, min(day.day, 28))


def _population(city: City, today: datetime.date) -> None:
    """常住人口 for the city, districts and streets, from the registered older people."""
    units = [city.city, *city.districts, *city.streets]
    prefixes = [regions.prefix_of(u.code) for u in units]
    elders = evaluate("elders", prefixes, today)
    for unit, p in zip(units, prefixes, strict=True):
        count = elders[p]
        if count:
            for back in (12, 0):
                services.value_enter_system(
                    indicator_code="B01",
                    region_code=unit.code,
                    day=_months_before(today, back),
                    value=round(count / ELDER_SHARE),
                    source=f"{SOURCE}：按老年人口占比{ELDER_SHARE:.0%}推算",
                )


def _manual_figures(city: City, rng, today: datetime.date) -> None:
    """Figures the platform cannot compute, entered for the city and its districts as a 统计公报 would."""
    base = {"E05": 63.0, "E07": 83.7, "E08": 60.0, "C07": 95.5, "C08": 85.0, "E25": 58.0}
    by_hand = set(defaults.MANUAL_OFFICES)  # an indicator computed from records takes no hand figure
    lowest = {code: level for code, level in Indicator.objects.values_list("code", "lowest_level")}
    for unit in [city.city, *city.districts]:
        for code, value in base.items():
            if code not in by_hand or regions.level_of(unit.code) > lowest[code]:
                continue
            for back, drift in ((12, -1.0), (0, 0.0)):
                v = value + drift + float(np.round(rng.uniform(-1, 1), 2))
                services.value_enter_system(
                    indicator_code=code,
                    region_code=unit.code,
                    day=_months_before(today, back),
                    value=max(0.0, v),
                    source=f"{SOURCE}：统计公报",
                )
