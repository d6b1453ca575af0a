"""The published credit method (信用评价办法), as data and as one pure function.

A unit starts from BASE points; every credit event it has adds its points times a weight:
- inspections weigh by how recent they are among the unit's inspections, as the health-inspection
  domain of the CMS Five-Star rating does (latest 1/2, the one before 1/3, the third 1/6; older
  ones nothing): Centers for Medicare & Medicaid Services, "Design for Care Compare Nursing Home
  Five-Star Quality Rating System: Technical Users' Guide", section "Health Inspection Domain";
- every other event weighs by its age (full within 12 months, half within 24, a quarter within 36,
  nothing after).
The sum is clipped to 0..100 and graded by the thresholds (A ≥ 90, B ≥ 75, C ≥ 60, else D). Every
weighted contribution is rounded to the cent, and when clipping cuts the sum a line says by how
much, so the listed reasons add up to the score exactly.

The rules, the bands and the thresholds are tables (CreditRule, CreditAgeBand, CreditRankWeight,
CreditGradeBand) an official edits in the admin; DEFAULT_* below is what a new city starts with.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from carecircle.oversight.models import CreditAgeBand, CreditGradeBand, CreditRankWeight, CreditRule

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

BASE = Decimal(100)
TOP = Decimal(100)
CENT = Decimal("0.01")
CLIP = "clip"

# fmt: off
# kind: (points, weighting, basis). Inspection points are per failed item.
DEFAULT_RULES: dict[str, tuple[str, str, str]] = {
    "penalty":         ("-20", "age",  "行政处罚决定（每次）"),
    "complaint":       ("-1",  "age",  "居家养老服务投诉（每件）"),
    "visit_exception": ("-0.5", "age", "上门服务异常经审核不通过（每次）"),
    "inspection":      ("-4",  "rank", "监督检查不合格事项（每项）；最近三次检查按 1/2、1/3、1/6 加权"),
    "rectify_on_time": ("1",   "age",  "按期完成整改（每项）"),
    "rectify_late":    ("-3",  "age",  "逾期整改或逾期未整改（每项）"),
}
DEFAULT_AGE_BANDS: list[tuple[int, str]] = [(12, "1"), (24, "0.5"), (36, "0.25")]
DEFAULT_RANK_WEIGHTS: list[tuple[int, str]] = [(1, "0.5"), (2, "0.3333"), (3, "0.1667")]
DEFAULT_GRADE_BANDS: list[tuple[str, str]] = [("A", "90"), ("B", "75"), ("C", "60"), ("D", "0")]
# fmt: on


def load_defaults(rule: Any, age: Any, rank: Any, band: Any) -> None:
    """Create the default method where a table is empty (the migration passes historical models)."""
    if not rule.objects.exists():
        rule.objects.bulk_create(
            rule(kind=k, points=Decimal(p), weighting=w, basis=b) for k, (p, w, b) in DEFAULT_RULES.items()
        )
    if not age.objects.exists():
        age.objects.bulk_create(age(months=m, factor=Decimal(f)) for m, f in DEFAULT_AGE_BANDS)
    if not rank.objects.exists():
        rank.objects.bulk_create(rank(rank=r, weight=Decimal(w)) for r, w in DEFAULT_RANK_WEIGHTS)
    if not band.objects.exists():
        band.objects.bulk_create(band(grade=g, min_score=Decimal(s)) for g, s in DEFAULT_GRADE_BANDS)


@dataclass(frozen=True, slots=True)
class Method:
    """The method's tables, read once per recompute."""

    rules: dict[str, tuple[Decimal, str]]  # kind -> (points, weighting)
    age_bands: tuple[tuple[int, Decimal], ...]  # (months, factor), ascending
    rank_weights: dict[int, Decimal]
    grade_bands: tuple[tuple[str, Decimal], ...]  # (grade, min score), descending

    def age_factor(self, on: datetime.date, today: datetime.date) -> Decimal:
        months = (today.year - on.year) * 12 + today.month - on.month - (today.day < on.day)
        for limit, factor in self.age_bands:
            if months < limit:
                return factor
        return Decimal(0)

    def grade(self, score: Decimal) -> str:
        for grade, least in self.grade_bands:
            if score >= least:
                return grade
        return self.grade_bands[-1][0] if self.grade_bands else "D"


def method() -> Method:
    return Method(
        rules={r.kind: (r.points, r.weighting) for r in CreditRule.objects.all()},
        age_bands=tuple(CreditAgeBand.objects.order_by("months").values_list("months", "factor")),
        rank_weights=dict(CreditRankWeight.objects.values_list("rank", "weight")),
        grade_bands=tuple(CreditGradeBand.objects.order_by("-min_score").values_list("grade", "min_score")),
    )


@dataclass(frozen=True, slots=True)
class Fact:
    """One live (not voided) event as the method reads it."""

    id: int
    kind: str
    on: datetime.date
    points: Decimal


@dataclass(frozen=True, slots=True)
class Reason:
    event_id: int | str  # CLIP for the clipping line
    weight: Decimal
    contribution: Decimal


@dataclass(frozen=True, slots=True)
class Result:
    score: Decimal
    grade: str
    reasons: tuple[Reason, ...]


def score(facts: Sequence[Fact] | Iterable[Fact], m: Method, today: datetime.date) -> Result:
    """The score of one unit from its live events (any order)."""
    ordered = sorted(facts, key=lambda f: (f.on, f.id), reverse=True)
    reasons: list[Reason] = []
    rank = 0
    for f in ordered:
        weighting = m.rules.get(f.kind, (Decimal(0), "age"))[1]
        if weighting == "rank":
            rank += 1
            weight = m.rank_weights.get(rank, Decimal(0))
        else:
            weight = m.age_factor(f.on, today)
        reasons.append(Reason(f.id, weight, (f.points * weight).quantize(CENT, ROUND_HALF_UP)))
    raw = BASE + sum((r.contribution for r in reasons), Decimal(0))
    clipped = min(max(raw, Decimal(0)), TOP)
    if clipped != raw:
        reasons.append(Reason(CLIP, Decimal(1), clipped - raw))
    return Result(clipped, m.grade(clipped), tuple(reasons))


def reasons_json(result: Result) -> list[dict[str, str | int]]:
    return [
        {"event": r.event_id, "weight": str(r.weight), "contribution": str(r.contribution)}
        for r in result.reasons
    ]
