"""Integrity records of workers (个人诚信, Jiaxing 二(五)14–16: 统一的养老护理员数据库, 个人诚信管理).

An official with workforce.manage over the worker's region records a confirmed complaint, an abuse
finding or a dismissal for cause, naming its source; the worker (or an official for them) appeals
once, and an official other than the recorder decides the appeal (also a DB constraint). An
employer sees a candidate's records before hiring only by the candidate's full ID number, found
through the blind index (core.vault) and audited with a purpose; there is no list of records for
employers, so they cannot browse the records of people not applying to them."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.core.vault import blind_index, mask_id_number
from carecircle.workforce.models import (
    Caregiver,
    IntegrityKind,
    IntegrityRecord,
    IntegritySource,
    IntegrityStatus,
)
from carecircle.workforce.selectors import is_employer_admin

if TYPE_CHECKING:
    from django.http import HttpRequest


def _id_number(raw: str) -> str:
    """An 18-character resident ID number with a real birth date and its check digit (GB 11643;
    the place code is not looked up, as the register's own check)."""
    text = "".join((raw or "").split()).upper()
    valid = len(text) == 18 and text[:17].isdigit() and (text[17].isdigit() or text[17] == "X")
    try:
        valid = valid and bool(ric.get_birth_date(text)) and text[17] == ric.calc_check_digit(text)
    except stdnum_errors.ValidationError:
        valid = False
    if not valid:
        raise InvalidInput(_("身份证号无效（应为18位，出生日期和校验位正确）"), field="id_number")
    return text


@transaction.atomic
def integrity_record(
    *,
    actor: Actor,
    worker: Caregiver,
    kind: str,
    source: str,
    source_ref: str,
    occurred_on: datetime.date,
    summary: str,
    request: HttpRequest | None = None,
) -> IntegrityRecord:
    scope.require(actor, "workforce.manage", worker.region_code)
    if kind not in IntegrityKind.values:
        raise InvalidInput(_("记录类别无效"), field="kind")
    if source not in IntegritySource.values:
        raise InvalidInput(_("来源无效"), field="source")
    if not source_ref.strip():
        raise InvalidInput(_("请填写来源文号（投诉单号、检查记录或认定文书）"), field="source_ref")
    if not summary.strip():
        raise InvalidInput(_("请填写事实摘要"), field="summary")
    if occurred_on > timezone.localdate():
        raise InvalidInput(_("发生日期不能晚于今天"), field="occurred_on")
    if not worker.id_index:
        raise InvalidInput(_("该人员未登记身份证号，无法记入诚信档案"), field="worker")
    if not signed_in(actor):
        raise Forbidden()
    try:
        with transaction.atomic():
            row = IntegrityRecord.objects.create(
                worker=worker,
                id_index=worker.id_index,
                region_code=worker.region_code,
                kind=kind,
                source=source,
                source_ref=source_ref.strip(),
                occurred_on=occurred_on,
                summary=summary.strip(),
                recorded_by=actor,
            )
    except IntegrityError:
        raise Conflict(_("同一来源文号的该类记录已存在"), field="source_ref") from None
    audit.record(actor=actor, action=AuditAction.INTEGRITY_RECORD, obj=row, request=request)
    return row


@transaction.atomic
def integrity_appeal(
    *, actor: Actor, record: IntegrityRecord, reason: str, request: HttpRequest | None = None
) -> IntegrityRecord:
    """The worker themself, or an official over their region, appeals a record in force (once)."""
    record = IntegrityRecord.objects.select_for_update().select_related("worker").get(pk=record.pk)
    own = signed_in(actor) and record.worker.user_id == actor.pk
    if not own:
        scope.require(actor, "workforce.manage", record.region_code)
    if record.status != IntegrityStatus.IN_FORCE or record.appealed_at is not None:
        raise Conflict(_("该记录已申诉过，不能再次申诉"), field="status")
    if not reason.strip():
        raise InvalidInput(_("请填写申诉理由"), field="reason")
    record.status = IntegrityStatus.APPEALED
    record.appeal_reason = reason.strip()
    record.appealed_at = timezone.now()
    record.save(update_fields=["status", "appeal_reason", "appealed_at"])
    audit.record(actor=actor, action=AuditAction.INTEGRITY_APPEAL, obj=record, request=request)
    return record


@transaction.atomic
def integrity_decide(
    *,
    actor: Actor,
    record: IntegrityRecord,
    upheld: bool,
    decision: str,
    request: HttpRequest | None = None,
) -> IntegrityRecord:
    """An official other than the recorder decides an appeal: upheld (the record stays) or
    overturned (it no longer shows to employers)."""
    record = IntegrityRecord.objects.select_for_update().get(pk=record.pk)
    scope.require(actor, "workforce.manage", record.region_code)
    if record.status != IntegrityStatus.APPEALED:
        raise Conflict(_("该记录没有待复核的申诉"), field="status")
    if not signed_in(actor):
        raise Forbidden()
    if actor.pk == record.recorded_by_id:
        raise Forbidden(_("申诉须由记录人以外的工作人员复核"))
    if not decision.strip():
        raise InvalidInput(_("请填写复核意见"), field="decision")
    record.status = IntegrityStatus.UPHELD if upheld else IntegrityStatus.OVERTURNED
    record.decided_by = actor
    record.decided_at = timezone.now()
    record.decision = decision.strip()
    record.save(update_fields=["status", "decided_by", "decided_at", "decision"])
    audit.record(actor=actor, action=AuditAction.INTEGRITY_DECIDE, obj=record, request=request)
    return record


def integrity_lookup(
    *,
    actor: Actor,
    employer_kind: str,
    organisation_id: int,
    id_number: str,
    purpose: str,
    request: HttpRequest | None = None,
) -> list[IntegrityRecord]:
    """The records in force (or under appeal, or upheld) of the candidate with `id_number`, for an
    admin of the hiring employer; every lookup is audited with its purpose (found or not)."""
    if not is_employer_admin(actor, employer_kind, organisation_id):
        raise Forbidden(_("只有用人单位管理员可在录用前查询应聘人员的诚信记录"))
    number = _id_number(id_number)
    if not purpose.strip():
        raise InvalidInput(_("请填写查询事由（如应聘岗位）"), field="purpose")
    rows = list(
        IntegrityRecord.objects.filter(id_index=blind_index(number))
        .exclude(status=IntegrityStatus.OVERTURNED)
        .order_by("-occurred_on", "id")
    )
    audit.record(
        actor=actor,
        action=AuditAction.INTEGRITY_LOOKUP,
        object_type="workforce.integrity_lookup",
        object_id=mask_id_number(number),
        purpose=purpose.strip(),
        request=request,
        employer=f"{employer_kind}:{organisation_id}",
        found=len(rows),
    )
    return rows


def integrity_search(*, user: Actor) -> QuerySet[IntegrityRecord]:
    """The records officials with workforce.view see in their regions (employers see none here)."""
    return (
        scope.in_scope(IntegrityRecord.objects.all(), user, "workforce.view")
        .select_related("worker")
        .order_by("-occurred_on", "id")
    )
