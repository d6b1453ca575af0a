"""Writes of the register of children in difficulty and orphans (Hangzhou 三(二)2): registering a
child (the person and the status that puts them on the register, in one transaction), a
guardianship assessment (监护评估), and the audit row of an export of the register."""

import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, scope
from carecircle.core.ages import age_on
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.core.vault import mask_phone
from carecircle.registry import services
from carecircle.registry.checks import CHILD_AGE_LIMIT, CHILD_STATUSES, clean_phone, district_places
from carecircle.registry.children import GROUP, ChildFilters
from carecircle.registry.identity import parse_id_number
from carecircle.registry.models import (
    GuardianRelation,
    GuardianshipAssessment,
    GuardianshipOutcome,
    Person,
)
from carecircle.registry.selectors import population_q

NOTES_MAX = 2000
NAME_MAX, TEXT_MAX, ADDRESS_MAX, PHONE_MAX = 50, 200, 200, 20  # the columns' lengths


def _check_kind(kind: str) -> str:
    if kind not in CHILD_STATUSES:
        raise InvalidInput(_("请选择儿童类别：困境儿童或孤儿"), field="kind")
    return kind


@transaction.atomic
def child_register(
    *,
    actor: Actor,
    name: str,
    id_number: str,
    region_code: str,
    kind: str,
    valid_from: datetime.date | None = None,
    phone: str = "",
    address: str = "",
    source: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> Person:
    """Register a child under 18 as 困境儿童 or 孤儿 (`kind`) from `valid_from` (today when not
    given): the person (registry.services.person_create, which admits ages 3 to 17 only so) and the
    status, both or neither."""
    _check_kind(kind)
    if len((name or "").strip()) > NAME_MAX:
        raise InvalidInput(_("姓名不能超过%(n)d个字") % {"n": NAME_MAX}, field="name")
    if len((source or "").strip()) > TEXT_MAX:
        raise InvalidInput(_("信息来源不能超过%(n)d个字") % {"n": TEXT_MAX}, field="source")
    if len((note or "").strip()) > TEXT_MAX:
        raise InvalidInput(_("备注不能超过%(n)d个字") % {"n": TEXT_MAX}, field="note")
    if len((address or "").strip()) > ADDRESS_MAX:
        raise InvalidInput(_("居住地址不能超过%(n)d个字") % {"n": ADDRESS_MAX}, field="address")
    if len((phone or "").strip()) > PHONE_MAX:
        raise InvalidInput(_("电话号码不能超过%(n)d位") % {"n": PHONE_MAX}, field="phone")
    today = timezone.localdate()
    identity = parse_id_number(id_number, extra_places=district_places())
    age = age_on(identity.birth_date, today)
    if age >= CHILD_AGE_LIMIT:
        raise InvalidInput(_("困境儿童、孤儿应未满18周岁（此人%(a)d岁）") % {"a": age}, field="id_number")
    valid_from = valid_from or today
    if valid_from > today:
        raise InvalidInput(_("认定日期不能晚于今天"), field="valid_from")
    if valid_from < identity.birth_date:
        raise InvalidInput(_("认定日期不能早于出生日期"), field="valid_from")
    source = (source or "").strip() or _("困境儿童登记")
    person = services.person_create(
        actor=actor,
        name=name,
        id_number=identity.number,
        region_code=region_code,
        phone=phone,
        address=address,
        source=source,
        child_kind=kind,
        request=request,
    )
    services.status_add(
        actor=actor,
        person=person,
        kind=kind,
        valid_from=valid_from,
        source=source,
        note=(note or "").strip(),
        request=request,
    )
    return person


@transaction.atomic
def guardianship_assess(
    *,
    actor: Actor,
    person: Person,
    guardian_name: str,
    relation: str,
    assessed_on: datetime.date,
    outcome: str,
    guardian_phone: str = "",
    notes: str = "",
    request: HttpRequest | None = None,
) -> GuardianshipAssessment:
    """Record a guardianship assessment (监护评估) of a child on the register."""
    scope.require(actor, "registry.edit", person.region_code)
    guardian_name = (guardian_name or "").strip()
    if not guardian_name:
        raise InvalidInput(_("请填写监护人姓名"), field="guardian_name")
    if len(guardian_name) > NAME_MAX:
        raise InvalidInput(_("监护人姓名不能超过%(n)d个字") % {"n": NAME_MAX}, field="guardian_name")
    if len((guardian_phone or "").strip()) > PHONE_MAX:
        raise InvalidInput(_("电话号码不能超过%(n)d位") % {"n": PHONE_MAX}, field="guardian_phone")
    if relation not in GuardianRelation.values:
        raise InvalidInput(_("请选择监护人与儿童的关系"), field="relation")
    if outcome not in GuardianshipOutcome.values:
        raise InvalidInput(_("请选择评估结论"), field="outcome")
    if assessed_on is None:
        raise InvalidInput(_("请填写评估日期"), field="assessed_on")
    if assessed_on > timezone.localdate():
        raise InvalidInput(_("评估日期不能晚于今天"), field="assessed_on")
    if assessed_on < person.birth_date:
        raise InvalidInput(_("评估日期不能早于儿童出生日期"), field="assessed_on")
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        raise InvalidInput(_("评估情况不能超过%(n)d个字") % {"n": NOTES_MAX}, field="notes")
    phone = clean_phone(guardian_phone, field="guardian_phone")
    if not Person.objects.filter(pk=person.pk).filter(population_q(GROUP, timezone.localdate())).exists():
        raise Conflict(_("此人不在困境儿童台账上（未满18岁且认定为困境儿童或孤儿），不能登记监护评估"))
    record = GuardianshipAssessment.objects.create(
        person=person,
        region_code=person.region_code,
        guardian_name=guardian_name,
        relation=relation,
        guardian_phone=phone,
        guardian_phone_masked=mask_phone(phone),
        assessed_on=assessed_on,
        outcome=outcome,
        notes=notes,
        assessor=actor if signed_in(actor) else None,
        assessor_name=(actor.display_name or actor.username) if signed_in(actor) else "system",
    )
    # The outcome, not the personal values (guardian, notes), goes into the trail.
    audit.record(
        actor=actor,
        action=AuditAction.GUARDIANSHIP_ASSESS,
        obj=person,
        request=request,
        assessment=record.pk,
        assessed_on=str(assessed_on),
        outcome=outcome,
    )
    return record


def children_export_audit(
    *, actor: Actor, rows: int, filters: ChildFilters, request: HttpRequest | None = None
) -> None:
    """The audit row of a download of the register (personal data leaves the platform)."""
    audit.record(
        actor=actor,
        action=AuditAction.CHILDREN_EXPORT,
        request=request,
        rows=rows,
        region_code=filters.region_code,
        kind=filters.kind,
        outcome=filters.outcome,
        text=bool(filters.text),
    )
