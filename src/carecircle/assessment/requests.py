"""Requests for a capability assessment made online by the older person or a linked family member
(Hangzhou 三(一)5 线上服务平台 and 网上业务办理; Qujing 三(一)5; Jiaxing 二(六)17 老年人及其家属), and
their handling by the assessors and community staff of the person's region: accepted with an
appointment date, or refused with a reason; done once an assessment of the person is recorded
(services.assessment_record closes it). One open request per person (a partial unique constraint).
A request that an existing assessment of another kind answers (core/prior_assessment.py: a
delivered LTC result of the city's repeat period that maps to one capability level) is refused,
naming that result.

Re-exported by `assessment.services` (the writes) and `assessment.selectors` (the reads)."""

from __future__ import annotations

import datetime
import enum

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.assessment.models import (
    OPEN_REQUEST_STATES,
    AssessmentRequest,
    CapabilityAssessment,
    RequestState,
)
from carecircle.core import audit, prior_assessment, scope
from carecircle.core.access import access_by_id
from carecircle.core.ages import age_on
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import Person
from carecircle.registry.selectors import family_persons, on_behalf_of

APPOINTMENT_WITHIN_DAYS = 60  # an appointment is made for the coming two months, not further


class RequestAction(enum.StrEnum):
    ACCEPT = "accept"
    REFUSE = "refuse"


def request_actions(user: Actor, req: AssessmentRequest) -> frozenset[RequestAction]:
    """The one rule of what `user` may do with a request: accept or refuse a submitted one, for
    those who record assessments in the person's region. The list offers these; the services
    refuse the rest."""
    if req.state != RequestState.SUBMITTED or not scope.has_perm(user, "assessment.record", req.region_code):
        return frozenset()
    return frozenset(RequestAction)


def _require_linked(actor: Actor, person: Person) -> Person:
    if not signed_in(actor):
        raise Forbidden(_("请先登录"))
    linked = family_persons(actor).filter(pk=person.pk).first()
    if linked is None:
        raise Forbidden(_("您的账号没有关联此人，不能为其申请"), field="person")
    return linked


@transaction.atomic
def assessment_request_submit(
    *, actor: Actor, person: Person, note: str = "", request: HttpRequest | None = None
) -> AssessmentRequest:
    """The older person, or a family member linked to them, asks for a capability assessment."""
    person = _require_linked(actor, person)
    assert signed_in(actor)  # _require_linked refused anyone else
    if age_on(person.birth_date, timezone.localdate()) < 60:
        raise InvalidInput(_("老年人能力评估适用于60周岁及以上老年人"), field="person")
    note = (note or "").strip()
    if len(note) > 300:
        raise InvalidInput(_("申请说明不能超过300个字"), field="note")
    open_one = AssessmentRequest.objects.filter(person=person, state__in=OPEN_REQUEST_STATES).first()
    if open_one is not None:
        raise Conflict(
            _("%(n)s已有一份正在办理的评估申请（%(s)s），不用再申请")
            % {"n": person.name, "s": open_one.get_state_display()},
            field="person",
        )
    prior = prior_assessment.answer("capability", person)  # e.g. a delivered LTC result of the year
    if prior is not None:
        raise Conflict(prior.message, field="person")
    try:
        with transaction.atomic():
            req = AssessmentRequest.objects.create(
                person=person,
                region_code=person.region_code,
                requested_by=actor,
                note=note,
                created_at=timezone.now(),
            )
    except IntegrityError:
        raise Conflict(
            _("%(n)s已有一份正在办理的评估申请，不用再申请") % {"n": person.name}, field="person"
        ) from None
    audit.record(
        actor=actor,
        action=AuditAction.ASSESSMENT_REQUEST_SUBMIT,
        obj=req,
        request=request,
        person_id=person.pk,
        **on_behalf_of(actor, person),
    )
    return req


def _locked_for(actor: Actor, req: AssessmentRequest, action: RequestAction) -> AssessmentRequest:
    scope.require(actor, "assessment.record", req.region_code)
    req = (
        AssessmentRequest.objects.select_for_update().select_related("person", "requested_by").get(pk=req.pk)
    )
    if action not in request_actions(actor, req):
        raise Conflict(_("该申请已是“%(s)s”，不能再处理") % {"s": req.get_state_display()})
    return req


