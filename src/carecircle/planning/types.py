"""The planning module's contracts: the shapes of what its selectors answer pages, the API and the
Excel export. They stay dictionaries at run time (the dashboard and the coverage figures are
written into pages as JSON through json_script), typed here as TypedDicts."""

from __future__ import annotations

import datetime
from typing import TypedDict


class TargetFigure(TypedDict):
    """An indicator's target as the dashboard shows it (`text`: the target in words)."""

    year: int
    op: str
    value: float | None
    text: str
    source: str
    region_code: str


class ChildFigure(TypedDict):
    """One indicator's figure for a region one level down (the drill-down)."""

    code: str
    name: str
    value: float | None
    applicable: bool
    numerator: float | None
    denominator: float | None
    status: str
    gap: float | None
    latitude: float | None
    longitude: float | None


class TrendPoint(TypedDict):
    day: datetime.date
    value: float | None


class IndicatorFigure(TypedDict):
    """One indicator on the dashboard: its definition, value, target, gap, status and trend."""

    code: str
    name: str
    unit: str
    domain: str
    computed: bool
    applicable: bool
    formula: str
    source: str
    note: str
    value: float | None
    numerator: float | None
    denominator: float | None
    value_source: str
    missing: list[str]
    target: TargetFigure | None
    gap: float | None
    status: str
    trend: list[TrendPoint]
    children: list[ChildFigure]


class RegionFigure(TypedDict):
    code: str
    name: str
    level: int
    latitude: float | None
    longitude: float | None


class RegionLink(TypedDict):
    code: str
    name: str


class Dashboard(TypedDict):
    """`planning.selectors.dashboard`: every indicator of a region on a day."""

    region: RegionFigure
    path: list[RegionLink]
    day: datetime.date
    indicators: list[IndicatorFigure]


class CoverageTop(TypedDict):
    """A coverage run's headline for a user: the region shown, its population and those covered."""

    code: str
    population: int
    covered: int


class CoverageAreaFigure(TypedDict):
    code: str
    name: str
    population: int
    covered: int
    share: float | None


class CoverageCellFigure(TypedDict):
    h3: str
    uncovered: int
