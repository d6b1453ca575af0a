"""Who may do what with an inspection and a finding (the one rule pages and services share), and
the deadlines a finding gets by its severity."""

from __future__ import annotations

from enum import StrEnum

from carecircle.core import scope
from carecircle.core.organisations import OrganisationKind, organisations_of
from carecircle.core.types import Actor, signed_in
from carecircle.facilities.selectors import reaches_facility
from carecircle.oversight.models import (
    DrawAssignment,
    Finding,
    FindingState,
    Inspection,
    InspectionState,
    Severity,
    Unit,
    UnitKind,
)

# Days a unit has to put a finding right (as data: a city edits them here).
DEADLINE_DAYS = {Severity.HAZARD: 7, Severity.SERIOUS: 15, Severity.MINOR: 30}


class InspectionAction(StrEnum):
    CHECK_IN = "check_in"
    RECORD = "record"
    SUBMIT = "submit"
    CONFIRM = "confirm"


class FindingAction(StrEnum):
    ANSWER = "answer"
    ACCEPT = "accept"
    REJECT = "reject"


def is_drawn_inspector(user: Actor, inspection: Inspection) -> bool:
    return (
        signed_in(user)
        and DrawAssignment.objects.filter(drawn_id=inspection.drawn_id, inspector=user).exists()
    )


def is_unit_admin(user: Actor, unit: Unit) -> bool:
    """The unit's own admin: the provider admin of its home-care provider or of its operator."""
    if not signed_in(user) or "provider_admin" not in scope.roles_of(user):
        return False
    if unit.kind == UnitKind.HOMECARE:
        return unit.source_id in organisations_of(user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")
    return reaches_facility(user, "facilities.view", unit.source_id)


def inspection_actions(user: Actor, inspection: Inspection) -> frozenset[InspectionAction]:
    if not signed_in(user) or not is_drawn_inspector(user, inspection):
        return frozenset()
    state = inspection.state
    if state == InspectionState.ASSIGNED:
        return frozenset({InspectionAction.CHECK_IN})
    if state == InspectionState.ON_SITE:
        return frozenset({InspectionAction.RECORD, InspectionAction.SUBMIT})
    if state == InspectionState.SUBMITTED and not inspection.confirmations.filter(inspector=user).exists():
        return frozenset({InspectionAction.CONFIRM})
    return frozenset()


def finding_actions(user: Actor, finding: Finding) -> frozenset[FindingAction]:
    if finding.state == FindingState.OPEN and is_unit_admin(user, finding.unit):
        return frozenset({FindingAction.ANSWER})
    if finding.state == FindingState.ANSWERED and (
        is_drawn_inspector(user, finding.inspection)
        or scope.has_perm(user, "oversight.inspect", finding.region_code)
    ):
        return frozenset({FindingAction.ACCEPT, FindingAction.REJECT})
    return frozenset()
