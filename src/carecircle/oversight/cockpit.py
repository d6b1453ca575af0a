"""一网统管 cockpit (issue 20 item 7): one page for a district, a street, a community or the whole
city — the units on a map coloured by credit grade with their open warnings, this year's 双随机
inspection progress, open and overdue findings, suspended units, and the same figures for each
region one level down (drill-down district → street → community).

Seeds: Hangzhou 四(五) (预警防控, 远程监管、移动监管, 一网统管), Qujing 三(二)5 and 四(三) (分级分类管理).

Every figure is an aggregate in SQL: a query per figure for the region and one per figure for all
its children together (core.regions.grouped_under), so the number of queries does not grow with
the number of units, regions or plans. Scope: the region shown must be one where the user holds
`oversight.cockpit` (or inside one)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import region_pick, regions, scope
from carecircle.core.errors import Forbidden, InvalidInput
from carecircle.core.models import Region
from carecircle.core.types import Actor
from carecircle.oversight.models import (
    DrawnUnit,
    DrawPlan,
    EarlyWarning,
    Finding,
    FindingState,
    Grade,
    Inspection,
    InspectionState,
    Severity,
    Unit,
    WarningState,
)

PERM = "oversight.cockpit"
OPEN_WARNING = [WarningState.OPEN, WarningState.TO_INSPECT]
DONE = [InspectionState.SUBMITTED, InspectionState.CONFIRMED]
MAP_LIMIT = 20000  # the full city's units (bench/oversight_draw.py's scale); the map clusters nothing


@dataclass(frozen=True, slots=True)
class Area:
    """The region the cockpit shows."""

    code: str
    name: str
    level: int
    prefix: str
    parent: str | None  # the code of the region above, when the user may see it


def area_for(user: Actor, code: str = "") -> Area:
    """The region asked for (a 12-digit code) when the user holds the cockpit over it; none asked:
    the widest region the user holds it over. Outside the user's regions: Forbidden (403)."""
    prefixes = scope.prefixes(user, PERM)
    if not prefixes:
        raise Forbidden()
    code = (code or "").strip()
    if not code:
        code = min(prefixes, key=len).ljust(12, "0")
    elif not regions.is_valid_code(code):
        raise InvalidInput(_("区域（region）应为12位区划代码"), field="region")
    scope.require(user, PERM, code)
    parent = regions.parent_code_of(code)
    if parent is not None and not scope.has_perm(user, PERM, parent):
        parent = None
    names = region_pick.names_of([code])
    return Area(code, names.get(code, code), regions.level_of(code), regions.prefix_of(code), parent)


def year_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """This period: the calendar year (双随机 plans are made per quarter or half-year inside it)."""
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)


def _under(qs: QuerySet[Any], prefix: str) -> QuerySet[Any]:
    return qs.filter(region_code__startswith=prefix)


def _units() -> QuerySet[Unit]:
    return Unit.objects.filter(active=True)


def _drawn(today: datetime.date) -> QuerySet[DrawnUnit]:
    start, end = year_bounds(today)
    return DrawnUnit.objects.filter(plan__period_start__lte=end, plan__period_end__gte=start)


def _inspections(today: datetime.date) -> QuerySet[Inspection]:
    start, end = year_bounds(today)
    return Inspection.objects.filter(drawn__plan__period_start__lte=end, drawn__plan__period_end__gte=start)


def _open_findings() -> QuerySet[Finding]:
    return Finding.objects.exclude(state=FindingState.CLOSED)


def _open_warnings() -> QuerySet[EarlyWarning]:
    return EarlyWarning.objects.filter(state__in=OPEN_WARNING)


def plans_of(area: Area, today: datetime.date) -> QuerySet[DrawPlan]:
    """This year's plans over the area, over a region inside it, or over a region containing it."""
    start, end = year_bounds(today)
    near = Q(region_code__startswith=area.prefix) | Q(region_code__in=regions.chain(area.code))
    return DrawPlan.objects.filter(near, period_start__lte=end, period_end__gte=start)


@dataclass(slots=True)
class Figures:
    """The figures of one region (the area itself or one of its children)."""

    code: str = ""
    name: str = ""
    units: int = 0
    grades: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    warnings_overdue: int = 0
    drawn: int = 0
    done: int = 0
    confirmed: int = 0
    findings: int = 0
    overdue: int = 0
    suspended: int = 0

    @property
    def grade_rows(self) -> list[tuple[str, str, int]]:
        return [(g, str(label), self.grades.get(g, 0)) for g, label in Grade.choices]

    @property
    def done_pct(self) -> int:
        return round(100 * self.done / self.drawn) if self.drawn else 0


def _finding_counts(today: datetime.date) -> dict[str, Any]:
    return {
        "findings": Count("id"),
        "overdue": Count("id", filter=Q(deadline__lt=today)),
        "suspended": Count("unit", filter=Q(severity=Severity.HAZARD), distinct=True),
    }


