"""The LTC assessment process (re-exported by services.py): application by the person, the family
or a worker; acceptance or refusal with a reason; the on-site assessment by two assessors; the
conclusion and its public notice (公示) with an objection window; a re-assessment by two other
assessors on objection; delivery; validity. Periods and fees come from the city's `LtcRules`
(models/ltc.py), the scoring from its filled-in table of the national standard (reference.py)."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.careathome import ltc_scoring
from carecircle.careathome.ltc_mapping import ltc_answer
from carecircle.careathome.models.ltc import (
    ApplicantKind,
    LtcAssessment,
    LtcAssessorRecord,
    LtcStatus,
    RefusalReason,
)
from carecircle.careathome.selectors import ltc_rules, ltc_scale
from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.months import add_months
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import Person


def _locked(assessment: LtcAssessment) -> LtcAssessment:
    return LtcAssessment.objects.select_for_update().get(pk=assessment.pk)


def _status(a: LtcAssessment, *allowed: str) -> None:
    if a.status not in allowed:
        raise Conflict(
            _("该评估当前为「%(s)s」，不能进行此操作") % {"s": LtcStatus(a.status).label}, field="status"
        )


@transaction.atomic
def ltc_apply(
    *,
    actor: Actor,
    person: Person,
    applicant_kind: str,
    applicant_name: str,
    request: HttpRequest | None = None,
) -> LtcAssessment:
    """An application for an assessment. Refused while another is open, and while a delivered result
    of the same purpose is younger than the city's `repeat_months` (no one is assessed twice in a
    year for the same purpose), and while a GB/T 42195 assessment of that period stands for one LTC
    level by the city's mapping (ltc_mapping.py: answered from it, naming that assessment)."""
    scope.require(actor, "ltc.apply", person.region_code)
    rules = ltc_rules(person.region_code)
    if applicant_kind not in ApplicantKind.values:
        raise InvalidInput(_("请选择申请人（本人、家属或监护人、社区工作人员代办）"), field="applicant_kind")
    name = (applicant_name or "").strip()
    if not name:
        raise InvalidInput(_("请填写申请人姓名"), field="applicant_name")
    today = timezone.localdate()
    last = (
        LtcAssessment.objects.filter(person=person, status=LtcStatus.DELIVERED)
        .order_by("-delivered_on")
        .first()
    )
    if last and last.delivered_on and add_months(last.delivered_on, rules.repeat_months) > today:
        raise Conflict(
            _("该老人已于%(d)s取得长期护理失能等级评估结果（%(lv)s），%(until)s前不重复评估")
            % {
                "d": last.delivered_on.isoformat(),
                "lv": ltc_scoring.LEVEL_NAMES[last.level or 0],
                "until": add_months(last.delivered_on, rules.repeat_months).isoformat(),
            }
        )
    crosswalk = ltc_answer(person, today)  # a GB/T 42195 assessment of the year answers it from the mapping
    if crosswalk is not None and crosswalk.mapped is not None:
        raise Conflict(crosswalk.message, field="person")
    try:
        with transaction.atomic():
            a = LtcAssessment.objects.create(
                person=person,
                region_code=person.region_code,
                applicant_kind=applicant_kind,
                applicant_name=name,
                applied_by=actor if signed_in(actor) else None,
                applied_on=today,
                fee=rules.fee_first,
            )
    except IntegrityError:
        raise Conflict(_("该老人已有一份正在办理的长期护理失能等级评估申请")) from None
    audit.record(actor=actor, action=AuditAction.LTC_APPLY, obj=a, region_code=a.region_code, request=request)
    return a


@transaction.atomic
def ltc_accept(
    *, actor: Actor, assessment: LtcAssessment, request: HttpRequest | None = None
) -> LtcAssessment:
    scope.require(actor, "ltc.decide", assessment.region_code)
    a = _locked(assessment)
    _status(a, LtcStatus.APPLIED)
    rules = ltc_rules(a.region_code)
    a.status = LtcStatus.ACCEPTED
    a.decided_on = timezone.localdate()
    a.assess_by = a.decided_on + datetime.timedelta(days=rules.assess_days)
    a.save(update_fields=["status", "decided_on", "assess_by"])
    audit.record(
        actor=actor, action=AuditAction.LTC_ACCEPT, obj=a, region_code=a.region_code, request=request
    )
    return a


