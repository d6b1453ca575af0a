"""The named computations that indicators' numerators and denominators refer to.

A computation is written `name` or `name:argument` (e.g. `elders`, `facilities:growth_station`,
`manual:POP_TOTAL`). Each takes a list of region prefixes and a day and returns a figure per prefix,
or None where the platform holds no data for it (the module that owns the records is not installed
yet, or nothing was entered). Registry counts are done in one grouped query and rolled up; figures
owned by other modules come through those modules' selectors (their published contracts) and are
imported lazily, so this module works whichever modules are present.
"""

import datetime
import importlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from carecircle.core import regions
from carecircle.core.models import Region
from carecircle.planning.models import CoverageArea, CoverageRun, IndicatorValue
from carecircle.registry.models import Person
from carecircle.registry.selectors import active_on, birth_date_bounds, population, status_on

if TYPE_CHECKING:
    from carecircle.facilities.types import Capacity

Figures = dict[str, float | None]


@dataclass(frozen=True)
class Computation:
    label: object
    func: Callable[[list[str], datetime.date, str], Figures]
    needs: str = ""  # the module whose records it reads


def module_selectors(module: str):
    """`carecircle.<module>.selectors`, or None when the module is not installed (no data)."""
    if module not in getattr(settings, "CARECIRCLE_MODULES", []):
        return None
    try:
        return importlib.import_module(f"carecircle.{module}.selectors")
    except ImportError:
        return None


def common_prefix(prefixes: list[str]) -> str:
    if not prefixes:
        return ""
    lo, hi = min(prefixes), max(prefixes)
    n = 0
    while n < min(len(lo), len(hi)) and lo[n] == hi[n]:
        n += 1
    return lo[:n]


def roll_up(counts: dict[str, float], prefixes: list[str]) -> Figures:
    """Sum per-community figures into each requested prefix."""
    out: dict[str, float] = dict.fromkeys(prefixes, 0)
    for code, n in counts.items():
        for p in prefixes:
            if code.startswith(p):
                out[p] += n
    return dict(out)


# ------------------------------------------------------------------ registry (always present)


def _people(group: str):
    def count(prefixes, day, _arg):
        rows = (
            Person.objects.filter(region_code__startswith=common_prefix(prefixes))
            .filter(birth_date_bounds(group, day), active_on(day))
            .values("region_code")
            .annotate(n=Count("id"))
        )
        return roll_up({r["region_code"]: r["n"] for r in rows}, prefixes)

    return count


# ------------------------------------------------------------------ other modules, via their contracts


_capacity_memo: dict[tuple, object] = {}  # figures fetched once per evaluation


def clear_memo() -> None:
    """Forget figures memoised during one evaluation (compute() calls this first)."""
    _capacity_memo.clear()


def _capacity(figure: "Callable[[Capacity], int]", *, institutions_only: bool = False):
    """A figure of facilities.selectors.capacity_totals; `institutions_only`: of 养老机构 alone
    (institutions and dementia-care units, not the short-stay beds of street centres)."""

    def get(prefixes, day, _arg):
        sel = module_selectors("facilities")
        if sel is None:
            return {p: None for p in prefixes}
        out: Figures = {}
        for p in prefixes:
            key = (p, day, institutions_only)
            totals = _capacity_memo.get(key)
            if totals is None:
                totals = _capacity_memo[key] = sel.capacity_totals(
                    region_prefix=p, day=day, institutions_only=institutions_only
                )
            out[p] = float(figure(totals))
        return out

    return get


def _facility_count(prefixes, day, kind):
    """Facilities in operation of a kind, or of several kinds joined by "+"
    (`facilities:childcare_centre+embedded_childcare`)."""
    sel = module_selectors("facilities")
    if sel is None:
        return {p: None for p in prefixes}
    kinds = [k for k in (kind or "").split("+") if k]
    qs = sel.facility_points(day=day)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    rows = (
        qs.filter(region_code__startswith=common_prefix(prefixes))
        .values("region_code")
        .annotate(n=Count("id"))
        .order_by()
    )
    return roll_up({r["region_code"]: r["n"] for r in rows}, prefixes)


