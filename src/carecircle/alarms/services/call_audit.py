"""Call quality audit (issue 18, item 6), the writes: the month's sample drawn once (a unique
month: a second draw, or two at once, gives the first one back), and a supervisor's review of one
sampled incident against the checklist (pass or fail per item, a weighted score, a comment)."""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms.call_audit import (
    PASS_SCORE,
    CallAuditAction,
    call_audit_actions,
    call_audit_get,
    checklist,
    draw_sample,
    handled_in,
    score_of,
)
from carecircle.alarms.incidents import for_update
from carecircle.alarms.models import CallAudit, CallAuditAnswer, CallAuditDraw, CallAuditState
from carecircle.alarms.services._state import _now, _user
from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Forbidden, InvalidInput
from carecircle.core.months import month_start
from carecircle.core.types import Actor

if TYPE_CHECKING:
    from django.http import HttpRequest

COMMENT_MAX = 1000


def per_operator() -> int:
    """Incidents drawn per operator and month: CARECIRCLE_CALL_AUDIT_PER_OPERATOR, at least two."""
    return max(2, int(settings.CARECIRCLE_CALL_AUDIT_PER_OPERATOR))


def call_audit_draw(
    *,
    actor: Actor,
    month: datetime.date,
    request: HttpRequest | None = None,
    now: datetime.datetime | None = None,
) -> tuple[CallAuditDraw, bool]:
    """Draw the sample of a month that has ended, once: (the draw, True) the first time, (the stored
    draw, False) ever after. `actor` None is the system (the demo, a periodic run)."""
    now = _now(now)
    if actor is not None and not scope.has_perm(actor, "alarms.supervise"):
        raise Forbidden()
    month = month_start(month)
    if month >= month_start(timezone.localdate(now)):
        raise InvalidInput(_("只能抽取已结束的月份（本月结束后再抽取本月）"), field="month")
    found = CallAuditDraw.objects.filter(month=month).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            draw, sampled = _draw(actor, month, now)
    except IntegrityError:  # drawn meanwhile by another request: the first draw stands
        return CallAuditDraw.objects.get(month=month), False
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_CALL_AUDIT_DRAW,
        obj=draw,
        request=request,
        month=month.strftime("%Y-%m"),
        seed=draw.seed,
        handled=draw.handled,
        sampled=sampled,
        per_operator=draw.per_operator,
    )
    return draw, True


def _draw(actor: Actor, month: datetime.date, now: datetime.datetime) -> tuple[CallAuditDraw, int]:
    handled = list(handled_in(month).values_list("id", "operator_id", "region_code"))
    regions = {pk: region for pk, _op, region in handled}
    draw = CallAuditDraw.objects.create(
        month=month,
        seed=secrets.token_hex(16),
        per_operator=per_operator(),
        handled=len(handled),
        drawn_at=now,
        drawn_by=_user(actor),
    )
    sample = draw_sample(draw.seed, [(pk, op) for pk, op, _r in handled], draw.per_operator)
    CallAudit.objects.bulk_create(
        CallAudit(draw=draw, incident_id=pk, operator_id=op, region_code=regions[pk], ticket=t)
        for pk, op, t in sample
    )
    return draw, len(sample)


@transaction.atomic
def call_audit_review(
    *,
    actor: Actor,
    call_audit_id: int,
    results: dict[str, bool],
    comment: str = "",
    request: HttpRequest | None = None,
    now: datetime.datetime | None = None,
) -> CallAudit:
    """A supervisor's verdict on each checklist item (every active item, pass or fail), the weighted
    score and a comment. A review may be given again to correct it; each one is audited."""
    now = _now(now)
    found = call_audit_get(user=actor, call_audit_id=call_audit_id)
    row = for_update(CallAudit.objects.filter(pk=found.pk)).get()
    if CallAuditAction.REVIEW not in call_audit_actions(actor, row):
        raise Forbidden(_("只有所辖区域的值班长可以评审，且不能评审自己处理的警情"))
    items = checklist()
    if not items:
        raise InvalidInput(_("尚未设置质检项"), field="results")
    for item in items:
        if item.code not in results:
            raise InvalidInput(
                _("请为“%(l)s”选择通过或不通过") % {"l": item.label}, field=f"item_{item.code}"
            )
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(_("评语不超过%(n)s个字") % {"n": COMMENT_MAX}, field="comment")
    revised = row.state == CallAuditState.REVIEWED
    verdicts = {i.code: bool(results[i.code]) for i in items}
    CallAuditAnswer.objects.filter(audit=row).delete()
    CallAuditAnswer.objects.bulk_create(
        CallAuditAnswer(audit=row, item=i, passed=verdicts[i.code]) for i in items
    )
    row.score = score_of(items, verdicts)
    row.passed = row.score >= PASS_SCORE
    row.state, row.reviewer, row.reviewed_at, row.comment = (
        CallAuditState.REVIEWED,
        _user(actor),
        now,
        comment,
    )
    row.save(update_fields=["score", "passed", "state", "reviewer", "reviewed_at", "comment"])
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_CALL_AUDIT_REVIEW,
        obj=row,
        request=request,
        incident=row.incident_id,
        operator=row.operator_id,
        score=row.score,
        passed=row.passed,
        results=verdicts,
        revised=revised,
    )
    return row
