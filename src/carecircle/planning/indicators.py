"""Evaluating indicators: values for regions on a day, targets that apply, gap and status."""

import datetime
from dataclasses import dataclass, field

from carecircle.core import regions
from carecircle.planning import computations
from carecircle.planning.models import Direction, Indicator, IndicatorTarget, IndicatorValue


@dataclass
class Result:
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    manual: bool = False
    source: str = ""
    applicable: bool = True
    missing: list[str] = field(default_factory=list)  # computations with no data


def compute(
    indicators: list[Indicator], codes: list[str], day: datetime.date
) -> dict[str, dict[str, Result]]:
    """{indicator code: {region code: Result}} for every indicator and region, computed live.
    Each named computation is evaluated once for all regions."""
    computations.clear_memo()
    prefixes = {code: regions.prefix_of(code) for code in codes}
    wanted: dict[str, set[str]] = {}
    for ind in indicators:
        for spec in (ind.numerator, ind.denominator):
            if spec:
                wanted.setdefault(spec, set()).update(
                    prefixes[c] for c in codes if regions.level_of(c) <= ind.lowest_level
                )
    figures = {spec: computations.evaluate(spec, sorted(ps), day) for spec, ps in wanted.items() if ps}
    computations.clear_memo()
    manual = _manual_values([i for i in indicators if not i.computed], codes, day)
    out: dict[str, dict[str, Result]] = {}
    for ind in indicators:
        row = out.setdefault(ind.code, {})
        for code in codes:
            if regions.level_of(code) > ind.lowest_level:
                row[code] = Result(applicable=False)
                continue
            if not ind.computed:
                v = manual.get((ind.code, code))
                row[code] = Result(value=v.value, manual=True, source=v.source) if v else Result(manual=True)
                continue
            p = prefixes[code]
            num = figures[ind.numerator].get(p)
            den = figures[ind.denominator].get(p) if ind.denominator else None
            r = Result(numerator=num, denominator=den)
            if num is None:
                r.missing.append(ind.numerator)
            if ind.denominator and den is None:
                r.missing.append(ind.denominator)
            if num is not None and not r.missing:
                if not ind.denominator:
                    r.value = num * ind.scale
                elif den:
                    r.value = num / den * ind.scale
            row[code] = r
    return out


def _manual_values(indicators, codes, day) -> dict:
    if not indicators:
        return {}
    rows = (
        IndicatorValue.objects.filter(
            indicator__in=indicators, region_code__in=codes, day__lte=day, manual=True
        )
        .exclude(value__isnull=True)
        .select_related("indicator")
        .order_by("day")
    )
    return {(r.indicator.code, r.region_code): r for r in rows}  # the latest wins


def target_for(ind: Indicator, code: str, day: datetime.date, targets=None) -> IndicatorTarget | None:
    """The target that applies: the most specific region above (or at) `code` that set one,
    for the first target year not before `day`'s year (else its last year)."""
    if targets is None:
        targets = list(ind.targets.all())
    mine = [t for t in targets if code.startswith(regions.prefix_of(t.region_code))]
    if not mine:
        return None
    best = max(len(regions.prefix_of(t.region_code)) for t in mine)
    mine = sorted((t for t in mine if len(regions.prefix_of(t.region_code)) == best), key=lambda t: t.year)
    ahead = [t for t in mine if t.year >= day.year]
    return ahead[0] if ahead else mine[-1]


def status_of(
    ind: Indicator, value: float | None, target: IndicatorTarget | None, previous: float | None = None
) -> str:
    """green: meets the target; amber: within 10% of it (or level with last time); red: behind;
    grey: no value or no target."""
    if value is None or target is None:
        return "grey"
    if target.op == IndicatorTarget.Op.UP or target.value is None:
        if previous is None:
            return "grey"
        better = value > previous if ind.direction == Direction.UP else value < previous
        return "green" if better else ("amber" if value == previous else "red")
    t = target.value
    met = {">=": value >= t, ">": value > t, "<=": value <= t, "<": value < t}[target.op]
    if met:
        return "green"
    if ind.direction == Direction.DOWN:
        return "amber" if value <= t * 1.1 else "red"
    return "amber" if value >= t * 0.9 else "red"


def gap_of(ind: Indicator, value: float | None, target: IndicatorTarget | None) -> float | None:
    """How far the value is from the target (positive = short of it, 0 = met)."""
    if value is None or target is None or target.value is None:
        return None
    if ind.direction == Direction.DOWN:
        return max(0.0, value - target.value)
    return max(0.0, target.value - value)
