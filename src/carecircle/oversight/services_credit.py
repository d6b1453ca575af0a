"""Credit writes (issue 20 item 5): collecting credit events from their sources (once per kind and
source), recording a penalty, recomputing every unit's score in one pass, and 信用修复 (a unit's
admin asks, a second official decides). The method itself is oversight/credit.py."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.oversight import credit
from carecircle.oversight.inspections import is_unit_admin
from carecircle.oversight.models import (
    CorrectionAction,
    CorrectionState,
    CreditCorrection,
    CreditEvent,
    CreditKind,
    CreditScore,
    Finding,
    FindingState,
    Inspection,
    InspectionState,
    Outcome,
    Penalty,
    Unit,
    UnitKind,
)

if TYPE_CHECKING:
    from carecircle.core.models import User

# How far back collecting looks: older events weigh nothing under the default method.
LOOKBACK_DAYS = 3 * 366


def _rule_points(kind: str) -> Decimal:
    return credit.method().rules.get(kind, (Decimal(0), "age"))[0]


def _insert(rows: list[CreditEvent]) -> int:
    """Insert the events not yet recorded (the unique kind+source makes a re-run add nothing)."""
    if not rows:
        return 0
    before = CreditEvent.objects.count()
    CreditEvent.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return CreditEvent.objects.count() - before


def _event(unit_id: int, region: str, kind: str, on: datetime.date, points: Decimal, src: str, src_id: int, text: str) -> CreditEvent:  # fmt: skip
    return CreditEvent(
        unit_id=unit_id,
        region_code=region,
        kind=kind,
        on=on,
        points=points,
        source_module=src,
        source_id=src_id,
        text=text[:500],
    )


def _inspection_events(since: datetime.date, units: list[int] | None = None) -> list[CreditEvent]:
    points = _rule_points(CreditKind.INSPECTION)
    found = Inspection.objects.filter(state=InspectionState.CONFIRMED, confirmed_at__date__gte=since)
    if units is not None:
        found = found.filter(unit_id__in=units)
    rows = found.annotate(
        passed=Count("results", filter=Q(results__outcome=Outcome.PASS)),
        failed=Count("results", filter=Q(results__outcome=Outcome.FAIL)),
    ).values_list("id", "unit_id", "region_code", "confirmed_at", "passed", "failed")
    return [
        _event(
            unit_id,
            region,
            CreditKind.INSPECTION,
            timezone.localdate(at),
            points * failed,
            "oversight.inspection",
            pk,
            _("监督检查：合格 %(p)d 项，不合格 %(f)d 项") % {"p": passed, "f": failed},
        )
        for pk, unit_id, region, at, passed, failed in rows
    ]


def _rectification_events(
    since: datetime.date, today: datetime.date, units: list[int] | None = None
) -> list[CreditEvent]:
    on_time, late = _rule_points(CreditKind.RECTIFY_ON_TIME), _rule_points(CreditKind.RECTIFY_LATE)
    found = Finding.objects.all() if units is None else Finding.objects.filter(unit_id__in=units)
    rows = (
        found.filter(Q(closed_at__date__gte=since) | Q(state__in=[FindingState.OPEN, FindingState.ANSWERED], deadline__lt=today))
        .values_list("id", "unit_id", "region_code", "state", "deadline", "closed_at", "item__title")
    )  # fmt: skip
    out = []
    for pk, unit_id, region, state, deadline, closed_at, title in rows:
        if state == FindingState.CLOSED and closed_at is not None:
            day = timezone.localdate(closed_at)
            if day <= deadline:
                text = _("按期完成整改：%(t)s") % {"t": title}
                out.append(_event(unit_id, region, CreditKind.RECTIFY_ON_TIME, day, on_time, "oversight.finding", pk, text))  # fmt: skip
                continue
        else:
            day = deadline + datetime.timedelta(days=1)
        text = _("逾期整改：%(t)s（期限 %(d)s）") % {"t": title, "d": deadline.isoformat()}
        out.append(_event(unit_id, region, CreditKind.RECTIFY_LATE, day, late, "oversight.finding", pk, text))
    return out


def _homecare_events(since: datetime.date) -> list[CreditEvent]:
    if not apps.is_installed("carecircle.homecare"):
        return []
    from carecircle.homecare.selectors import credit_facts  # noqa: PLC0415 — homecare may be absent

    complaints, exceptions = credit_facts(since=since)
    units = dict(
        Unit.objects.filter(kind=UnitKind.HOMECARE).values_list("source_id", "id").iterator()
    )  # fmt: skip
    regions = dict(Unit.objects.filter(kind=UnitKind.HOMECARE).values_list("id", "region_code"))
    out = []
    for kind, facts, src, label in (
        (CreditKind.COMPLAINT, complaints, "homecare.complaint", _("服务投诉")),
        (CreditKind.VISIT_EXCEPTION, exceptions, "homecare.visit_exception", _("上门服务异常经核实")),
    ):
        points = _rule_points(kind)
        for f in facts:
            unit_id = units.get(f.provider_id)
            if unit_id is not None:
                text = f"{label}：{f.text}"
                out.append(_event(unit_id, regions[unit_id], kind, f.on, points, src, f.id, text))
    return out


def credit_collect(
    *, since: datetime.date | None = None, unit_ids: list[int] | None = None
) -> dict[str, int]:
    """Record the credit events of every source since `since` (default: as far back as any event
    still weighs); idempotent. Answers the count of new events per kind. With `unit_ids` (the hook
    after an inspection or a finding) only oversight's own sources of those units are read."""
    today = timezone.localdate()
    since = since or today - datetime.timedelta(days=LOOKBACK_DAYS)
    added: dict[str, int] = {}
    sources = [_inspection_events(since, unit_ids), _rectification_events(since, today, unit_ids)]
    if unit_ids is None:
        sources.append(_homecare_events(since))
    for rows in sources:
        by_kind: dict[str, list[CreditEvent]] = defaultdict(list)
        for row in rows:
            by_kind[row.kind].append(row)
        for kind, batch in by_kind.items():
            added[kind] = added.get(kind, 0) + _insert(batch)
    return added