@transaction.atomic
def ltc_refuse(
    *,
    actor: Actor,
    assessment: LtcAssessment,
    reason: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> LtcAssessment:
    scope.require(actor, "ltc.decide", assessment.region_code)
    if reason not in RefusalReason.values:
        raise InvalidInput(_("请选择不予受理的原因"), field="reason")
    if reason == RefusalReason.OTHER and not note.strip():
        raise InvalidInput(_("选择「其他」时请写明不予受理的原因"), field="note")
    a = _locked(assessment)
    _status(a, LtcStatus.APPLIED)
    a.status = LtcStatus.REFUSED
    a.refusal_reason = reason
    a.refusal_note = note.strip()
    a.decided_on = timezone.localdate()
    a.save(update_fields=["status", "refusal_reason", "refusal_note", "decided_on"])
    audit.record(
        actor=actor,
        action=AuditAction.LTC_REFUSE,
        obj=a,
        region_code=a.region_code,
        request=request,
        reason=reason,
    )
    return a


@transaction.atomic
def ltc_record(
    *,
    actor: Actor,
    assessment: LtcAssessment,
    answers: object,
    request: HttpRequest | None = None,
) -> LtcAssessment:
    """One assessor's on-site record. The second assessor of the round concludes it when both find the
    same level (the notice period starts); a different level is refused so that the two reconcile
    on site. In the re-assessment neither assessor may be one of the first round's."""
    scope.require(actor, "ltc.assess", assessment.region_code)
    if not signed_in(actor):
        raise Forbidden()
    a = _locked(assessment)
    _status(a, LtcStatus.ACCEPTED, LtcStatus.REVIEW)
    result = ltc_scoring.score(ltc_scale(a.region_code), answers)
    records = list(a.records.filter(round=a.round))
    if any(r.assessor_id == actor.pk for r in records):
        raise Conflict(_("您已录入本轮评估，须由另一名评估人员录入"))
    if a.round > 1 and a.records.filter(round__lt=a.round, assessor=actor).exists():
        raise Forbidden(_("异议复评须由未参加首次评估的评估人员进行"))
    if records and records[0].level != result.level:
        raise Conflict(
            _("您评定的等级（%(mine)s）与另一名评估人员（%(other)s）不一致，请双方现场复核后再录入")
            % {"mine": result.level_name, "other": ltc_scoring.LEVEL_NAMES[records[0].level]}
        )
    LtcAssessorRecord.objects.create(
        assessment=a, round=a.round, assessor=actor, answers=result.answers, level=result.level
    )
    audit.record(
        actor=actor,
        action=AuditAction.LTC_RECORD,
        obj=a,
        region_code=a.region_code,
        request=request,
        round=a.round,
    )
    if records:
        rules = ltc_rules(a.region_code)
        today = timezone.localdate()
        a.status = LtcStatus.NOTICE
        a.level = result.level
        a.dimensions = result.as_dict()["dimensions"]
        a.concluded_on = today
        a.notice_until = today + datetime.timedelta(days=rules.notice_days)
        a.save(update_fields=["status", "level", "dimensions", "concluded_on", "notice_until"])
        audit.record(
            actor=actor,
            action=AuditAction.LTC_CONCLUDE,
            obj=a,
            region_code=a.region_code,
            request=request,
            level=result.level,
        )
    return a


@transaction.atomic
def ltc_object(
    *, actor: Actor, assessment: LtcAssessment, note: str, request: HttpRequest | None = None
) -> LtcAssessment:
    """An objection during the notice: the assessment goes to a re-assessment by two other assessors
    (its fee added). After the window, or against the re-assessment's conclusion, refused."""
    scope.require(actor, "ltc.apply", assessment.region_code)
    if not note.strip():
        raise InvalidInput(_("请写明异议理由"), field="note")
    a = _locked(assessment)
    _status(a, LtcStatus.NOTICE)
    today = timezone.localdate()
    if a.notice_until is None or today > a.notice_until:
        raise Conflict(
            _("异议期已于%(d)s截止，不再受理异议")
            % {"d": a.notice_until.isoformat() if a.notice_until else ""},
            field="note",
        )
    if a.round > 1:
        raise Conflict(_("复评结论为最终结论，不再受理异议"), field="note")
    rules = ltc_rules(a.region_code)
    a.status = LtcStatus.REVIEW
    a.round = a.round + 1
    a.objection_note = note.strip()
    a.objected_on = today
    a.fee = Decimal(a.fee) + rules.fee_objection
    a.level = None
    a.dimensions = []
    a.save(update_fields=["status", "round", "objection_note", "objected_on", "fee", "level", "dimensions"])
    audit.record(
        actor=actor, action=AuditAction.LTC_OBJECT, obj=a, region_code=a.region_code, request=request
    )
    return a


@transaction.atomic
def ltc_deliver(
    *, actor: Actor, assessment: LtcAssessment, request: HttpRequest | None = None
) -> LtcAssessment:
    """Deliver the result once the notice period has passed; it holds for the city's validity."""
    scope.require(actor, "ltc.decide", assessment.region_code)
    a = _locked(assessment)
    _status(a, LtcStatus.NOTICE)
    today = timezone.localdate()
    if a.notice_until is None or today <= a.notice_until:
        raise Conflict(
            _("公示期至%(d)s，期满后方可送达") % {"d": a.notice_until.isoformat() if a.notice_until else ""}
        )
    rules = ltc_rules(a.region_code)
    a.status = LtcStatus.DELIVERED
    a.delivered_on = today
    a.valid_until = add_months(today, rules.validity_months) - datetime.timedelta(days=1)
    a.save(update_fields=["status", "delivered_on", "valid_until"])
    audit.record(
        actor=actor,
        action=AuditAction.LTC_DELIVER,
        obj=a,
        region_code=a.region_code,
        request=request,
        level=a.level,
    )
    return a
