"""The centres' yearly operating subsidy (Jiaxing 二(二)7), computed from the facility's filing
status and its grade in force, with the grade subsidies (GradeSubsidy rows) read as minimums.

Jiaxing 二(二)7: "对正常运营的镇(街道)居家养老服务中心,每年给予不低于20万元的政府购买服务补助;对正常运营的5A、
4A、3A级村(社区)居家养老服务照料中心,在评定有效期内,每年分别给予不低于16万元、12万元、10万元的政府购买服务补助".
- A row with grade_code "*" applies to every normally operating facility of its kind, graded or
  not (the street centres); a row with a grade code applies while an evaluation with that grade
  is valid (the community centres).
- Every amount is a minimum: an evaluation may record a higher yearly amount set by the city
  (services.evaluation_record refuses a lower one), and the higher of the two is due.
- Jiaxing 三(三) "建立监管结果与星级评定、政府补贴以及行业准入退出等挂钩的联动机制": a facility whose credit
  grade withholds grade subsidies (oversight's CreditEffect table, D by default; read through
  core/credit_standing.py) is due nothing while that grade stands, and the reason says so.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from carecircle.core import credit_standing, regions
from carecircle.core.credit_standing import Standing
from carecircle.facilities.models import (
    CENTRE_KINDS,
    Evaluation,
    Facility,
    FacilityKind,
    FilingStatus,
    GradeLevel,
    GradeSubsidy,
)

ZERO = Decimal("0.00")
ANY_GRADE = "*"
BASIS = "Jiaxing 二(二)7"


@dataclass(frozen=True, slots=True)
class OperatingSubsidy:
    """What a centre is due for the year that holds `day`: the minimum the rules set and the amount
    due (the minimum, or more where the city has set more); both 0 when it is not due."""

    facility_id: int
    day: datetime.date
    minimum: Decimal
    amount: Decimal
    basis: str


SubsidyTable = dict[tuple[str, str], Decimal]  # (kind, grade code or ANY_GRADE) -> yearly minimum


def _subsidy_table(kinds: Iterable[str]) -> SubsidyTable:
    """The grade subsidies of `kinds`, read in one query."""
    rows = GradeSubsidy.objects.filter(kind__in=list(kinds)).values_list("kind", "grade_code", "amount")
    return {(kind, code): amount for kind, code, amount in rows}


def minimum_for(kind: str, grade: GradeLevel | None, table: SubsidyTable | None = None) -> Decimal:
    """The yearly minimum for a facility of `kind` operating normally with `grade` (None: no grade
    in force): the higher of its kind's any-grade row and its grade's row; 0 when neither exists.
    `table` (from _subsidy_table) saves the query when many facilities are priced at once."""
    if table is None:
        table = _subsidy_table([kind])
    codes = [ANY_GRADE] + ([grade.code] if grade is not None else [])
    return max((table[(kind, c)] for c in codes if (kind, c) in table), default=ZERO)


def operating_on(facility: Facility, day: datetime.date) -> bool:
    """正常运营 on `day`: filed (备案) by then and not closed by then."""
    if facility.status not in (FilingStatus.FILED, FilingStatus.CLOSED) or facility.filed_on is None:
        return False
    return facility.filed_on <= day and (facility.closed_on is None or facility.closed_on > day)


def _evaluations_on(facility_ids: list[int], day: datetime.date) -> dict[int, Evaluation]:
    """The latest evaluation valid on `day` per facility, graded or not (an evaluation below every
    grade still records the amount the city set for a street centre)."""
    found: dict[int, Evaluation] = {}
    rows = (
        Evaluation.objects.filter(facility_id__in=facility_ids, valid_from__lte=day, valid_to__gte=day)
        .select_related("grade")
        .order_by("facility_id", "-evaluated_on", "-id")
    )
    for e in rows:
        found.setdefault(e.facility_id, e)
    return found


def _due(
    facility: Facility,
    day: datetime.date,
    evaluation: Evaluation | None,
    table: SubsidyTable,
    standing: Standing | None = None,
) -> OperatingSubsidy:
    grade = evaluation.grade if evaluation is not None else None
    kind_label = FacilityKind(facility.kind).label
    if not operating_on(facility, day):
        return OperatingSubsidy(
            facility.pk,
            day,
            ZERO,
            ZERO,
            _("%(k)s未正常运营，不予补助（%(b)s）") % {"k": kind_label, "b": BASIS},
        )
    minimum = minimum_for(facility.kind, grade, table)
    if minimum <= 0:
        return OperatingSubsidy(
            facility.pk,
            day,
            ZERO,
            ZERO,
            _("%(k)s无有效评定等级，不予补助（%(b)s）") % {"k": kind_label, "b": BASIS},
        )
    held = credit_standing.subsidy_refusal(standing)
    if held is not None:
        return OperatingSubsidy(facility.pk, day, minimum, ZERO, held)
    set_by_city = evaluation.yearly_subsidy if evaluation is not None else ZERO
    amount = max(minimum, set_by_city)
    basis = _("%(b)s：正常运营的%(k)s%(g)s，每年不低于 %(m)s 元") % {
        "b": BASIS,
        "k": kind_label,
        "g": grade.label if grade is not None else "",
        "m": minimum,
    }
    return OperatingSubsidy(facility.pk, day, minimum, amount, basis)


def operating_subsidy(facility: Facility, day: datetime.date) -> OperatingSubsidy:
    """What one centre is due for the year that holds `day`."""
    evaluation = _evaluations_on([facility.pk], day).get(facility.pk)
    standing = credit_standing.standings("facility", [facility.pk]).get(facility.pk)
    return _due(facility, day, evaluation, _subsidy_table([facility.kind]), standing)


def operating_subsidies(region_code: str, day: datetime.date) -> list[OperatingSubsidy]:
    """Every street and community centre of the region (filed or not), with what it is due; five
    queries however many centres (the centres, their evaluations, the grade subsidies, and their
    credit grades with the effects table). No scope check: callers have checked the region."""
    centres = list(
        Facility.objects.filter(
            kind__in=list(CENTRE_KINDS), region_code__startswith=regions.prefix_of(region_code)
        )
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day.replace(month=1, day=1)))
        .order_by("region_code", "pk")
    )
    evaluations = _evaluations_on([f.pk for f in centres], day)
    table = _subsidy_table(CENTRE_KINDS)
    grades = credit_standing.standings("facility", [f.pk for f in centres])
    return [_due(f, day, evaluations.get(f.pk), table, grades.get(f.pk)) for f in centres]