@transaction.atomic
def assessment_request_accept(
    *,
    actor: Actor,
    req: AssessmentRequest,
    appointment_on: datetime.date,
    request: HttpRequest | None = None,
) -> AssessmentRequest:
    """Accept a request with the day the assessor comes (today up to two months ahead)."""
    req = _locked_for(actor, req, RequestAction.ACCEPT)
    today = timezone.localdate()
    if not isinstance(appointment_on, datetime.date):
        raise InvalidInput(_("请填写预约评估日期"), field="appointment_on")
    if appointment_on < today:
        raise InvalidInput(_("预约评估日期不能早于今天"), field="appointment_on")
    if appointment_on > today + datetime.timedelta(days=APPOINTMENT_WITHIN_DAYS):
        raise InvalidInput(
            _("预约评估日期应在%(d)d天之内") % {"d": APPOINTMENT_WITHIN_DAYS}, field="appointment_on"
        )
    req.state = RequestState.ACCEPTED
    req.appointment_on = appointment_on
    req.decided_by = actor if signed_in(actor) else None
    req.decided_at = timezone.now()
    req.save(update_fields=["state", "appointment_on", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action=AuditAction.ASSESSMENT_REQUEST_ACCEPT,
        obj=req,
        request=request,
        person_id=req.person_id,
        appointment_on=appointment_on.isoformat(),
    )
    return req


@transaction.atomic
def assessment_request_refuse(
    *, actor: Actor, req: AssessmentRequest, reason: str, request: HttpRequest | None = None
) -> AssessmentRequest:
    """Refuse a request; the reason is shown to the applicant as written."""
    req = _locked_for(actor, req, RequestAction.REFUSE)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写不予受理的原因，申请人会看到它"), field="reason")
    if len(reason) > 300:
        raise InvalidInput(_("不予受理原因不能超过300个字"), field="reason")
    req.state = RequestState.REFUSED
    req.refused_reason = reason
    req.decided_by = actor if signed_in(actor) else None
    req.decided_at = timezone.now()
    req.save(update_fields=["state", "refused_reason", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action=AuditAction.ASSESSMENT_REQUEST_REFUSE,
        obj=req,
        request=request,
        person_id=req.person_id,
        reason=reason,
    )
    return req


def requests_close(record: CapabilityAssessment) -> int:
    """Mark the person's open requests done by the assessment just recorded (called by
    services.assessment_record inside its transaction)."""
    return AssessmentRequest.objects.filter(person_id=record.person_id, state__in=OPEN_REQUEST_STATES).update(
        state=RequestState.DONE, assessment=record
    )


# ------------------------------------------------------------------ reads


def request_list(*, user: Actor) -> QuerySet[AssessmentRequest]:
    """The requests of the people in the regions where `user` views assessments (the staff list)."""
    rows = AssessmentRequest.objects.select_related("person", "decided_by")
    return scope.in_scope(rows, user, "assessment.view")


def request_get(*, user: Actor, request_id: object, perm: str = "assessment.view") -> AssessmentRequest:
    rows = AssessmentRequest.objects.select_related("person", "requested_by")
    return access_by_id(rows, request_id, user=user, perm=perm)


def requests_of_family(user: Actor) -> QuerySet[AssessmentRequest]:
    """The requests of the persons the resident account acts for (itself and linked), newest first."""
    return AssessmentRequest.objects.filter(person__in=family_persons(user).values("pk")).select_related(
        "person"
    )


def requests_decided_between(
    *, since: datetime.datetime, until: datetime.datetime
) -> QuerySet[AssessmentRequest]:
    """Requests accepted or refused in [since, until): what the portal tells the applicant (its
    message sweep; whole-city system work, no user)."""
    return (
        AssessmentRequest.objects.filter(decided_at__gte=since, decided_at__lt=until)
        .exclude(appointment_on__isnull=True, refused_reason="")
        .select_related("person", "requested_by")
        .order_by("decided_at", "id")
    )
