"""Five-year demand projection by cohort ageing, and what the targets then require.

Stated assumptions (shown on the page beside the figures):
- each single-year cohort of older people ages one year per year and survives with probability
  1 − q(a), q(a) = 0.0055 · e^{0.095 (a − 60)} (a Gompertz curve close to China's 2020 life table:
  q ≈ 0.6% at 60, 1.4% at 70, 3.7% at 80, 9.5% at 90), capped at 1;
- the registry holds no one aged 55–59, so the cohort turning 60 each year is taken to be the
  size of today's 60-year-old cohort, times (1 + entry growth) per year (default 0);
- births each year equal today's average infant cohort (ages 0, 1, 2), times (1 + birth growth)
  per year (default 0); infants are the last three birth cohorts (infant mortality ignored);
- 常住人口 (for per-1,000 rates) is the last figure entered (indicator B01), times (1 + growth);
- no migration.
"""

import datetime
import math
from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.core import regions
from carecircle.planning import computations
from carecircle.planning.indicators import target_for
from carecircle.planning.models import Indicator
from carecircle.registry.models import Person
from carecircle.registry.selectors import active_on, birth_date_bounds

Q60, GOMPERTZ = 0.0055, 0.095
ASSUMPTIONS = [
    gettext_lazy(
        "老年人按单岁年龄组逐年递进，年死亡概率 q(a)=0.0055·e^(0.095·(a−60))（Gompertz曲线，"
        "接近2020年全国生命表：60岁约0.6%、70岁1.4%、80岁3.7%、90岁9.5%）。"
    ),
    gettext_lazy("人员库不含55—59岁人口，每年新进入60岁的人数按当前60岁人数计（年增长率默认0）。"),
    gettext_lazy(
        "每年出生人数按当前0、1、2岁婴幼儿的平均数计（年增长率默认0）；婴幼儿为最近三个出生队列，不计婴幼儿死亡。"
    ),
    gettext_lazy("常住人口（每千人托位数的分母）取最近一次填报的指标B01，年增长率默认0。"),
    gettext_lazy("不考虑人口迁入迁出。需求按目标年份适用的数值目标测算，与当前已备案运营的容量比较。"),
]
MAX_AGE = 110


def death_rate(age: int) -> float:
    return min(1.0, Q60 * math.exp(GOMPERTZ * (age - 60)))


def age_structure(prefix: str, day: datetime.date) -> tuple[Counter, Counter]:
    """Counts of active older people by single year of age (60+), and of infants by age (0–2)."""
    elders, infants = Counter[int](), Counter[int]()
    base = Person.objects.filter(region_code__startswith=prefix).filter(active_on(day))
    for birth in base.filter(birth_date_bounds("elder", day)).values_list("birth_date", flat=True):
        elders[_age(birth, day)] += 1
    for birth in base.filter(birth_date_bounds("infant", day)).values_list("birth_date", flat=True):
        infants[_age(birth, day)] += 1
    return elders, infants


def _age(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def project(
    elders: Counter, infants: Counter, years: int = 5, entry_growth: float = 0.0, birth_growth: float = 0.0
) -> list[dict]:
    """Year-by-year expected counts (year 0 = today)."""
    cohort = {a: float(n) for a, n in elders.items() if a >= 60}
    entrants = float(elders.get(60, 0))
    births = sum(infants.get(a, 0) for a in (0, 1, 2)) / 3.0
    babies = [float(infants.get(2, 0)), float(infants.get(1, 0)), float(infants.get(0, 0))]  # oldest first
    out = [
        {
            "year": 0,
            "elders": sum(cohort.values()),
            "seniors80": sum(v for a, v in cohort.items() if a >= 80),
            "infants": sum(babies),
        }
    ]
    for t in range(1, years + 1):
        aged: dict[int, float] = {}
        for a, n in cohort.items():
            if a + 1 <= MAX_AGE:
                aged[a + 1] = aged.get(a + 1, 0.0) + n * (1 - death_rate(a))
        aged[60] = aged.get(60, 0.0) + entrants * (1 + entry_growth) ** t
        cohort = aged
        babies = babies[1:] + [births * (1 + birth_growth) ** t]
        out.append(
            {
                "year": t,
                "elders": sum(cohort.values()),
                "seniors80": sum(v for a, v in cohort.items() if a >= 80),
                "infants": sum(babies),
            }
        )
    return out


def _rate(code: str, region_code: str, year: int, fallback: float | None) -> tuple[float | None, str]:
    """The numeric target that applies in `year`; when that year's target is qualitative
    (“持续提升”), the last numeric one before it is held."""
    ind = Indicator.objects.filter(code=code).first()
    if ind is None:
        return fallback, ""
    numeric = [t for t in ind.targets.all() if t.value is not None and t.op != "up"]
    t = target_for(ind, region_code, datetime.date(year, 12, 31), numeric)
    if t is None:
        return fallback, ""
    note = "" if t.year >= year else _("（%(y)d年后的目标为定性表述，按%(y)d年数值保持）") % {"y": t.year}
    return t.value, f"{t.year} {t.source}{note}"


def requirements(
    region_code: str,
    day: datetime.date,
    years: int = 5,
    entry_growth: float = 0.0,
    birth_growth: float = 0.0,
    population_growth: float = 0.0,
) -> dict:
    """The projection for one region and what the targets require in the final year, beside
    today's capacity."""
    prefix = regions.prefix_of(region_code)
    elders, infants = age_structure(prefix, day)
    rows = project(elders, infants, years, entry_growth, birth_growth)
    final = rows[-1]
    year = day.year + years
    population = computations.evaluate("manual:B01", [prefix], day)[prefix]
    population_final = population * (1 + population_growth) ** years if population else None
    have = {
        name: computations.evaluate(name, [prefix], day)[prefix]
        for name in ("childcare_places", "beds_cognitive", "caregivers_certified", "beds_total")
    }
    needs = []
    rate, src = _rate("C01", region_code, year, None)
    if rate is not None and population_final:
        needs.append(
            ("托位", rate, "每千名常住人口", population_final / 1000 * rate, have["childcare_places"], src)
        )
    rate, src = _rate("E02", region_code, year, None)
    if rate is not None:
        needs.append(
            (
                "认知障碍床位",
                rate,
                "每万名老年人",
                final["elders"] / 10000 * rate,
                have["beds_cognitive"],
                src,
            )
        )
    rate, src = _rate("E10", region_code, year, None)
    if rate is not None:
        needs.append(
            (
                "持证养老护理员",
                rate,
                "每万名老年人",
                final["elders"] / 10000 * rate,
                have["caregivers_certified"],
                src,
            )
        )
    return {
        "region_code": region_code,
        "base_year": day.year,
        "final_year": year,
        "rows": rows,
        "population": population,
        "population_final": population_final,
        "needs": [
            {
                "what": w,
                "rate": r,
                "per": per,
                "required": round(req),
                "current": cur,
                "gap": (round(req - cur) if cur is not None else None),
                "source": s,
            }
            for w, r, per, req, cur, s in needs
        ],
    }
