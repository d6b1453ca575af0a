"""The incident state machine that the intake, incident and responder services share: the order of
the states and the stamp each sets, the clock, the locked incident an action works on, and why an
action is refused."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms.incidents import for_update, timeline_add
from carecircle.alarms.models import Incident, IncidentState, TimelineKind
from carecircle.alarms.selectors import IncidentAction, action_open, incident_check
from carecircle.core.access import access_by_id
from carecircle.core.errors import Conflict
from carecircle.core.types import Actor, signed_in

if TYPE_CHECKING:
    from carecircle.core.models import User


STATE_ORDER: list[str] = [
    IncidentState.NEW,
    IncidentState.ACKNOWLEDGED,
    IncidentState.IN_PROGRESS,
    IncidentState.DISPATCHED,
    IncidentState.ON_SITE,
    IncidentState.RESOLVED,
]
STAMP: dict[str, str] = {
    IncidentState.ACKNOWLEDGED: "acknowledged_at",
    IncidentState.IN_PROGRESS: "in_progress_at",
    IncidentState.DISPATCHED: "dispatched_at",
    IncidentState.ON_SITE: "on_site_at",
    IncidentState.RESOLVED: "resolved_at",
}


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _user(actor: Actor) -> User | None:
    return actor if signed_in(actor) else None


def _set_state(incident: Incident, state: str, now: datetime.datetime, *, actor: Actor) -> None:
    incident.state = state
    for s in STATE_ORDER[1 : STATE_ORDER.index(state) + 1]:  # a skipped step takes the same time
        field = STAMP[s]
        if getattr(incident, field) is None:
            setattr(incident, field, now)
    timeline_add(
        incident, TimelineKind.STATE, str(IncidentState(state).label), now=now, actor=actor, state=state
    )


def _locked(incident_id: int, actor: Actor, perm: str = "alarms.operate") -> Incident:
    incident = access_by_id(
        for_update(Incident.objects.select_related("person"), of=("self",)),
        incident_id,
        user=actor,
        perm=perm,
        check=incident_check,
    )
    return incident


def _require_claimed(incident: Incident) -> None:
    if incident.state == IncidentState.NEW:
        raise Conflict(_("请先接警"), field="state")
    if incident.state == IncidentState.RESOLVED:
        raise Conflict(_("警情已结案"), field="state")


def _require_open(incident: Incident, action: IncidentAction) -> None:
    """Refuse, saying why, what selectors.action_open (the card's buttons) does not allow."""
    if action_open(incident, action):
        return
    _require_claimed(incident)
    raise Conflict(
        _("请先派员")
        if action == IncidentAction.ON_SITE
        else _("警情已处于%(s)s") % {"s": incident.get_state_display()},
        field="state",
    )
