"""Credit reads (issue 20 item 5): who sees a unit's credit page (its region's oversight staff and
the unit's own admin), the page's lines (each event with its weight and contribution, adding up to
the score), and the correction requests (信用修复) with what a user may do with one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from django.db.models import Q, QuerySet
from django.utils import timezone

from carecircle.core import scope
from carecircle.core.errors import NotFound
from carecircle.core.organisations import OrganisationKind, organisations_of
from carecircle.core.types import Actor, signed_in
from carecircle.facilities.selectors import facility_ids_for
from carecircle.oversight import credit
from carecircle.oversight.inspections import is_unit_admin
from carecircle.oversight.models import (
    CorrectionState,
    CreditCorrection,
    CreditEvent,
    Penalty,
    Unit,
    UnitKind,
)
from carecircle.oversight.selectors import own_units_q

_M = TypeVar("_M", CreditEvent, CreditCorrection)


def _own_units(user: Actor) -> Q | None:
    """The unit admin's own units, on Unit itself (oversight.selectors.own_units_q's rule)."""
    if own_units_q(user) is None:
        return None
    providers = organisations_of(user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")
    facilities = facility_ids_for(user, "facilities.view")
    return Q(kind=UnitKind.HOMECARE, source_id__in=providers) | Q(
        kind__in=[UnitKind.FACILITY, UnitKind.CHILDCARE], source_id__in=facilities
    )


def _visible(rows: QuerySet[_M], user: Actor) -> QuerySet[_M]:
    """Rows (each with a `unit`) of the user's regions (oversight staff) or of their own units."""
    q = Q(pk__in=scope.in_scope(rows.model.objects.all(), user, "oversight.view").values("pk"))
    own = own_units_q(user)
    if own is not None:
        q |= own
    return rows.filter(q)


def credit_units(*, user: Actor) -> QuerySet[Unit]:
    """The units whose credit the user may see: oversight staff of their region, or their admin."""
    q = Q(pk__in=scope.in_scope(Unit.objects.all(), user, "oversight.view").values("pk"))
    own = _own_units(user)
    if own is not None:
        q |= own
    return Unit.objects.filter(q)


def credit_unit_get(*, user: Actor, unit_id: int) -> Unit:
    found = credit_units(user=user).filter(pk=unit_id).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True, slots=True)
class CreditLine:
    event: CreditEvent | None  # None: the clipping line
    weight: Decimal
    contribution: Decimal


@dataclass(frozen=True, slots=True)
class CreditSheet:
    score: Decimal
    grade: str
    lines: tuple[CreditLine, ...]
    voided: tuple[CreditEvent, ...]


def credit_sheet(unit: Unit, today: datetime.date | None = None) -> CreditSheet:
    """The unit's score now, with every live event's weighted contribution (they add up to the
    score exactly, the clipping line included) and the voided events listed apart."""
    events = list(CreditEvent.objects.filter(unit=unit).order_by("-on", "-pk"))
    live = [e for e in events if not e.voided]
    result = credit.score(
        [credit.Fact(e.pk, e.kind, e.on, e.points) for e in live],
        credit.method(),
        today or timezone.localdate(),
    )
    by_id = {e.pk: e for e in live}
    lines = tuple(
        CreditLine(by_id.get(r.event_id) if isinstance(r.event_id, int) else None, r.weight, r.contribution)
        for r in result.reasons
    )
    return CreditSheet(result.score, result.grade, lines, tuple(e for e in events if e.voided))


def penalties_of(unit: Unit) -> QuerySet[Penalty]:
    return Penalty.objects.filter(unit=unit)


def credit_event_get(*, user: Actor, credit_event_id: int) -> CreditEvent:
    found = _visible(CreditEvent.objects.select_related("unit"), user).filter(pk=credit_event_id).first()
    if found is None:
        raise NotFound()
    return found


def corrections_visible(*, user: Actor) -> QuerySet[CreditCorrection]:
    return _visible(
        CreditCorrection.objects.select_related("unit", "event", "requested_by", "decided_by"), user
    )


def correction_get(*, user: Actor, correction_id: int) -> CreditCorrection:
    found = corrections_visible(user=user).filter(pk=correction_id).first()
    if found is None:
        raise NotFound()
    return found


class CorrectionDo(StrEnum):
    REQUEST = "request"
    DECIDE = "decide"


def may_request(user: Actor, event: CreditEvent) -> bool:
    return not event.voided and is_unit_admin(user, event.unit)


def correction_actions(user: Actor, correction: CreditCorrection) -> frozenset[CorrectionDo]:
    """Deciding is for an official of the region with oversight.plan — the requester too sees the
    button's place taken by a note, and the service refuses them with the reason."""
    if (
        signed_in(user)
        and correction.state == CorrectionState.PENDING
        and scope.has_perm(user, "oversight.plan", correction.region_code)
    ):
        return frozenset({CorrectionDo.DECIDE})
    return frozenset()
