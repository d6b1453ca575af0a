"""Early-warning reads (issue 20 item 6): the warnings of the user's regions (oversight.view: an
inspector of another district never sees one), one warning by id, and what a user may do with it."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet

from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.types import Actor
from carecircle.oversight.models import EarlyWarning, WarningRule, WarningState


class WarningAction(StrEnum):
    DISMISS = "dismiss"
    TO_INSPECT = "to_inspect"


def warnings_visible(*, user: Actor) -> QuerySet[EarlyWarning]:
    return scope.in_scope(EarlyWarning.objects.select_related("rule", "unit"), user, "oversight.view")


def warning_get(*, user: Actor, warning_id: int) -> EarlyWarning:
    rows = EarlyWarning.objects.select_related("rule", "unit", "handled_by")
    return access_by_id(rows, warning_id, user=user, perm="oversight.view")


def action_open(warning: EarlyWarning, action: WarningAction) -> bool:  # noqa: ARG001 — both alike
    return warning.state == WarningState.OPEN


def warning_actions(user: Actor, warning: EarlyWarning) -> frozenset[WarningAction]:
    if not scope.has_perm(user, "oversight.inspect", warning.region_code):
        return frozenset()
    return frozenset(a for a in WarningAction if action_open(warning, a))


def warning_rules() -> QuerySet[WarningRule]:
    return WarningRule.objects.order_by("subject_kind", "name")
