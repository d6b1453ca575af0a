"""The roster (issue 21, 2): shifts of workers at a unit (a facility) or one childcare class of it.
An assignment is refused when the worker is not employed by the unit's operator on the day, lacks a
certificate their role needs at that kind of unit (workforce/requirements.py) valid on the day, or
is already on another shift at that time. Re-exported by `carecircle.workforce.services`."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from carecircle.childcare.selectors import class_get
from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.core.organisations import OPERATOR_KINDS
from carecircle.core.types import Actor, signed_in
from carecircle.facilities.selectors import facility_locked
from carecircle.workforce import requirements
from carecircle.workforce.models import Caregiver, Shift
from carecircle.workforce.selectors import certificates_held, employed_on, require_employer_or_staff

if TYPE_CHECKING:
    from django.http import HttpRequest


@transaction.atomic
def shift_assign(
    *,
    actor: Actor,
    worker: Caregiver,
    unit_id: int,
    day: datetime.date,
    start: datetime.time,
    end: datetime.time,
    class_id: int | None = None,
    request: HttpRequest | None = None,
) -> Shift:
    try:
        unit = facility_locked(unit_id)  # one assignment at a time per unit
    except ObjectDoesNotExist as exc:
        raise NotFound() from exc
    require_employer_or_staff(
        actor,
        employer_kind=worker.employer_kind,
        organisation_id=unit.operator_id,
        perm="workforce.manage",
        region_code=unit.region_code,
    )
    if worker.employer_kind not in OPERATOR_KINDS or worker.organisation_id != unit.operator_id:
        raise InvalidInput(
            _("%(n)s不是%(u)s运营主体的员工") % {"n": worker.name, "u": unit.name}, field="worker"
        )
    if not Caregiver.objects.filter(employed_on(day), pk=worker.pk).exists():
        raise InvalidInput(_("%(n)s在%(d)s不在职") % {"n": worker.name, "d": day.isoformat()}, field="worker")
    if end <= start:
        raise InvalidInput(_("结束时间应晚于开始时间"), field="end")
    if class_id is not None:
        child_class = class_get(user=actor, class_id=class_id)
        if child_class.facility_id != unit.pk:
            raise InvalidInput(_("该班级不属于此托育机构"), field="class_id")
    needed = requirements.for_role(unit.kind, worker.role)
    held = certificates_held([worker.pk], day)[worker.pk]
    unmet = requirements.missing(needed, held)
    if unmet:
        raise InvalidInput(
            _("%(n)s在%(d)s没有有效的：%(c)s，不能排班")
            % {
                "n": worker.name,
                "d": day.isoformat(),
                "c": _("、").join(requirements.describe(r) for r in unmet),
            },
            field="worker",
        )
    busy = Shift.objects.filter(worker=worker, day=day, start__lt=end, end__gt=start).first()
    if busy is not None:
        raise Conflict(
            _("%(n)s在%(a)s-%(b)s已有排班")
            % {"n": worker.name, "a": f"{busy.start:%H:%M}", "b": f"{busy.end:%H:%M}"},
            field="start",
        )
    try:
        with transaction.atomic():
            shift = Shift.objects.create(
                worker=worker,
                unit_id=unit.pk,
                class_id=class_id,
                region_code=unit.region_code,
                day=day,
                start=start,
                end=end,
                created_by=actor if signed_in(actor) else None,
            )
    except IntegrityError as exc:
        raise Conflict(_("%(n)s在该时间已有排班") % {"n": worker.name}, field="start") from exc
    audit.record(
        actor=actor,
        action=AuditAction.SHIFT_ASSIGN,
        obj=shift,
        request=request,
        worker_id=worker.pk,
        unit_id=unit.pk,
        day=day.isoformat(),
    )
    return shift


@transaction.atomic
def shift_remove(*, actor: Actor, shift: Shift, request: HttpRequest | None = None) -> None:
    shift = Shift.objects.select_for_update().select_related("worker").get(pk=shift.pk)
    require_employer_or_staff(
        actor,
        employer_kind=shift.worker.employer_kind,
        organisation_id=shift.worker.organisation_id,
        perm="workforce.manage",
        region_code=shift.region_code,
    )
    audit.record(
        actor=actor, action=AuditAction.SHIFT_REMOVE, obj=shift, request=request, worker_id=shift.worker_id
    )
    shift.delete()
