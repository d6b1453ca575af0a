"""Inspection on a phone and the rectification loop (issue 20 items 3-4): check in at the unit,
record each item (re-sending one changes it, never adds a second), submit, both inspectors
confirm, failed items become findings with a deadline; the unit answers with evidence and an
inspector accepts it or sends it back. Re-exported by services.py."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.oversight import evidence
from carecircle.oversight.inspections import (
    DEADLINE_DAYS,
    FindingAction,
    InspectionAction,
    finding_actions,
    inspection_actions,
    is_drawn_inspector,
)
from carecircle.oversight.models import (
    Answer,
    Confirmation,
    Finding,
    FindingState,
    Inspection,
    InspectionItem,
    InspectionState,
    ItemResult,
    Outcome,
    Risk,
    Severity,
    Unit,
)
from carecircle.oversight.services_credit import credit_refresh

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from carecircle.core.models import User


def _locked(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update().select_related("unit").get(pk=inspection.pk)


def _require(actions: frozenset[InspectionAction], action: InspectionAction) -> None:
    if action not in actions:
        raise Conflict(_("该检查当前不能进行这一步"))


def applicable_items(unit: Unit) -> list[InspectionItem]:
    return [i for i in InspectionItem.objects.filter(active=True) if unit.kind in i.unit_kinds]


@transaction.atomic
def inspection_check_in(
    *,
    actor: User,
    inspection: Inspection,
    latitude: float | None,
    longitude: float | None,
    request: HttpRequest | None = None,
) -> Inspection:
    """A drawn inspector arrives at the unit: the time and the phone's position are recorded."""
    inspection = _locked(inspection)
    if not is_drawn_inspector(actor, inspection):
        raise Forbidden()
    _require(inspection_actions(actor, inspection), InspectionAction.CHECK_IN)
    if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput(_("没有取得定位，请允许本页使用位置信息后再签到"), field="latitude")
    inspection.state = InspectionState.ON_SITE
    inspection.checked_in_at, inspection.checked_in_by = timezone.now(), actor
    inspection.latitude, inspection.longitude = latitude, longitude
    inspection.save()
    audit.record(
        actor=actor, action=AuditAction.OVERSIGHT_INSPECTION_CHECK_IN, obj=inspection, request=request
    )
    return inspection


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    inspection: Inspection,
    item_id: int,
    outcome: str,
    note: str = "",
    photo: UploadedFile[bytes] | None = None,
) -> ItemResult:
    """One item's result. Sending it again (a flaky connection) replaces it; a failed item needs a
    note and a photo."""
    inspection = _locked(inspection)
    if not is_drawn_inspector(actor, inspection):
        raise Forbidden()
    _require(inspection_actions(actor, inspection), InspectionAction.RECORD)
    item = next((i for i in applicable_items(inspection.unit) if i.pk == item_id), None)
    if item is None:
        raise InvalidInput(_("该检查事项不适用于本对象"), field="item_id")
    if outcome not in Outcome.values:
        raise InvalidInput(_("请选择检查结果"), field="outcome")
    note = note.strip()[:500]
    existing = ItemResult.objects.filter(inspection=inspection, item=item).first()
    if outcome == Outcome.FAIL and not note:
        raise InvalidInput(_("不合格的事项请写明问题"), field="note")
    if outcome == Outcome.FAIL and photo is None and not (existing and existing.photo):
        raise InvalidInput(_("不合格的事项请拍照留证"), field="photo")
    name = evidence.store(photo, field="photo") if photo is not None else ""
    result, _created = ItemResult.objects.update_or_create(
        inspection=inspection,
        item=item,
        defaults={
            "outcome": outcome,
            "note": note,
            "photo": name or (existing.photo if existing else ""),
            "recorded_by": actor,
        },
    )
    return result


@transaction.atomic
def inspection_submit(
    *, actor: User, inspection: Inspection, request: HttpRequest | None = None
) -> Inspection:
    """Every applicable item has a result: the record goes to both inspectors for confirmation
    (the one who submits confirms it by submitting)."""
    inspection = _locked(inspection)
    if not is_drawn_inspector(actor, inspection):
        raise Forbidden()
    _require(inspection_actions(actor, inspection), InspectionAction.SUBMIT)
    done = set(ItemResult.objects.filter(inspection=inspection).values_list("item_id", flat=True))
    missing = [i.code for i in applicable_items(inspection.unit) if i.pk not in done]
    if missing:
        raise InvalidInput(
            _("还有 %(n)d 项未检查：%(codes)s") % {"n": len(missing), "codes": "、".join(missing)},
            field="items",
        )
    inspection.state, inspection.submitted_at = InspectionState.SUBMITTED, timezone.now()
    inspection.save(update_fields=["state", "submitted_at"])
    Confirmation.objects.get_or_create(inspection=inspection, inspector=actor)
    audit.record(actor=actor, action=AuditAction.OVERSIGHT_INSPECTION_SUBMIT, obj=inspection, request=request)
    _confirm_if_complete(inspection)
    return inspection


