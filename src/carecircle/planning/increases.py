"""“新增” targets (Qujing 二(二): 新增养老床位20000张、新增托位24700个): an increase over a base
day, computed as the stock on the day minus the stock on the base day, and set against the target.
A stock is a named computation (planning/computations.py) evaluated on both days: for beds and
托位 the facilities in operation on that day by their filing history, each with the capacity it
holds now (a facility's earlier capacity is not kept)."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from carecircle.core import regions
from carecircle.planning import computations
from carecircle.planning.defaults import INCREASE_TARGETS, IncreaseTarget

FORMULA = _("新增 = 当日已备案运营设施的容量 − 基期末已备案运营设施的容量（按各设施当前登记的容量计）")


@dataclass(frozen=True)
class IncreaseProgress:
    """An increase target for one region: stocks on both days, the increase, and what remains."""

    target: IncreaseTarget
    region_code: str
    applies: bool  # the region is the target's city or inside it
    base_stock: float | None = None
    stock: float | None = None
    increase: float | None = None
    remaining: float | None = None  # only for the target's own region: the target is its total
    met: bool | None = None


def progress(target: IncreaseTarget, region_code: str, day: datetime.date) -> IncreaseProgress:
    """The increase of `target`'s stock in `region_code` from the base day to `day`."""
    if not region_code.startswith(regions.prefix_of(target.region)):
        return IncreaseProgress(target=target, region_code=region_code, applies=False)
    prefix = regions.prefix_of(region_code)
    computations.clear_memo()
    base = computations.evaluate(target.figure, [prefix], target.base_day).get(prefix)
    computations.clear_memo()
    now = computations.evaluate(target.figure, [prefix], day).get(prefix)
    computations.clear_memo()
    if base is None or now is None:
        return IncreaseProgress(
            target=target, region_code=region_code, applies=True, base_stock=base, stock=now
        )
    increase = now - base
    own = region_code == target.region
    return IncreaseProgress(
        target=target,
        region_code=region_code,
        applies=True,
        base_stock=base,
        stock=now,
        increase=increase,
        remaining=max(0.0, target.target - increase) if own else None,
        met=increase >= target.target if own else None,
    )


def all_progress(region_code: str, day: datetime.date) -> list[IncreaseProgress]:
    return [progress(t, region_code, day) for t in INCREASE_TARGETS]