def credit_recompute(*, unit_ids: list[int] | None = None, today: datetime.date | None = None) -> int:
    """Every unit's (or the given units') score, grade and reasons, in one pass over the live
    events ordered by unit; the snapshots are upserted and the grades bulk-updated. Idempotent."""
    today = today or timezone.localdate()
    m = credit.method()
    units = Unit.objects.all() if unit_ids is None else Unit.objects.filter(pk__in=unit_ids)
    grades = dict(units.values_list("id", "credit_grade"))
    events = CreditEvent.objects.filter(voided=False)
    if unit_ids is not None:
        events = events.filter(unit_id__in=unit_ids)
    facts: dict[int, list[credit.Fact]] = defaultdict(list)
    for pk, unit_id, kind, on, points in events.values_list("id", "unit_id", "kind", "on", "points").iterator(
        chunk_size=5000
    ):
        facts[unit_id].append(credit.Fact(pk, kind, on, points))
    snapshots, changed = [], []
    for unit_id, grade in grades.items():
        result = credit.score(facts.get(unit_id, ()), m, today)
        snapshots.append(
            CreditScore(
                unit_id=unit_id,
                score=result.score,
                grade=result.grade,
                reasons=credit.reasons_json(result),
                computed_on=today,
            )
        )
        if result.grade != grade:
            changed.append(Unit(pk=unit_id, credit_grade=result.grade))
    with transaction.atomic():
        CreditScore.objects.bulk_create(
            snapshots,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["unit"],
            update_fields=["score", "grade", "reasons", "computed_on"],
        )
        Unit.objects.bulk_update(changed, ["credit_grade"], batch_size=2000)
    return len(snapshots)


def credit_refresh(*, unit_ids: list[int] | None = None) -> int:
    """Collect new events and recompute: the monthly task (every unit), and the services after an
    event of a unit (an inspection confirmed, a finding closed: services_inspections.py)."""
    credit_collect(unit_ids=unit_ids)
    return credit_recompute(unit_ids=unit_ids)


# ------------------------------------------------------------------ penalties


def _require_official(actor: Actor, region_code: str) -> None:
    scope.require(actor, "oversight.plan", region_code)


@transaction.atomic
def penalty_record(
    *,
    actor: User,
    unit: Unit,
    decision_no: str,
    decided_on: datetime.date | None,
    authority: str,
    fine: Decimal | None,
    text: str,
    request: HttpRequest | None = None,
) -> Penalty:
    """An official enters an administrative penalty; it becomes a credit event at once and the
    unit's grade is recomputed."""
    _require_official(actor, unit.region_code)
    decision_no, authority, text = decision_no.strip(), authority.strip(), text.strip()
    if not decision_no:
        raise InvalidInput(_("请填写处罚决定书文号"), field="decision_no")
    if decided_on is None:
        raise InvalidInput(_("请填写处罚日期"), field="decided_on")
    if decided_on > timezone.localdate():
        raise InvalidInput(_("处罚日期不能晚于今天"), field="decided_on")
    if not authority:
        raise InvalidInput(_("请填写处罚机关"), field="authority")
    if fine is not None and fine < 0:
        raise InvalidInput(_("罚款金额不能为负数"), field="fine")
    if not text:
        raise InvalidInput(_("请填写违法事实及处罚内容"), field="text")
    if Penalty.objects.filter(decision_no=decision_no).exists():
        raise InvalidInput(_("该处罚决定书文号已登记"), field="decision_no")
    try:
        with transaction.atomic():
            penalty = Penalty.objects.create(
                unit=unit,
                region_code=unit.region_code,
                decision_no=decision_no,
                decided_on=decided_on,
                authority=authority,
                fine=fine or Decimal(0),
                text=text[:500],
                entered_by=actor,
            )
    except IntegrityError as e:  # the same decision entered twice at once
        raise InvalidInput(_("该处罚决定书文号已登记"), field="decision_no") from e
    line = _("%(a)s %(n)s：%(t)s") % {"a": authority, "n": decision_no, "t": text}
    _insert(
        [
            _event(unit.pk, unit.region_code, CreditKind.PENALTY, decided_on, _rule_points(CreditKind.PENALTY),
                   "oversight.penalty", penalty.pk, line)
        ]
    )  # fmt: skip
    credit_recompute(unit_ids=[unit.pk])
    audit.record(actor=actor, action=AuditAction.OVERSIGHT_PENALTY_RECORD, obj=penalty, request=request)
    return penalty