def _units_with(level: int):
    """Regions of `level` (streets or communities) under each prefix holding at least one
    facility of the kind named by the argument (`puhui_childcare` = with 普惠托位)."""

    def get(prefixes, day, arg):
        sel = module_selectors("facilities")
        if sel is None:
            return {p: None for p in prefixes}
        qs = sel.facility_points(day=day).filter(region_code__startswith=common_prefix(prefixes))
        if arg == "puhui_childcare":
            qs = qs.filter(childcare_places_puhui__gt=0)
        elif arg:
            qs = qs.filter(kind__in=arg.split("+"))
        keep = regions.PREFIX_LENGTH[level]
        units = {code[:keep] for code in qs.values_list("region_code", flat=True)}
        return {p: float(sum(1 for u in units if u.startswith(p))) for p in prefixes}

    return get


# The statistical urban-rural classes (core.models.UrbanRural): 城镇 1xx, 乡村 2xx.
URBAN_RURAL_CLASSES = {"urban": "1", "rural": "2"}


def _class_communities(prefixes, day, arg):  # noqa: ARG001 — every indicator getter takes (prefixes, day, arg)
    """Communities (村级 units) of one urban-rural class (`urban` or `rural`) under each prefix;
    a community without a classification code is in neither."""
    lead = URBAN_RURAL_CLASSES[arg]
    codes = list(
        Region.objects.filter(
            level=regions.COMMUNITY, code__startswith=common_prefix(prefixes), urban_rural__startswith=lead
        ).values_list("code", flat=True)
    )
    return {p: float(sum(1 for c in codes if c.startswith(p))) for p in prefixes}


def _class_communities_with(prefixes, day, arg):
    """Communities of one urban-rural class holding a facility in operation of one of the kinds
    (`urban:community_centre`, `rural:community_centre+rural_mutual`)."""
    klass, _sep, kinds = arg.partition(":")
    sel = module_selectors("facilities")
    if sel is None:
        return {p: None for p in prefixes}
    under = common_prefix(prefixes)
    in_class = set(
        Region.objects.filter(
            level=regions.COMMUNITY,
            code__startswith=under,
            urban_rural__startswith=URBAN_RURAL_CLASSES[klass],
        ).values_list("code", flat=True)
    )
    qs = sel.facility_points(day=day).filter(region_code__startswith=under, kind__in=kinds.split("+"))
    units = set(qs.values_list("region_code", flat=True)) & in_class
    return {p: float(sum(1 for u in units if u.startswith(p))) for p in prefixes}


def _regions_at(level: int):
    def get(prefixes, day, _arg):  # noqa: ARG001 — every indicator getter takes (prefixes, day, arg)

        codes = list(
            Region.objects.filter(level=level, code__startswith=common_prefix(prefixes)).values_list(
                "code", flat=True
            )
        )
        return {p: float(sum(1 for c in codes if c.startswith(p))) for p in prefixes}

    return get


def _caregivers(prefixes, day, _arg):
    """Caregivers employed on the day holding a valid 养老护理员 certificate (workforce's
    certified_caregiver_count), every prefix in one grouped query per prefix length."""
    return _workforce("elder_care")(prefixes, day, "")


def _workforce(kind: str = ""):
    """Caregivers employed on the day; with `kind`, those holding a valid certificate of that kind,
    and with an argument `n`, of level n or above (`caregivers_with:3` = 三级/高级工 and up)."""

    def get(prefixes, day, arg):
        sel = module_selectors("workforce")
        if sel is None or not hasattr(sel, "caregiver_counts"):
            return {p: None for p in prefixes}
        level = int(arg) if arg.isdigit() else None
        counts = sel.caregiver_counts(region_prefixes=prefixes, day=day, kind=kind, min_level=level)
        return {p: float(counts[p]) for p in prefixes}

    return get


