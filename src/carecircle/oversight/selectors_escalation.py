"""Reads for the home page's oversight cards (issue 20 item 4): a unit admin's open rectification
notices, an inspector's tasks and answers waiting for a decision, and the notices escalated to a
district; every read scoped like the pages it links to (oversight.selectors)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from carecircle.core import scope
from carecircle.core.types import Actor, signed_in
from carecircle.oversight.models import Escalation, Finding, FindingState, Inspection, InspectionState
from carecircle.oversight.selectors import my_inspections, own_units_q


def own_open_findings(*, user: Actor) -> QuerySet[Finding]:
    """The rectification notices of the user's own units not closed yet (a unit admin's), earliest
    deadline first; none for a user who is no unit's admin."""
    own = own_units_q(user)
    if own is None:
        return Finding.objects.none()
    return (
        Finding.objects.filter(own)
        .exclude(state=FindingState.CLOSED)
        .select_related("unit", "item")
        .order_by("deadline", "pk")
    )


def my_open_tasks(*, user: Actor) -> QuerySet[Inspection]:
    """The inspections the user was drawn for and has not finished (not confirmed by all)."""
    return (
        my_inspections(user=user)
        .exclude(state=InspectionState.CONFIRMED)
        .order_by("drawn__plan__period_end", "pk")
    )


def answers_waiting(*, user: Actor) -> QuerySet[Finding]:
    """Findings of the user's regions whose unit has answered and that wait for an inspector."""
    if not scope.has_perm(user, "oversight.inspect"):
        return Finding.objects.none()
    return scope.in_scope(
        Finding.objects.filter(state=FindingState.ANSWERED).select_related("unit", "item"),
        user,
        "oversight.inspect",
    ).order_by("deadline", "pk")


def escalations_open(*, user: Actor) -> QuerySet[Escalation]:
    """Escalated notices of the user's regions whose finding is not closed yet (oversight staff)."""
    if not signed_in(user) or not scope.has_perm(user, "oversight.view"):
        return Escalation.objects.none()
    return (
        scope.in_scope(Escalation.objects.all(), user, "oversight.view")
        .filter(~Q(finding__state=FindingState.CLOSED))
        .select_related("finding__unit", "finding__item")
        .order_by("finding__deadline", "pk")
    )
