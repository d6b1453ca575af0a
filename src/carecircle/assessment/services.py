"""Writes of the assessment module: capability assessments and infant checks."""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.assessment import capability, checks
from carecircle.assessment.models import (
    AssessmentReason,
    CapabilityAssessment,
    CheckKind,
    ChildCheck,
    ReferralStatus,
)
from carecircle.assessment.requests import (
    assessment_request_accept,
    assessment_request_refuse,
    assessment_request_submit,
    requests_close,
)
from carecircle.assessment.selectors import referral_next
from carecircle.core import audit, scope
from carecircle.core.ages import age_on
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.months import add_months
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import Person

__all__ = [
    "assessment_record",
    "assessment_request_accept",
    "assessment_request_refuse",
    "assessment_request_submit",
    "child_check_record",
    "referral_update",
]

VALID_MONTHS = 12  # a result holds for a year unless the person's condition changes earlier


def _display(actor: Actor) -> str:
    if not signed_in(actor):
        return "system"
    return actor.display_name or actor.username or "system"


@transaction.atomic
def assessment_record(
    *,
    actor: Actor,
    person: Person,
    assessed_on: datetime.date,
    answers: dict[str, Any],
    coma: bool = False,
    dementia_or_mental_disorder: bool = False,
    risk_events_30d: int = 0,
    reason: str = AssessmentReason.FIRST,
    note: str = "",
    valid_months: int = VALID_MONTHS,
    request: HttpRequest | None = None,
) -> CapabilityAssessment:
    """Record an assessment; it supersedes the person's latest one from its own date on."""
    scope.require(actor, "assessment.record", person.region_code)
    if reason not in AssessmentReason.values:
        raise InvalidInput(_("未知的评估原因：%(r)s") % {"r": reason}, field="reason")
    if assessed_on > timezone.localdate():
        raise InvalidInput(_("评估日期不能晚于今天"), field="assessed_on")
    if age_on(person.birth_date, assessed_on) < 60:
        raise InvalidInput(_("老年人能力评估适用于60周岁及以上老年人"), field="person")
    result = capability.score(
        answers,
        coma=coma,
        dementia_or_mental_disorder=dementia_or_mental_disorder,
        risk_events_30d=risk_events_30d,
    )
    # Lock the person's assessments so two assessors cannot both supersede the same one.
    previous = list(
        CapabilityAssessment.objects.select_for_update()
        .filter(person=person)
        .order_by("-assessed_on", "-id")[:1]
    )
    if previous and previous[0].assessed_on >= assessed_on:
        raise Conflict(
            _("该老人已有%(d)s的评估记录，不能补录更早或同一天的评估") % {"d": previous[0].assessed_on},
            field="assessed_on",
        )
    try:
        with transaction.atomic():
            record = CapabilityAssessment.objects.create(
                person=person,
                region_code=person.region_code,
                assessor=actor if signed_in(actor) else None,
                assessor_name=_display(actor),
                assessed_on=assessed_on,
                reason=reason,
                answers=result.answers,
                coma=coma,
                dementia_or_mental_disorder=dementia_or_mental_disorder,
                risk_events_30d=risk_events_30d,
                self_care=result.dimension_scores["B.1"],
                mobility=result.dimension_scores["B.2"],
                mental=result.dimension_scores["B.3"],
                perception=result.dimension_scores["B.4"],
                total=result.total,
                preliminary_level=result.preliminary_level,
                final_level=result.final_level,
                adjustments=list(result.adjustments),
                valid_from=assessed_on,
                valid_to=add_months(assessed_on, valid_months) - datetime.timedelta(days=1),
                note=note[:500],
            )
    except IntegrityError:
        raise Conflict(_("该老人当天已有评估记录"), field="assessed_on") from None
    if previous:
        old = previous[0]
        old.valid_to = min(old.valid_to, assessed_on - datetime.timedelta(days=1))
        old.superseded_by = record
        old.save(update_fields=["valid_to", "superseded_by"])
    requests_close(record)  # the person's open request (requests.py) is done
    audit.record(
        actor=actor,
        action=AuditAction.ASSESSMENT_RECORD,
        obj=record,
        request=request,
        person_id=person.pk,
        total=record.total,
        final_level=record.final_level,
        superseded=previous[0].pk if previous else None,
    )
    return record


@transaction.atomic
def child_check_record(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    checked_on: datetime.date,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> ChildCheck:
    scope.require(actor, "assessment.record", person.region_code)
    if kind not in CheckKind.values:
        raise InvalidInput(_("未知的检查类别：%(k)s") % {"k": kind}, field="kind")
    if not isinstance(data, dict):
        raise InvalidInput(_("检查数据应为对象"), field="data")
    if checked_on > timezone.localdate():
        raise InvalidInput(_("检查日期不能晚于今天"), field="checked_on")
    if checked_on < person.birth_date:
        raise InvalidInput(_("检查日期不能早于出生日期"), field="checked_on")
    months = checks.months_between(person.birth_date, checked_on)
    if months >= 72:
        raise InvalidInput(_("儿童筛查适用于学龄前儿童（此人%(m)d月龄）") % {"m": months}, field="person")
    kept, conclusion, referral_reason = checks.EVALUATORS[kind](
        data, age_months=months, birth=person.birth_date, sex=person.sex, day=checked_on
    )
    try:
        with transaction.atomic():
            check = ChildCheck.objects.create(
                person=person,
                region_code=person.region_code,
                kind=kind,
                checked_on=checked_on,
                age_months=months,
                examiner=actor if signed_in(actor) else None,
                examiner_name=_display(actor),
                data=kept,
                result=conclusion[:300],
                referral=ReferralStatus.PENDING if referral_reason else ReferralStatus.NONE,
                referral_reason=referral_reason[:300],
            )
    except IntegrityError:
        raise Conflict(_("该儿童当天已有同类检查记录"), field="checked_on") from None
    audit.record(
        actor=actor,
        action=AuditAction.CHILD_CHECK_RECORD,
        obj=check,
        request=request,
        person_id=person.pk,
        kind=kind,
        referral=check.referral,
    )
    return check


@transaction.atomic
def referral_update(
    *, actor: Actor, check: ChildCheck, status: str, note: str = "", request: HttpRequest | None = None
) -> ChildCheck:
    scope.require(actor, "assessment.record", check.region_code)
    check = ChildCheck.objects.select_for_update().get(pk=check.pk)
    if status not in referral_next(check):
        raise Conflict(
            _("转介状态不能从“%(a)s”改为“%(b)s”")
            % {
                "a": ReferralStatus(check.referral).label,
                "b": ReferralStatus(status).label if status in ReferralStatus.values else status,
            },
            field="status",
        )
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("请填写转介去向或结案说明"), field="note")
    check.referral = status
    check.referral_note = note[:300]
    check.save(update_fields=["referral", "referral_note"])
    audit.record(
        actor=actor, action=AuditAction.CHILD_CHECK_REFERRAL, obj=check, request=request, status=status
    )
    return check