def _people_of(prefixes: list[str], day: datetime.date, who: str) -> dict[int, str]:
    """{person id: region code} of the people a share is taken of (memoised per evaluation):
    `tekun_disabled` = 失能老年人 (registry/groups.py) holding 特困 on the day;
    `alone` = people aged 60+ living alone (独居) or in an empty nest (空巢) on the day."""
    key = ("people", who, common_prefix(prefixes), day)
    if key not in _capacity_memo:
        under = common_prefix(prefixes)
        if who == "tekun_disabled":
            qs = population(code="disabled", day=day, region_prefix=under).filter(status_on("tekun", day))
        else:
            qs = population(code="elder", day=day, region_prefix=under).filter(
                status_on("living_alone", day) | status_on("empty_nest", day)
            )
        _capacity_memo[key] = dict(qs.values_list("id", "region_code"))
    return _capacity_memo[key]  # type: ignore[return-value]


def _share_of(who: str, module: str = "", reader: str = ""):
    """The people `who` (see _people_of) under each prefix; with `module`, only those the module's
    selector `reader(person_ids=…, day=…)` returns (in an institution, with a device)."""

    def get(prefixes, day, _arg):
        people = _people_of(prefixes, day, who)
        if module:
            sel = module_selectors(module)
            if sel is None or not hasattr(sel, reader):
                return {p: None for p in prefixes}
            kept = getattr(sel, reader)(person_ids=list(people), day=day)
            people = {pk: code for pk, code in people.items() if pk in kept}
        return roll_up(dict(Counter(people.values())), prefixes)

    return get


def _ratings(index: int):
    """Homecare ratings given in the year up to the day (index 0: of 4–5 stars, 1: all)."""

    def get(prefixes, day, _arg):
        sel = module_selectors("homecare")
        if sel is None or not hasattr(sel, "rating_counts_under"):
            return {p: None for p in prefixes}
        since = day - datetime.timedelta(days=364)
        counts = sel.rating_counts_under(region_prefixes=prefixes, since=since, until=day)
        return {p: float(counts[p][index]) for p in prefixes}

    return get


def _growth(index: int):
    """Children under 5 with a growth check in the year up to the day (index 0: stunted, 1: measured)."""

    def get(prefixes, day, _arg):
        sel = module_selectors("assessment")
        if sel is None or not hasattr(sel, "growth_stunting_under"):
            return {p: None for p in prefixes}
        counts = sel.growth_stunting_under(region_prefixes=prefixes, day=day)
        return {p: float(counts[p][index]) for p in prefixes}

    return get


# The visit-rate indicator counts the people of this group only (registry/groups.py: 特殊困难老年人),
# not the children in difficulty or left behind who are on the same rounds.
VISITED_GROUP = "special_difficulty"


def _visits(index: int):
    def get(prefixes, day, _arg):
        sel = module_selectors("carevisits")
        if sel is None or not hasattr(sel, "visit_coverage_under"):
            return {p: None for p in prefixes}
        missing = [p for p in prefixes if ("visits", p, day.year, day.month) not in _capacity_memo]
        if missing:  # visits_done and visits_due of one evaluation share the one grouped read
            found = sel.visit_coverage_under(
                region_prefixes=missing, year=day.year, month=day.month, group=VISITED_GROUP
            )
            for p, pair in found.items():
                _capacity_memo[("visits", p, day.year, day.month)] = pair
        return {p: float(_capacity_memo[("visits", p, day.year, day.month)][index]) for p in prefixes}

    return get


def _coverage(field: str):
    """The latest 15-minute coverage run of a facility kind for a group (`elder:community_centre`)
    on or before the day: population or covered count per region."""

    def get(prefixes, day, arg):
        group, _sep, kind = arg.partition(":")
        codes = {p: p.ljust(12, "0") for p in prefixes}
        runs = list(
            CoverageRun.objects.filter(group=group, kind=kind, day__lte=day)
            .order_by("-day", "-id")
            .values_list("pk", flat=True)[:50]
        )
        areas: dict[str, dict[int, CoverageArea]] = {}
        for a in CoverageArea.objects.filter(run_id__in=runs, region_code__in=list(codes.values())):
            areas.setdefault(a.region_code, {})[a.run_id] = a
        out: Figures = {}
        for p, code in codes.items():
            mine = areas.get(code, {})
            newest = next((mine[r] for r in runs if r in mine), None)  # the newest run covering the region
            out[p] = float(getattr(newest, field)) if newest else None
        return out

    return get


