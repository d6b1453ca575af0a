"""The random draw of units and inspectors (双随机), as a pure function anyone can re-run.

Qujing 三(二)5 and 四(三) ask for 跨部门"双随机、一公开"联合抽查: units drawn at random, inspectors
drawn at random for each, the result published. A plan publishes its seed and the SHA-256 digest of
its inputs before the draw; the draw is then fixed, and anyone holding the published inputs can
recompute it with nothing but SHA-256 (this file is the reference implementation):

- inputs: the canonical JSON of `DrawInputs.as_json()` (keys sorted, no spaces, UTF-8); its digest
  is `sha256(json).hexdigest()`.
- a unit's ticket is the first 13 hex digits of `sha256("{seed}|unit|{unit key}")` read as a number
  and divided by 16**13 (a number in [0, 1)). A unit is drawn when it was never inspected, when its
  last inspection is before the period's start minus `always_after_months` (the same day that many
  months earlier, the 28th when the day is past it), or when its ticket is
  below its credit grade's share (`shares`: D always, C often, A rarely).
- a drawn unit's candidates are the inspectors holding a region that contains the unit's community,
  in key order, without those who declared a conflict with it and those who inspected it last time
  (no one twice in a row). Fewer than `per_unit` candidates refuses the whole draw, naming the unit.
  Otherwise for i = 0, 1, 2 … the i-th pick is candidate number
  `int(sha256("{seed}|inspector|{unit key}|{i}"), 16) mod len(candidates)`, skipping one already
  picked, until `per_unit` are picked.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from carecircle.core import regions

TICKET_DIGITS = 13  # 52 bits: exact in a float


@dataclass(frozen=True, slots=True)
class UnitInput:
    key: str  # "<kind>:<source id>", e.g. "facility:12"
    region_code: str
    grade: str  # A/B/C/D
    last_inspected: str | None  # ISO date


@dataclass(frozen=True, slots=True)
class InspectorInput:
    key: str  # "u<user id>"
    regions: tuple[str, ...]  # 12-digit codes of the regions the inspector serves


@dataclass(frozen=True, slots=True)
class DrawInputs:
    period_start: str  # ISO date
    per_unit: int
    always_after_months: int
    shares: dict[str, str]  # grade -> share as a decimal string ("0.1")
    units: tuple[UnitInput, ...]
    inspectors: tuple[InspectorInput, ...]
    conflicts: tuple[tuple[str, str], ...]  # (inspector key, unit key)
    previous: dict[str, tuple[str, ...]] = field(default_factory=dict)  # unit key -> last inspectors

    def as_json(self) -> dict[str, Any]:
        return {
            "period_start": self.period_start,
            "per_unit": self.per_unit,
            "always_after_months": self.always_after_months,
            "shares": dict(sorted(self.shares.items())),
            "units": sorted(
                ([u.key, u.region_code, u.grade, u.last_inspected] for u in self.units),
                key=lambda r: str(r[0]),
            ),
            "inspectors": sorted([i.key, sorted(i.regions)] for i in self.inspectors),
            "conflicts": sorted([list(c) for c in self.conflicts]),
            "previous": {k: sorted(v) for k, v in sorted(self.previous.items()) if v},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DrawInputs:
        return cls(
            period_start=data["period_start"],
            per_unit=int(data["per_unit"]),
            always_after_months=int(data["always_after_months"]),
            shares={str(k): str(v) for k, v in data["shares"].items()},
            units=tuple(UnitInput(k, r, g, last) for k, r, g, last in data["units"]),
            inspectors=tuple(InspectorInput(k, tuple(regions)) for k, regions in data["inspectors"]),
            conflicts=tuple((a, b) for a, b in data["conflicts"]),
            previous={k: tuple(v) for k, v in data.get("previous", {}).items()},
        )


def canonical(inputs: DrawInputs) -> bytes:
    return json.dumps(inputs.as_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(inputs: DrawInputs) -> str:
    return hashlib.sha256(canonical(inputs)).hexdigest()


def ticket(seed: str, unit_key: str) -> float:
    h = hashlib.sha256(f"{seed}|unit|{unit_key}".encode()).hexdigest()
    return int(h[:TICKET_DIGITS], 16) / 16**TICKET_DIGITS


class DrawRefused(Exception):
    """The draw cannot be made; `unit_key` names the unit that lacks inspectors."""

    def __init__(self, unit_key: str, eligible: int, needed: int) -> None:
        super().__init__(unit_key)
        self.unit_key, self.eligible, self.needed = unit_key, eligible, needed


@dataclass(frozen=True, slots=True)
class DrawnUnit:
    unit_key: str
    reason: str  # "never" | "overdue" | "share"
    ticket: float
    inspectors: tuple[str, ...]


def _months_before(day: datetime.date, months: int) -> datetime.date:
    month0 = day.year * 12 + day.month - 1 - months
    year, month = divmod(month0, 12)
    return datetime.date(year, month + 1, min(day.day, 28))


def _reason(unit: UnitInput, inputs: DrawInputs, seed: str, overdue_before: str) -> tuple[str, float]:
    t = ticket(seed, unit.key)
    if unit.last_inspected is None:
        return "never", t
    if unit.last_inspected < overdue_before:
        return "overdue", t
    share = float(inputs.shares.get(unit.grade, "1"))
    return ("share" if t < share else ""), t


def draw(inputs: DrawInputs, seed: str) -> list[DrawnUnit]:
    """The units drawn and the inspectors drawn for each, in unit-key order; DrawRefused when a
    drawn unit has fewer eligible inspectors than the plan needs."""
    overdue_before = _months_before(
        datetime.date.fromisoformat(inputs.period_start), inputs.always_after_months
    ).isoformat()
    by_region: dict[str, list[str]] = {}
    for inspector in inputs.inspectors:
        for region in inspector.regions:
            by_region.setdefault(region, []).append(inspector.key)
    conflicts: dict[str, set[str]] = {}
    for inspector_key, unit_key in inputs.conflicts:
        conflicts.setdefault(unit_key, set()).add(inspector_key)
    candidates_of: dict[str, list[str]] = {}
    result: list[DrawnUnit] = []
    for unit in sorted(inputs.units, key=lambda u: u.key):
        reason, t = _reason(unit, inputs, seed, overdue_before)
        if not reason:
            continue
        candidates = candidates_of.get(unit.region_code)
        if candidates is None:
            found = {k for code in regions.chain(unit.region_code) for k in by_region.get(code, ())}
            candidates = candidates_of[unit.region_code] = sorted(found)
        excluded = conflicts.get(unit.key, set()) | set(inputs.previous.get(unit.key, ()))
        eligible = len(candidates) - len(excluded.intersection(candidates))
        if eligible < inputs.per_unit:
            raise DrawRefused(unit.key, eligible, inputs.per_unit)
        picked: list[str] = []
        i = 0
        while len(picked) < inputs.per_unit:
            h = hashlib.sha256(f"{seed}|inspector|{unit.key}|{i}".encode()).hexdigest()
            choice = candidates[int(h, 16) % len(candidates)]
            if choice not in excluded and choice not in picked:
                picked.append(choice)
            i += 1
        result.append(DrawnUnit(unit.key, reason, t, tuple(picked)))
    return result
