"""The age bands of the registry's searches and counts are the population groups' (registry/groups.py),
and calendar arithmetic on ages lives in one place (core/ages.py), not copied into modules."""

import dataclasses
import datetime
import re
from pathlib import Path

from carecircle.core.ages import years_before
from carecircle.registry import groups
from carecircle.registry import selectors as registry_selectors

SRC = Path(__file__).resolve().parents[2] / "src" / "carecircle"


def test_years_before_keeps_the_day_and_falls_back_on_29_february():
    assert years_before(datetime.date(2026, 12, 2), 60) == datetime.date(1966, 12, 2)
    assert years_before(datetime.date(2024, 2, 29), 1) == datetime.date(2023, 2, 28)


def test_no_module_keeps_its_own_copy_of_years_before():
    copies = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        if path != SRC / "core" / "ages.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.match(r"\s*def _?years_before\(", line)
    ]
    assert not copies, copies


def test_the_age_filters_follow_the_group_definitions(monkeypatch):
    """birth_date_bounds (the registry's search and every module's age counts) reads the ages of
    registry/groups.py: change 高龄 there and the filter follows (it held its own 60/80/100)."""
    day = datetime.date(2026, 12, 2)
    changed = dataclasses.replace(groups.SENIOR80, min_age=85)
    monkeypatch.setitem(groups.GROUPS, "senior80", changed)
    q = registry_selectors.birth_date_bounds("senior80", day)
    assert ("birth_date__lte", datetime.date(1941, 12, 2)) in q.children
    for code in ("elder", "senior80", "centenarian", "infant"):
        g = groups.GROUPS[code]
        assert g.citation and str(g.label)
    assert groups.GROUPS["centenarian"].min_age == 100 and groups.GROUPS["infant"].under_age == 3
    assert not groups.GROUPS["infant"].elder
