"""What the call centre asks of the care visits (found by alarms through core.plugins, the way a
lower module reaches one built on it: alarms cannot import carevisits, which imports alarms): a
wellbeing call nobody answered, after its last attempt, becomes a community visit (issue 18)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from carecircle.carevisits import services
from carecircle.core.types import Actor

if TYPE_CHECKING:
    from django.http import HttpRequest

    from carecircle.registry.models import Person


def visit_for_unanswered_call(
    *, actor: Actor, person: Person, reason: str, within_days: int, request: HttpRequest | None = None
) -> int:
    """The id of the visit plan that asks the person's community to visit within `within_days`."""
    plan = services.visit_request(
        actor=actor, person=person, reason=reason, within_days=within_days, request=request
    )
    return plan.pk
