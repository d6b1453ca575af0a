"""附近设施 by walking distance (issue 19 item 3: "nearby facilities sorted by walking distance from
the person's home (the planning module's network when loaded, straight-line otherwise)").

The candidates are the facilities nearest by the straight line (portal/finder.py); when the
planning module holds a walking network for the person's area (the one its 15-minute coverage
walks), each candidate's walk along it is asked of `planning.selectors.walking_metres` and the list
re-sorted by it; otherwise the straight-line order stays, its minutes estimated. The page says
which (`Nearby.by_network`, `Nearby.basis`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext as _

from carecircle.portal.finder import Found
from carecircle.portal.tiles import walking_minutes

CANDIDATES = 40  # straight-line nearest first; the walk re-sorts these
WALK_M_PER_MIN = 50.0  # an older person's pace, about 3 km/h (as tiles.walking_minutes)


@dataclass(frozen=True)
class Nearby:
    found: list[Found]
    by_network: bool

    @property
    def basis(self) -> str:
        if self.by_network:
            return _("按步行路网的实际路程排序，步行时间按每小时3公里估算")
        return _("还没有步行路网，按直线距离排序，步行时间按直线距离估算")


def _network_metres(
    region_code: str, home: tuple[float, float], found: list[Found]
) -> list[float | None] | None:
    if not apps.is_installed("carecircle.planning"):
        return None
    from carecircle.planning import selectors as planning  # noqa: PLC0415 — the other module may be absent

    return planning.walking_metres(
        region_code=region_code, origin=home, targets=[(f.latitude, f.longitude) for f in found]
    )


def nearest(found: list[Found], *, home: tuple[float, float], region_code: str, limit: int = 10) -> Nearby:
    """`found` (nearest first by the straight line, each with its `km`) re-sorted by the walk along
    the planning network when one covers `region_code`, with the walk's km and minutes; a facility
    the network does not reach within its limit comes after those it reaches, by the straight line."""
    candidates = sorted(found, key=lambda f: (f.km is None, f.km or 0.0))[:CANDIDATES]
    metres = _network_metres(region_code, home, candidates) if candidates else None
    if metres is None:
        return Nearby(candidates[:limit], by_network=False)
    walked = [
        dataclasses.replace(f, km=round(m / 1000, 2), minutes=max(1, round(m / WALK_M_PER_MIN)))
        for f, m in zip(candidates, metres, strict=True)
        if m is not None
    ]
    walked.sort(key=lambda f: (f.km, f.name))
    beyond = [
        dataclasses.replace(f, minutes=walking_minutes(f.km) if f.km is not None else None)
        for f, m in zip(candidates, metres, strict=True)
        if m is None
    ]
    return Nearby((walked + beyond)[:limit], by_network=True)
