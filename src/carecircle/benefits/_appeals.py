"""Appeals, the writes behind benefits.services: a person contests a month's decision, an official
grants (with the amount and period) or rejects it."""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.benefits._common import _money
from carecircle.benefits.engine import month_start
from carecircle.benefits.models import Appeal, Programme
from carecircle.benefits.selectors import AppealAction, appeal_action_open
from carecircle.core import audit, regions, scope
from carecircle.core.access import access_by_id
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import Person
from carecircle.registry.selectors import family_persons, on_behalf_of

if TYPE_CHECKING:
    from django.http import HttpRequest

# ---------------------------------------------------------------- appeals


@transaction.atomic
def appeal_file(
    *,
    actor: Actor,
    person: Person,
    programme: Programme,
    month: str,
    reason: str,
    request: "HttpRequest | None" = None,
) -> Appeal:
    """A person (through a linked resident account) or a worker for them contests a decision."""
    month_start(month)
    if not (reason or "").strip() or len(reason.strip()) < 4:
        raise InvalidInput(_("请写明申诉理由（至少4个字）"), field="reason")
    own = family_persons(actor).filter(pk=person.pk).exists()
    if not own:
        scope.require(actor, "benefits.appeal", person.region_code)
    if Appeal.objects.filter(
        person=person, programme=programme, month=month, state=Appeal.State.OPEN
    ).exists():
        raise Conflict(_("该月份的同一项目已有待处理的申诉"), field="month")
    appeal = Appeal.objects.create(
        person=person,
        programme=programme,
        region_code=person.region_code,
        route_region=regions.district_of(person.region_code),
        month=month,
        reason=reason.strip(),
        filed_by=actor if signed_in(actor) else None,
    )
    audit.record(
        actor=actor,
        action=AuditAction.APPEAL_FILE,
        obj=appeal,
        request=request,
        programme=programme.code,
        month=month,
        **on_behalf_of(actor, person),  # a linked family member files it for the person
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *,
    actor: Actor,
    appeal_id: int,
    grant: bool,
    reason: str,
    amount: Decimal | str | None = None,
    grant_from: datetime.date | None = None,
    grant_to: datetime.date | None = None,
    request: "HttpRequest | None" = None,
) -> Appeal:
    appeal = access_by_id(
        Appeal.objects.select_for_update().select_related("programme"),
        appeal_id,
        user=actor,
        perm="benefits.decide",
        region_field="route_region",
    )
    if not appeal_action_open(appeal, AppealAction.DECIDE):
        raise Conflict(_("该申诉已处理"))
    if not signed_in(actor) or appeal.filed_by_id == actor.pk:
        raise Forbidden(_("不能处理自己提交的申诉"))
    if not (reason or "").strip():
        raise InvalidInput(_("请填写处理理由"), field="reason")
    if grant:
        appeal.grant_amount = _money(amount, "amount", allow_zero=False)
        appeal.grant_from = grant_from or month_start(appeal.month)
        appeal.grant_to = grant_to
        if appeal.grant_to is not None and appeal.grant_to < appeal.grant_from:
            raise InvalidInput(_("核定终止不能早于核定起始"), field="grant_to")
        overlap = Appeal.objects.filter(
            person=appeal.person, programme=appeal.programme, state=Appeal.State.GRANTED
        )
        overlap = overlap.filter(Q(grant_to__isnull=True) | Q(grant_to__gte=appeal.grant_from))
        if appeal.grant_to is not None:
            overlap = overlap.filter(grant_from__lte=appeal.grant_to)
        if overlap.exists():
            raise Conflict(_("与已准予的申诉期间重叠"), field="grant_from")
    appeal.state = Appeal.State.GRANTED if grant else Appeal.State.REJECTED
    appeal.decision_reason = reason.strip()
    appeal.decided_by, appeal.decided_at = actor, timezone.now()
    appeal.save()
    audit.record(
        actor=actor,
        action=AuditAction.APPEAL_DECIDE,
        obj=appeal,
        request=request,
        granted=grant,
        reason=reason,
        amount=str(appeal.grant_amount or ""),
    )
    return appeal