def _inspection_counts() -> dict[str, Any]:
    return {
        "done": Count("id", filter=Q(state__in=DONE)),
        "confirmed": Count("id", filter=Q(state=InspectionState.CONFIRMED)),
    }


def _warning_counts(today: datetime.date) -> dict[str, Any]:
    return {"warnings": Count("id"), "warnings_overdue": Count("id", filter=Q(deadline__lt=today))}


def figures(area: Area, today: datetime.date | None = None) -> Figures:
    """The area's figures: five aggregate queries whatever its size."""
    today = today or timezone.localdate()
    out = Figures(code=area.code, name=area.name)
    grades = _under(_units(), area.prefix).values("credit_grade").annotate(n=Count("id")).order_by()
    out.grades = {row["credit_grade"]: row["n"] for row in grades}
    out.units = sum(out.grades.values())
    for key, value in _under(_open_warnings(), area.prefix).aggregate(**_warning_counts(today)).items():
        setattr(out, key, value)
    out.drawn = _under(_drawn(today), area.prefix).count()
    for key, value in _under(_inspections(today), area.prefix).aggregate(**_inspection_counts()).items():
        setattr(out, key, value)
    for key, value in _under(_open_findings(), area.prefix).aggregate(**_finding_counts(today)).items():
        setattr(out, key, value)
    return out


def children(area: Area) -> list[tuple[str, str]]:
    """(code, name) of the regions one level down, in code order."""
    return list(Region.objects.filter(parent_id=area.code).order_by("code").values_list("code", "name"))


def breakdown(rows: list[tuple[str, str]], today: datetime.date | None = None) -> list[Figures]:
    """The figures of each region of `rows` ((code, name), one level): one grouped query per
    figure for all of them together."""
    today = today or timezone.localdate()
    found = {code: Figures(code=code, name=name) for code, name in rows}
    by_prefix = {regions.prefix_of(code): found[code] for code in found}
    if not by_prefix:
        return []

    def grouped(qs: QuerySet[Any], **counts: Any) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for part in regions.grouped_under(qs, by_prefix):
            out.extend(part.values("under").annotate(**counts))
        return out

    per_grade = {f"g_{g}": Count("id", filter=Q(credit_grade=g)) for g in Grade.values}
    for row in grouped(_units(), n=Count("id"), **per_grade):
        target = by_prefix[row["under"]]
        target.units = row["n"]
        target.grades = {g: row[f"g_{g}"] for g in Grade.values}
    for row in grouped(_open_warnings(), **_warning_counts(today)):
        by_prefix[row["under"]].warnings = row["warnings"]
        by_prefix[row["under"]].warnings_overdue = row["warnings_overdue"]
    for row in grouped(_drawn(today), n=Count("id")):
        by_prefix[row["under"]].drawn = row["n"]
    for row in grouped(_inspections(today), **_inspection_counts()):
        by_prefix[row["under"]].done = row["done"]
        by_prefix[row["under"]].confirmed = row["confirmed"]
    for row in grouped(_open_findings(), **_finding_counts(today)):
        target = by_prefix[row["under"]]
        target.findings, target.overdue, target.suspended = row["findings"], row["overdue"], row["suspended"]
    return list(found.values())


def map_units(area: Area) -> list[dict[str, Any]]:
    """The area's units for the map, in one query: position (the unit's own, else its community's
    centre), credit grade, open warnings, and whether a major hazard suspends it."""
    centre = Region.objects.filter(code=OuterRef("region_code"))
    hazard = _open_findings().filter(unit=OuterRef("pk"), severity=Severity.HAZARD)
    rows = (
        _under(_units(), area.prefix)
        .annotate(
            lat=Coalesce(F("latitude"), Subquery(centre.values("latitude")[:1]), output_field=FloatField()),
            lng=Coalesce(F("longitude"), Subquery(centre.values("longitude")[:1]), output_field=FloatField()),
            open_warnings=Subquery(
                _open_warnings()
                .filter(unit=OuterRef("pk"))
                .order_by()
                .values("unit")
                .annotate(n=Count("id"))
                .values("n")[:1]
            ),
            suspended=Exists(hazard),
        )
        .order_by("region_code", "name")
        .values("pk", "name", "kind", "credit_grade", "lat", "lng", "open_warnings", "suspended")[:MAP_LIMIT]
    )
    kinds = dict(Unit._meta.get_field("kind").flatchoices)
    return [
        {
            "id": r["pk"],
            "name": r["name"],
            "kind": str(kinds.get(r["kind"], r["kind"])),
            "grade": r["credit_grade"],
            "lat": r["lat"],
            "lng": r["lng"],
            "warnings": r["open_warnings"] or 0,
            "suspended": r["suspended"],
        }
        for r in rows
        if r["lat"] is not None and r["lng"] is not None
    ]