def _manual(prefixes, day, code):
    """The latest value entered by hand for indicator `code` in exactly this region."""
    codes = {p: p.ljust(12, "0") for p in prefixes}
    latest: dict[str, float] = {}
    rows = (
        IndicatorValue.objects.filter(
            indicator__code=code, region_code__in=list(codes.values()), day__lte=day
        )
        .exclude(value__isnull=True)
        .order_by("day", "id")
        .values_list("region_code", "value")
    )
    for region_code, value in rows:
        latest[region_code] = value  # ordered by day: the last one wins
    return {p: latest.get(c) for p, c in codes.items()}


def _module_counts(module: str, name: str):
    """A module's published figure `selectors.<name>(prefixes, day) -> {prefix: count}`."""

    def get(prefixes, day, _arg):
        sel = module_selectors(module)
        if sel is None or not hasattr(sel, name):
            return {p: None for p in prefixes}
        counts = getattr(sel, name)(prefixes, day)
        return {p: float(counts.get(p, 0)) for p in prefixes}

    return get


_paid = _module_counts("careathome", "adaptation_paid_counts")
_home_beds = _module_counts("careathome", "home_bed_counts")
COMPUTATIONS: dict[str, Computation] = {
    "elders": Computation(_("60岁及以上老年人数"), _people("elder")),
    "seniors80": Computation(_("80岁及以上高龄老年人数"), _people("senior80")),
    "infants": Computation(_("3岁以下婴幼儿数"), _people("infant")),
    "beds_total": Computation(_("养老机构床位数"), _capacity(lambda c: c.beds_total), "facilities"),
    "beds_nursing": Computation(_("护理型床位数"), _capacity(lambda c: c.beds_nursing), "facilities"),
    "beds_cognitive": Computation(_("认知障碍床位数"), _capacity(lambda c: c.beds_cognitive), "facilities"),
    "beds_institution": Computation(
        _("养老机构床位数（不含街道中心短托床位）"),
        _capacity(lambda c: c.beds_total, institutions_only=True),
        "facilities",
    ),
    "beds_nursing_type": Computation(
        _("养老机构护理型床位数（含认知障碍照护床位）"),
        _capacity(lambda c: c.beds_nursing + c.beds_cognitive, institutions_only=True),
        "facilities",
    ),
    "childcare_places": Computation(_("托位数"), _capacity(lambda c: c.childcare_places), "facilities"),
    "childcare_places_puhui": Computation(
        _("普惠性托位数"), _capacity(lambda c: c.childcare_places_puhui), "facilities"
    ),
    "facilities": Computation(_("运营中的设施数"), _facility_count, "facilities"),
    "streets_with": Computation(_("有该类设施的街道(乡镇)数"), _units_with(regions.STREET), "facilities"),
    "communities_with": Computation(
        _("有该类设施的社区(村)数"), _units_with(regions.COMMUNITY), "facilities"
    ),
    "streets": Computation(_("街道(乡镇)数"), _regions_at(regions.STREET)),
    "communities": Computation(_("社区(村)数"), _regions_at(regions.COMMUNITY)),
    "class_communities": Computation(_("按城乡分类代码的社区(村)数"), _class_communities),
    "class_communities_with": Computation(
        _("按城乡分类代码、有该类设施的社区(村)数"), _class_communities_with, "facilities"
    ),
    "caregivers_certified": Computation(_("持证养老护理员数"), _caregivers, "workforce"),
    "caregivers_employed": Computation(_("在岗护理员数"), _workforce(), "workforce"),
    "caregivers_level": Computation(
        _("持有该等级及以上养老护理员职业技能等级证书的在岗护理员数"), _workforce("elder_care"), "workforce"
    ),
    "caregivers_trained": Computation(
        _("持有效岗位培训合格证的在岗护理员数"), _workforce("training"), "workforce"
    ),
    "districts": Computation(_("县(市、区)数"), _regions_at(regions.DISTRICT)),
    "districts_with": Computation(_("有该类设施的县(市、区)数"), _units_with(regions.DISTRICT), "facilities"),
    "tekun_disabled": Computation(_("失能特困老年人数"), _share_of("tekun_disabled")),
    "tekun_disabled_in_care": Computation(
        _("入住养老机构的失能特困老年人数"),
        _share_of("tekun_disabled", "facilities", "institution_residents"),
        "facilities",
    ),
    "alone_elders": Computation(_("独居、空巢老年人数"), _share_of("alone")),
    "alone_elders_with_device": Computation(
        _("有在用智能安全设备的独居、空巢老年人数"),
        _share_of("alone", "alarms", "persons_with_device"),
        "alarms",
    ),
    "ratings_satisfied": Computation(_("近一年评为满意(4—5星)的居家服务评价数"), _ratings(0), "homecare"),
    "ratings": Computation(_("近一年居家服务评价数"), _ratings(1), "homecare"),
    "growth_stunted": Computation(
        _("近一年最近一次生长监测年龄别身长Z值低于−2的5岁以下儿童数"), _growth(0), "assessment"
    ),
    "growth_measured": Computation(_("近一年做过生长监测的5岁以下儿童数"), _growth(1), "assessment"),
    "visits_done": Computation(_("当月已探访的特殊困难老年人数"), _visits(0), "carevisits"),
    "visits_due": Computation(_("当月应探访的特殊困难老年人数"), _visits(1), "carevisits"),
    "covered": Computation(_("15分钟内可达的人数"), _coverage("covered")),
    "covered_population": Computation(_("参与覆盖测算的人数"), _coverage("population")),
    "adaptations_paid": Computation(_("已付补助的适老化改造户数"), _paid, "careathome"),
    "home_beds": Computation(_("在服务的家庭养老床位数"), _home_beds, "careathome"),
    "manual": Computation(_("人工填报值"), _manual),
}