# ------------------------------------------------------------------ 信用修复


@transaction.atomic
def correction_request(
    *,
    actor: User,
    event: CreditEvent,
    action: str,
    reason: str,
    new_points: Decimal | None = None,
    request: HttpRequest | None = None,
) -> CreditCorrection:
    """The unit's admin asks to remove an event or correct its points, with a reason."""
    event = CreditEvent.objects.select_for_update().select_related("unit").get(pk=event.pk)
    if not is_unit_admin(actor, event.unit):
        raise Forbidden()
    if event.voided:
        raise Conflict(_("该信用记录已撤销"))
    if action not in CorrectionAction.values:
        raise InvalidInput(_("请选择申请事项"), field="action")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("请写明申请理由"), field="reason")
    if action == CorrectionAction.CORRECT:
        if new_points is None:
            raise InvalidInput(_("更正分值时请填写更正后分值"), field="new_points")
        try:
            new_points = Decimal(new_points).quantize(credit.CENT)
        except InvalidOperation as e:
            raise InvalidInput(_("更正后分值格式不正确"), field="new_points") from e
        if abs(new_points) > abs(event.points) or (new_points * event.points) < 0:
            raise InvalidInput(_("更正后分值只能减轻，不能改变方向"), field="new_points")
    else:
        new_points = None
    if event.corrections.filter(state=CorrectionState.PENDING).exists():
        raise Conflict(_("该信用记录已有待审核的修复申请"))
    correction = CreditCorrection.objects.create(
        event=event,
        unit=event.unit,
        region_code=event.region_code,
        action=action,
        new_points=new_points,
        reason=reason[:500],
        requested_by=actor,
    )
    audit.record(
        actor=actor, action=AuditAction.OVERSIGHT_CREDIT_CORRECTION_REQUEST, obj=correction, request=request
    )
    return correction


def may_decide(user: Actor, correction: CreditCorrection) -> bool:
    """A second official: oversight.plan over the unit's region, and not the requester."""
    return (
        signed_in(user)
        and correction.state == CorrectionState.PENDING
        and user.pk != correction.requested_by_id
        and scope.has_perm(user, "oversight.plan", correction.region_code)
    )


@transaction.atomic
def correction_decide(
    *,
    actor: User,
    correction: CreditCorrection,
    approved: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> CreditCorrection:
    """Approve (the event is voided, or its points corrected, and the unit recomputed) or refuse
    with a reason. The requester can never decide their own request."""
    correction = CreditCorrection.objects.select_for_update().select_related("event").get(pk=correction.pk)
    if correction.requested_by_id == actor.pk:
        raise Forbidden(_("信用修复申请须由申请人以外的另一名工作人员审核，不能审核自己提交的申请"))
    scope.require(actor, "oversight.plan", correction.region_code)
    if correction.state != CorrectionState.PENDING:
        raise Conflict(_("该信用修复申请已审核"))
    note = note.strip()
    if not approved and not note:
        raise InvalidInput(_("不同意时请写明理由"), field="note")
    now = timezone.now()
    event = correction.event
    if approved:
        if correction.action == CorrectionAction.REMOVE:
            event.voided, event.voided_at = True, now
        else:
            event.original_points = event.points if event.original_points is None else event.original_points
            event.points = correction.new_points if correction.new_points is not None else event.points
        event.save(update_fields=["voided", "voided_at", "original_points", "points"])
    correction.state = CorrectionState.APPROVED if approved else CorrectionState.REFUSED
    correction.decided_by, correction.decided_at, correction.decision_note = actor, now, note[:300]
    correction.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    if approved:
        credit_recompute(unit_ids=[correction.unit_id])
    audit.record(
        actor=actor,
        action=AuditAction.OVERSIGHT_CREDIT_CORRECTION_DECIDE,
        obj=correction,
        request=request,
        approved=approved,
    )
    return correction
