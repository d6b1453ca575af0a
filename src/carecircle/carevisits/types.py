"""The care-visit module's contracts: the shapes of what its selectors answer pages and the API."""

from __future__ import annotations

from typing import TypedDict


class CoverageFigure(TypedDict):
    """Visit coverage of one region in a month (`carevisits.selectors.coverage_by_region`): people
    due a visit and those visited (`rate` in per cent, None when nobody was due), and the month's
    plans, those done and those overdue. `is_total`: the region asked for, not one of its children."""

    code: str
    name: str
    is_total: bool
    due: int
    visited: int
    rate: float | None
    plans: int
    done: int
    overdue: int