def parse(spec: str) -> tuple[str, str]:
    name, _sep, arg = spec.partition(":")
    return name, arg


def is_known(spec: str) -> bool:
    return parse(spec)[0] in COMPUTATIONS


def evaluate(spec: str, prefixes: list[str], day: datetime.date) -> Figures:
    name, arg = parse(spec)
    return COMPUTATIONS[name].func(prefixes, day, arg)


# Words for the parts of an argument a formula shows: groups, urban-rural classes, grades, and the
# facility kinds by the names facilities gives them (facilities.models.FacilityKind; planning
# cannot import that model, tests/planning/test_formula_words.py keeps the two alike). A formula
# never shows a code: an argument without words reads 其他类别 (an indicator code, B01, stays).
ARG_WORDS = {
    "urban": _("城镇"),
    "rural": _("乡村"),
    "3": _("三级/高级工"),
    "elder": _("老年人"),
    "infant": _("婴幼儿"),
    "childcare": _("托育机构"),
    "puhui_childcare": _("有普惠托位的托育机构"),
    "nursing_public": _("养老机构（公办）"),
    "nursing_ppp": _("养老机构（公建民营）"),
    "nursing_private": _("养老机构（民办）"),
    "street_centre": _("街道(镇)居家养老服务中心"),
    "community_centre": _("社区(村)照料中心"),
    "canteen": _("老年食堂/助餐点"),
    "rural_mutual": _("农村互助点/幸福大院"),
    "dementia_unit": _("认知障碍照护专区"),
    "childcare_centre": _("托育机构"),
    "kindergarten_class": _("幼儿园托班"),
    "embedded_childcare": _("嵌入式/单位办托"),
    "growth_station": _("婴幼儿成长驿站"),
    "elder_university": _("老年大学"),
    "activity_centre": _("老年活动中心"),
}


def arg_words(part: str) -> str:
    """One part of an argument in words; kinds joined by "+" read "A或B"."""
    if "+" in part:
        return str(_("或")).join(arg_words(p) for p in part.split("+"))
    word = ARG_WORDS.get(part)
    if word is not None:
        return str(word)
    return str(_("其他类别")) if any(c.islower() for c in part) else part


def label(spec: str) -> str:
    name, arg = parse(spec)
    comp = COMPUTATIONS.get(name)
    text = str(comp.label) if comp else str(_("未知的计算"))
    if not arg:
        return text
    return f"{text}（{'，'.join(arg_words(part) for part in arg.split(':'))}）"
