"""The seeds' workforce indicators (issue 21, item 5), computed from the register for every region.

Each figure is counted set-based: one grouped query per region-code length (core.regions.
grouped_under) with conditional counts, not one query per region. An indicator is a numerator over a
denominator times a scale; its targets are the seeds', as data with citations, stored against the
code of the city that set them (a region under that city is held to them; others see them as the
seeds' reference).

Definitions (on `day`; "employed" = employment period covers the day; certificates valid that day):
- 护理员: roles 居家护理员 and 养老护理员; 持证 = a valid 养老护理员 certificate;
- senior/technician = that certificate at 三级/高级工 or above;
- childcare staff: 保育人员, 保健员, 育婴员, 园长, 持证 = a valid 保育师, 育婴员, 保健 or 教师 certificate;
- trained in a year = attended and passed a training session between 1 January and `day`;
- social workers: 社会工作者 employed by institutions' operators; beds: beds of operating 养老机构
  (general + nursing + cognitive; not street centres' short-stay beds), as facilities counts them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from carecircle.core import regions
from carecircle.facilities.selectors import facility_points
from carecircle.registry.selectors import population
from carecircle.workforce.models import Attendance, Caregiver, Certificate, CertificateKind, WorkerRole
from carecircle.workforce.selectors import childcare_staff_q, employed_on, valid_on

HANGZHOU, JIAXING, QUJING, YIZHOU = "3301", "3304", "5303", "650502"
ELDER_ROLES = (WorkerRole.HOME_CAREGIVER, WorkerRole.CARER)
MANAGER_ROLES = (WorkerRole.MANAGER, WorkerRole.DIRECTOR)
# 养老机构 kinds whose beds the social-worker ratio counts (as facilities.selectors.capacity_totals
# with institutions_only).
INSTITUTION_BED_KINDS = ("nursing_public", "nursing_ppp", "nursing_private", "dementia_unit")


@dataclass(frozen=True)
class Target:
    city: str  # the code prefix of the city (or district) that set it
    city_name: str
    value: float
    citation: str


@dataclass(frozen=True)
class Indicator:
    code: str
    name: object
    unit: str
    numerator: str
    denominator: str
    scale: int
    targets: tuple[Target, ...]


INDICATORS = (
    Indicator(
        "W01",
        _("每万名老年人拥有持证养老护理员数"),
        "人",
        "carers_certified",
        "elders",
        10000,
        (
            Target(HANGZHOU, "杭州", 28, "杭州 二(二)3"),
            Target(JIAXING, "嘉兴", 27, "嘉兴 一 主要目标（人才队伍）"),
        ),
    ),
    Indicator(
        "W02",
        _("高级、技师级养老护理员比例"),
        "%",
        "carers_senior",
        "carers",
        100,
        (
            Target(HANGZHOU, "杭州", 20, "杭州 二(二)3"),
            Target(JIAXING, "嘉兴", 18, "嘉兴 一 主要目标（人才队伍）"),
        ),
    ),
    Indicator(
        "W03",
        _("养老护理人员持证上岗率"),
        "%",
        "carers_certified_role",
        "carers",
        100,
        (Target(QUJING, "曲靖", 80, "曲靖 三(五)2"),),
    ),
    Indicator(
        "W04",
        _("托育从业人员持证上岗率"),
        "%",
        "childcare_certified",
        "childcare",
        100,
        (
            Target(HANGZHOU, "杭州", 90, "杭州 二(二)3"),
            Target(QUJING, "曲靖", 70, "曲靖 三(五)2"),
        ),
    ),
    Indicator(
        "W05",
        _("机构养老护理员年度培训率"),
        "%",
        "inst_carers_trained",
        "inst_carers",
        100,
        (
            Target(YIZHOU, "伊州", 80, "伊州 三(三) 2020年指标"),
            Target(YIZHOU, "伊州", 100, "伊州 三(三) 2022年指标"),
        ),
    ),
    Indicator(
        "W06",
        _("居家和社区养老服务人员年度岗位培训率"),
        "%",
        "home_staff_trained",
        "home_staff",
        100,
        (
            Target(YIZHOU, "伊州", 60, "伊州 三(三) 2020年指标"),
            Target(YIZHOU, "伊州", 100, "伊州 三(三) 2022年指标"),
        ),
    ),
    Indicator(
        "W07",
        _("养老托育机构负责人年度培训率"),
        "%",
        "managers_trained",
        "managers",
        100,
        (Target(QUJING, "曲靖", 100, "曲靖 三(五)2 重点加强各类养老托育机构负责人培训（每年）"),),
    ),
    Indicator(
        "W08",
        _("每60张养老机构床位配备社会工作者数"),
        "人",
        "social_workers",
        "beds",
        60,
        (Target(JIAXING, "嘉兴", 1, "嘉兴 二(五)14"),),
    ),
)


def _worker_figures(day: datetime.date) -> dict[str, Q]:
    """The worker counts, each a condition on employed workers of the register."""
    year_start = day.replace(month=1, day=1)
    elder_cert = Certificate.objects.filter(
        valid_on(day), caregiver=OuterRef("pk"), kind=CertificateKind.ELDER_CARE
    )
    trained = Exists(
        Attendance.objects.filter(worker=OuterRef("pk"), day__gte=year_start, day__lte=day, passed=True)
    )
    carers = Q(role__in=ELDER_ROLES)
    inst = Q(role=WorkerRole.CARER, employer_kind="facility_operator")
    home = Q(role=WorkerRole.HOME_CAREGIVER)
    managers = Q(role__in=MANAGER_ROLES)
    return {
        "carers_certified": Q(Exists(elder_cert)),
        "carers": carers,
        "carers_senior": carers & Q(Exists(elder_cert.filter(level__gte=3))),
        "carers_certified_role": carers & Q(Exists(elder_cert)),
        "childcare": childcare_staff_q(day),
        "childcare_certified": childcare_staff_q(day, certified=True),
        "inst_carers": inst,
        "inst_carers_trained": inst & Q(trained),
        "home_staff": home,
        "home_staff_trained": home & Q(trained),
        "managers": managers,
        "managers_trained": managers & Q(trained),
        "social_workers": Q(role=WorkerRole.SOCIAL_WORKER, employer_kind="facility_operator"),
    }


def figures(prefixes: list[str], day: datetime.date) -> dict[str, dict[str, int]]:
    """{figure name: {prefix: count}} for every figure the indicators name, set-based."""
    out: dict[str, dict[str, int]] = {}
    conds = _worker_figures(day)
    for name in [*conds, "elders", "beds"]:
        out[name] = dict.fromkeys(prefixes, 0)
    workers = Caregiver.objects.filter(employed_on(day))
    aggregates = {name: Count("id", filter=cond) for name, cond in conds.items()}
    for grouped in regions.grouped_under(workers, prefixes):
        for row in grouped.values("under").annotate(**aggregates):
            for name in conds:
                out[name][row["under"]] = row[name]
    for grouped in regions.grouped_under(population(code="elder", day=day), prefixes):
        out["elders"].update(grouped.values_list("under").annotate(n=Count("id")))
    beds = facility_points(day=day).filter(kind__in=INSTITUTION_BED_KINDS)
    total = Coalesce(Sum(F("beds_general") + F("beds_nursing") + F("beds_cognitive")), 0)
    for grouped in regions.grouped_under(beds, prefixes):
        out["beds"].update(grouped.values_list("under").annotate(n=total).values_list("under", "n"))
    return out


@dataclass(frozen=True)
class IndicatorValue:
    indicator: Indicator
    numerator: int
    denominator: int
    value: float | None  # None: nothing to divide by
    targets: tuple[tuple[Target, bool | None], ...]
    # (target, met?) of the city the region lies in; under no seed city, every seed's as reference


def evaluate(prefixes: list[str], day: datetime.date) -> dict[str, list[IndicatorValue]]:
    """{prefix: the indicators' values there, with the targets of the city it lies in}."""
    figs = figures(prefixes, day)
    out: dict[str, list[IndicatorValue]] = {}
    for p in prefixes:
        row: list[IndicatorValue] = []
        for ind in INDICATORS:
            num, den = figs[ind.numerator][p], figs[ind.denominator][p]
            value = round(num * ind.scale / den, 2) if den else None
            own = tuple(t for t in ind.targets if p.startswith(t.city)) or ind.targets
            met = tuple((t, None if value is None else value >= t.value) for t in own)
            row.append(IndicatorValue(ind, num, den, value, met))
        out[p] = row
    return out