@transaction.atomic
def inspection_confirm(
    *, actor: User, inspection: Inspection, request: HttpRequest | None = None
) -> Inspection:
    inspection = _locked(inspection)
    if not is_drawn_inspector(actor, inspection):
        raise Forbidden()
    _require(inspection_actions(actor, inspection), InspectionAction.CONFIRM)
    Confirmation.objects.get_or_create(inspection=inspection, inspector=actor)
    audit.record(
        actor=actor, action=AuditAction.OVERSIGHT_INSPECTION_CONFIRM, obj=inspection, request=request
    )
    _confirm_if_complete(inspection)
    return inspection


def severity_of(item: InspectionItem) -> Severity:
    if item.major_hazard:
        return Severity.HAZARD
    return Severity.SERIOUS if item.risk == Risk.HIGH else Severity.MINOR


def _confirm_if_complete(inspection: Inspection) -> None:
    """When every drawn inspector has confirmed, the record is final: failed items become findings
    (once each: a constraint on inspection and item) and the unit's last inspection is today."""
    needed = set(inspection.drawn.assignments.values_list("inspector_id", flat=True))
    if not needed <= set(inspection.confirmations.values_list("inspector_id", flat=True)):
        return
    now = timezone.now()
    today = timezone.localdate()
    inspection.state, inspection.confirmed_at = InspectionState.CONFIRMED, now
    inspection.save(update_fields=["state", "confirmed_at"])
    for result in inspection.results.filter(outcome=Outcome.FAIL).select_related("item"):
        severity = severity_of(result.item)
        Finding.objects.get_or_create(
            inspection=inspection,
            item=result.item,
            defaults={
                "unit": inspection.unit,
                "region_code": inspection.region_code,
                "severity": severity,
                "text": result.note or result.item.title,
                "deadline": today + datetime.timedelta(days=DEADLINE_DAYS[severity]),
                "issued_at": now,
            },
        )
    Unit.objects.filter(pk=inspection.unit_id).update(last_inspected_on=today)
    credit_refresh(unit_ids=[inspection.unit_id])  # the inspection's result counts for the unit's credit


@transaction.atomic
def finding_answer(
    *,
    actor: User,
    finding: Finding,
    text: str,
    evidence_photo: UploadedFile[bytes] | None = None,
    request: HttpRequest | None = None,
) -> Answer:
    """The unit's admin reports the rectification with a photo; nothing is saved without one."""
    finding = Finding.objects.select_for_update().select_related("unit").get(pk=finding.pk)
    if FindingAction.ANSWER not in finding_actions(actor, finding):
        if finding.state != FindingState.OPEN:
            raise Conflict(_("该整改通知当前不能提交整改"))
        raise Forbidden()
    text = text.strip()
    if not text:
        raise InvalidInput(_("请写明整改情况"), field="text")
    name = evidence.store(evidence_photo, field="evidence_photo")
    answer = Answer.objects.create(finding=finding, text=text[:500], evidence=name, by=actor)
    finding.state = FindingState.ANSWERED
    finding.save(update_fields=["state"])
    audit.record(actor=actor, action=AuditAction.OVERSIGHT_FINDING_ANSWER, obj=finding, request=request)
    return answer


@transaction.atomic
def finding_decide(
    *, actor: User, finding: Finding, accepted: bool, note: str = "", request: HttpRequest | None = None
) -> Finding:
    """An inspector accepts the rectification (the finding closes) or sends it back with a reason."""
    finding = Finding.objects.select_for_update().select_related("unit", "inspection").get(pk=finding.pk)
    actions = finding_actions(actor, finding)
    if FindingAction.ACCEPT not in actions:
        if finding.state != FindingState.ANSWERED:
            raise Conflict(_("该整改通知没有待验收的整改"))
        raise Forbidden()
    if not accepted and not note.strip():
        raise InvalidInput(_("退回整改请写明原因"), field="note")
    answer = finding.answers.order_by("-at", "-pk").first()
    if answer is not None:
        answer.accepted, answer.decided_by, answer.decided_at = accepted, actor, timezone.now()
        answer.decision_note = note.strip()[:300]
        answer.save(update_fields=["accepted", "decided_by", "decided_at", "decision_note"])
    finding.state = FindingState.CLOSED if accepted else FindingState.OPEN
    finding.closed_at = timezone.now() if accepted else None
    finding.save(update_fields=["state", "closed_at"])
    action = AuditAction.OVERSIGHT_FINDING_ACCEPT if accepted else AuditAction.OVERSIGHT_FINDING_REJECT
    audit.record(actor=actor, action=action, obj=finding, request=request)
    if accepted:
        credit_refresh(unit_ids=[finding.unit_id])  # rectified on time or late counts for its credit
    return finding
