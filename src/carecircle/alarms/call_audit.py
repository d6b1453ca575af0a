"""Call quality audit (issue 18, item 6), the reads and the draw itself: the month's sample, who may
see an audit (a supervisor over its region; the operator it audits, their own only) and who may
review it (`call_audit_actions`: the page's form and the service follow this one rule).

The draw is reproducible: each handled incident of the month (resolved, with the operator who
handled it) gets the ticket sha256("{seed}|incident|{id}"); per operator the `per_operator`
smallest tickets are drawn. The seed is stored with the month's draw, so anyone can draw again
from it and the month's incidents (`draw_sample`) and find the same sample."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum

from django.db.models import QuerySet

from carecircle.alarms.models import CallAudit, CallAuditItem, Incident, IncidentState
from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import NotFound
from carecircle.core.months import month_bounds
from carecircle.core.types import Actor, signed_in

PASS_SCORE = 80  # a review scoring this much (weighted share of items passed, 0-100) passes


def handled_in(month: datetime.date) -> QuerySet[Incident]:
    """The month's handled incidents: resolved within it by an operator (an incident the system
    closed by itself, a device back online before anyone took it, has no call to audit)."""
    start, end = month_bounds(month)
    return Incident.objects.filter(
        state=IncidentState.RESOLVED, resolved_at__gte=start, resolved_at__lt=end, operator__isnull=False
    )


def ticket(seed: str, incident_id: int) -> str:
    return hashlib.sha256(f"{seed}|incident|{incident_id}".encode()).hexdigest()


def draw_sample(
    seed: str, handled: Iterable[tuple[int, int]], per_operator: int
) -> list[tuple[int, int, str]]:
    """(incident id, operator id, ticket) of the sample: per operator the `per_operator` incidents of
    smallest ticket among `handled` (incident id, operator id) pairs; all of them when fewer."""
    by_operator: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for incident_id, operator_id in handled:
        by_operator[operator_id].append((ticket(seed, incident_id), incident_id))
    drawn = []
    for operator_id in sorted(by_operator):
        for t, incident_id in sorted(by_operator[operator_id])[:per_operator]:
            drawn.append((incident_id, operator_id, t))
    return drawn


def call_audits(*, user: Actor) -> QuerySet[CallAudit]:
    """The audits a user sees: every one of the regions where they supervise, and their own."""
    qs = CallAudit.objects.all()
    if not signed_in(user):
        return qs.none()
    return scope.in_scope(qs, user, "alarms.supervise") | qs.filter(operator=user)


def may_see_audits(user: Actor) -> bool:
    """A supervisor, or an operator (who sees their own results)."""
    return scope.has_perm(user, "alarms.supervise") or scope.has_perm(user, "alarms.operate")


def _check(user: Actor, perm: str, audit: CallAudit) -> None:
    if signed_in(user) and audit.operator_id == user.pk:
        return
    if not scope.has_perm(user, perm, audit.region_code):
        raise NotFound()  # not theirs and not supervised: as if it did not exist


def call_audit_get(*, user: Actor, call_audit_id: object) -> CallAudit:
    return access_by_id(
        CallAudit.objects.select_related(
            "draw", "incident", "incident__person", "operator", "reviewer"
        ).defer("incident__person__id_number", "incident__person__phone", "incident__person__address"),
        call_audit_id,
        user=user,
        perm="alarms.supervise",
        check=_check,
    )


class CallAuditAction(StrEnum):
    REVIEW = "review"


def call_audit_actions(user: Actor, audit: CallAudit) -> frozenset[CallAuditAction]:
    """A supervisor of the audit's region reviews it (again, to correct a review), never the
    operator it audits (a district official both handles and supervises)."""
    if not scope.has_perm(user, "alarms.supervise", audit.region_code):
        return frozenset()
    if signed_in(user) and audit.operator_id == user.pk:
        return frozenset()
    return frozenset({CallAuditAction.REVIEW})


def checklist() -> list[CallAuditItem]:
    return list(CallAuditItem.objects.filter(active=True))


def score_of(items: list[CallAuditItem], results: dict[str, bool]) -> int:
    """The weighted share of the checklist passed, 0-100."""
    total = sum(i.weight for i in items)
    got = sum(i.weight for i in items if results.get(i.code))
    return round(100 * got / total) if total else 0
