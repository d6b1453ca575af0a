"""Writes of the proactive wellbeing calls (主动关怀, issue 18): the day's generation and an attempt's
outcome (well; needs a service; no answer: retried, then a community visit through carevisits).

An outcome carries an idempotency key (the form's hidden field, the API's body): the same key sent
twice is one attempt, answered the same; an outcome for a call already closed is a conflict (409)
that says what was recorded, never a second row.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms import outreach
from carecircle.alarms.models import OutreachAttempt, OutreachCall, OutreachResult, OutreachState
from carecircle.core import audit, plugins, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.core.types import Actor, signed_in

if TYPE_CHECKING:
    from django.http import HttpRequest


def outreach_generate(
    *,
    actor: Actor,
    day: datetime.date | None = None,
    region_code: str = "",
    request: HttpRequest | None = None,
) -> outreach.Generated:
    """Make `day`'s wellbeing calls (default today) under `region_code` and assign them. The system
    (the daily task) covers everything; a supervisor their region (`region_code` inside it, or
    each region they supervise). Running it again creates nothing twice."""
    day = day or timezone.localdate()
    if signed_in(actor):
        if region_code:
            scope.require(actor, "alarms.supervise", region_code)
            prefixes = [regions.prefix_of(region_code)]
        else:
            scope.require_perm(actor, "alarms.supervise")
            prefixes = scope.prefixes(actor, "alarms.supervise")
    else:
        prefixes = [regions.prefix_of(region_code) if region_code else ""]
    created = assigned = 0
    for prefix in prefixes:
        with transaction.atomic():
            done = outreach.generate(day, prefix)
        created, assigned = created + done.created, assigned + done.assigned
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_OUTREACH_GENERATE,
        object_type="alarms.outreachcall",
        object_id=f"{region_code or '*'}:{day.isoformat()}",
        request=request,
        day=day.isoformat(),
        created=created,
        assigned=assigned,
    )
    return outreach.Generated(day=day, created=created, assigned=assigned)


def _service_items() -> dict[str, str]:
    """The home-care catalogue's active items, code -> name (empty without the home-care module)."""
    if not apps.is_installed("carecircle.homecare"):
        return {}
    from carecircle.homecare import selectors as homecare  # noqa: PLC0415 — the module may be absent

    return {i.code: i.name for c in homecare.catalogue() for i in getattr(c, "active_items", [])}


def _community_visit(actor: Actor, call: OutreachCall, request: HttpRequest | None) -> int | None:
    """Ask the person's community to visit (carevisits/outreach_visits.py, found as a plug-in: the
    care visits build on this module and so cannot be imported here). None without that module."""
    for module in plugins.optional_submodules("outreach_visits"):
        reason = _("主动关怀电话%(n)s次无人接听（%(r)s）") % {"n": call.attempts, "r": call.rule.name}
        plan_id: int = module.visit_for_unanswered_call(
            actor=actor,
            person=call.person,
            reason=reason,
            within_days=call.rule.visit_within_days,
            request=request,
        )
        return plan_id
    return None


def _key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > 80:
        raise InvalidInput(_("缺少或过长的幂等键，请刷新页面后重试"), field="idempotency_key")
    return key


def _same(existing: OutreachAttempt, call_id: int) -> OutreachAttempt:
    if existing.call_id != call_id:
        raise Conflict(_("该幂等键已用于另一通关怀电话"), field="idempotency_key")
    return existing


@transaction.atomic
def outreach_record(
    *,
    actor: Actor,
    call_id: int,
    result: str,
    idempotency_key: str,
    note: str = "",
    service_item: str = "",
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> OutreachAttempt:
    """Record one attempt at a call by an operator of its region. Well and needs-a-service close
    it; no answer schedules the next try `retry_minutes` later, and after the rule's last attempt
    the call ends as a community visit (carevisits). The same key again: the first attempt."""
    key = _key(idempotency_key)
    existing = OutreachAttempt.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _same(existing, call_id)
    call = (
        OutreachCall.objects.select_for_update(of=("self",))
        .select_related("rule", "person")
        .filter(pk=call_id)
        .first()
    )
    if call is None:
        raise NotFound()
    scope.require(actor, "alarms.operate", call.region_code)
    existing = OutreachAttempt.objects.filter(idempotency_key=key).first()  # a twin waited for the lock
    if existing is not None:
        return _same(existing, call_id)
    if not call.is_open:
        raise Conflict(
            _("这通关怀电话已记录结果：%(s)s，不能重复记录") % {"s": call.get_state_display()}, field="result"
        )
    if result not in OutreachResult.values:
        raise InvalidInput(_("请选择通话结果"), field="result")
    service_item = (service_item or "").strip()
    if result == OutreachResult.SERVICE:
        items = _service_items()
        if items and service_item not in items:
            raise InvalidInput(_("请选择所需的服务项目"), field="service_item")
    else:
        service_item = ""
    now = now or timezone.now()
    if timezone.localdate(now) < call.scheduled_for:
        raise InvalidInput(_("这通电话计划在 %(d)s 拨打") % {"d": call.scheduled_for}, field="result")
    note = (note or "").strip()[:500]
    call.attempts += 1
    call.first_attempt_at = call.first_attempt_at or now
    if signed_in(actor) and call.assignee_id is None:
        call.assignee = actor
    if note:
        call.note = note
    if result == OutreachResult.NO_ANSWER and call.attempts < call.rule.max_attempts:
        call.state = OutreachState.RETRY
        call.next_attempt_at = now + datetime.timedelta(minutes=call.rule.retry_minutes)
    else:
        call.next_attempt_at = None
        call.done_at = now
        call.state = {
            OutreachResult.WELL: OutreachState.WELL,
            OutreachResult.SERVICE: OutreachState.SERVICE,
            OutreachResult.NO_ANSWER: OutreachState.VISIT,
        }[OutreachResult(result)]
        call.service_item = service_item
    try:
        with transaction.atomic():
            attempt = OutreachAttempt.objects.create(
                call=call,
                region_code=call.region_code,
                number=call.attempts,
                at=now,
                result=result,
                operator=actor if signed_in(actor) else None,
                operator_name=(actor.display_name or actor.username) if signed_in(actor) else "system",
                note=note,
                idempotency_key=key,
            )
    except IntegrityError:  # the same key, committed by a request that did not wait for our lock
        return _same(OutreachAttempt.objects.get(idempotency_key=key), call_id)
    if call.state == OutreachState.VISIT:
        call.visit_plan_id = _community_visit(actor, call, request)
    call.save()
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_OUTREACH_RECORD,
        obj=call,
        request=request,
        person_id=call.person_id,
        attempt=attempt.number,
        result=result,
        state=call.state,
        service_item=service_item,
        visit_plan_id=call.visit_plan_id,
    )
    return attempt
