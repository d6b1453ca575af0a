"""Grading: a facility's evaluation against its scheme's form, its grade and yearly subsidy."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from carecircle.core import audit, limits, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor
from carecircle.facilities import standards, subsidies
from carecircle.facilities.models import (
    CENTRE_KINDS,
    INSTITUTION_KINDS,
    Evaluation,
    Facility,
    FacilityKind,
    FilingStatus,
    GradeLevel,
)
from carecircle.facilities.services._access import _user

# ------------------------------------------------------------------ grading


def scheme_for(kind: str) -> str:
    if kind in CENTRE_KINDS:
        return "centre"
    if kind in INSTITUTION_KINDS:
        return "star"
    raise InvalidInput(_("%(k)s 不参加等级评定") % {"k": FacilityKind(kind).label}, field="kind")


def grade_for(scheme: str, scores: dict[str, Any]) -> tuple[GradeLevel | None, Decimal, list[str]]:
    """(grade, total, reasons) for a scheme's form. Raises InvalidInput naming the section at fault."""
    form = standards.FORMS[scheme]
    clean = {}
    for key, label, maximum in form:
        if key not in scores or scores[key] in (None, ""):
            raise InvalidInput(_("请填写“%(s)s”得分") % {"s": label}, field=f"scores.{key}")
        try:
            value = Decimal(str(scores[key]))
        except InvalidOperation:
            raise InvalidInput(_("“%(s)s”得分应为数字") % {"s": label}, field=f"scores.{key}") from None
        if value < 0 or value > maximum:
            raise InvalidInput(
                _("“%(s)s”得分应在 0–%(m)d 之间：%(v)s") % {"s": label, "m": maximum, "v": value},
                field=f"scores.{key}",
            )
        clean[key] = value
    extra = set(scores) - {k for k, _l, _m in form}
    if extra:
        raise InvalidInput(_("评定表中没有该分项：%(s)s") % {"s": "、".join(sorted(extra))}, field="scores")
    total = sum(clean.values(), Decimal(0))
    reasons = []
    for level in GradeLevel.objects.filter(scheme=scheme).order_by("-rank"):
        short = []
        if total < level.min_total:
            short.append(_("总分 %(t)s 低于 %(m)s") % {"t": total, "m": level.min_total})
        for key, label, maximum in form:
            need = level.min_section_share * maximum
            if clean[key] < need:
                short.append(
                    _("%(s)s %(v)s 低于该项满分 %(m)d 的 %(p)s%%（%(n)s）")
                    % {
                        "s": label,
                        "v": clean[key],
                        "m": maximum,
                        "p": int(level.min_section_share * 100),
                        "n": need,
                    }
                )
        if not short:
            reasons.append(
                _("达到%(g)s：总分 %(t)s，各分项均不低于满分的 %(p)s%%")
                % {"g": level.label, "t": total, "p": int(level.min_section_share * 100)}
            )
            return level, total, reasons
        reasons.append(_("未达%(g)s：%(r)s") % {"g": level.label, "r": "；".join(short)})
    return None, total, reasons


def subsidy_for(kind: str, grade: GradeLevel | None) -> Decimal:
    """The yearly minimum of a normally operating facility of `kind` with `grade` (Jiaxing 二(二)7:
    a street centre's whatever its grade, a community centre's by grade; facilities/subsidies.py)."""
    return subsidies.minimum_for(kind, grade)


@transaction.atomic
def evaluation_record(
    *,
    actor: Actor,
    facility: Facility,
    scores: dict[str, Any],
    evaluated_on: datetime.date,
    yearly_subsidy: object = None,
    request: HttpRequest | None = None,
) -> Evaluation:
    """Record an evaluation and the yearly subsidy it brings: the grade's minimum, or the higher
    `yearly_subsidy` the city sets (a lower one is refused: the seed's amounts are minimums)."""
    scope.require(actor, "facilities.grade", facility.region_code)
    if facility.status != FilingStatus.FILED:
        raise Conflict(_("只有已备案运营的设施才能评定等级"))
    scheme = scheme_for(facility.kind)
    grade, total, reasons = grade_for(scheme, scores)
    minimum = subsidy_for(facility.kind, grade)
    try:
        amount = limits.check_money(yearly_subsidy, "yearly_subsidy", max_digits=12)
    except InvalidInput:
        raise InvalidInput(
            _("年度补助不是有效的金额：%(v)s") % {"v": str(yearly_subsidy)[:40]}, field="yearly_subsidy"
        ) from None
    if amount is not None and amount < minimum:
        raise InvalidInput(
            _("年度补助不能低于 %(m)s 元（嘉兴 二(二)7：每年不低于该金额）") % {"m": minimum},
            field="yearly_subsidy",
        )
    years = grade.valid_years if grade else 1
    valid_to = _add_years(evaluated_on, years) - datetime.timedelta(days=1)
    try:
        with transaction.atomic():
            ev = Evaluation.objects.create(
                facility=facility,
                region_code=facility.region_code,
                scheme=scheme,
                scores={k: str(v) for k, v in scores.items()},
                total=total,
                grade=grade,
                evaluated_on=evaluated_on,
                valid_from=evaluated_on,
                valid_to=valid_to,
                yearly_subsidy=minimum if amount is None else amount,
                reasons="\n".join(str(r) for r in reasons),
                evaluated_by=_user(actor),
            )
    except IntegrityError:
        raise Conflict(_("该设施当天已有评定记录"), field="evaluated_on") from None
    audit.record(
        actor=actor,
        action=AuditAction.FACILITY_EVALUATE,
        obj=facility,
        request=request,
        evaluation=ev.pk,
        grade=grade.label if grade else "",
        total=str(total),
    )
    return ev


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
