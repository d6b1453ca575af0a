"""Calls from the telephone system (来电弹屏): the reads, what a user may do with a call, and the rules
the event intake (alarms/services/telephony.py) and the pages share.

Who sees a call: the operator who answered it (the pop is theirs), and a supervisor of its region.
Whom the card shows: the persons and family contacts whose phone is the caller's number, found by
the phone's blind index inside the regions where the viewer operates (registry.selectors.
people_by_phone); nobody found is a 'new caller' card, never an error.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import QuerySet
from django.utils import timezone

from carecircle.alarms.models import Call, CallEventKind, CallState
from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import NotFound
from carecircle.core.region_pick import names_of
from carecircle.core.types import Actor, signed_in
from carecircle.registry import selectors as registry_selectors
from carecircle.registry.types import PhoneMatch

# The order of a call's events: an event that arrives after a later one arrived late.
KIND_ORDER = {CallEventKind.RINGING: 0, CallEventKind.ANSWERED: 1, CallEventKind.ENDED: 2}
# How long after the call ended its card still pops for the operator who answered (to open an
# incident after hanging up), unless they closed it.
POP_AFTER_END = datetime.timedelta(minutes=30)


def derive_state(call: Call) -> str:
    """A call's state from the times its events recorded, whatever order they came in."""
    if call.ended_at is not None:
        return CallState.ENDED if call.answered_at is not None else CallState.MISSED
    if call.answered_at is not None:
        return CallState.ANSWERED
    return CallState.RINGING


@dataclass(frozen=True, slots=True)
class EventOutcome:
    """What the intake answers the telephone system: the call, and whether the event was new."""

    call: Call
    created: bool  # False: a replay of an event stored before (acknowledged again, not stored twice)
    late: bool  # it arrived after an event that comes later in the call (stored, state kept right)


class CallAction(StrEnum):
    """The operator's actions on a popped call; each has its own URL (`alarms:call_<value>`)."""

    INCIDENT = "incident"  # open a phone incident for a person, linked to the call
    DISMISS = "dismiss"  # close the pop


def is_call_operator(user: Actor, call: Call) -> bool:
    return signed_in(user) and call.operator_id == user.pk


def call_check(user: Actor, perm: str, call: Call) -> None:
    """The operator who answered the call, or a supervisor over its region; anyone else: 404 (a
    call's existence is not told to other operators)."""
    if is_call_operator(user, call) or scope.has_perm(user, "alarms.supervise", call.region_code):
        return
    if not scope.has_perm(user, perm, call.region_code):
        scope.require(user, perm, call.region_code)
    raise NotFound()


def call_get(*, user: Actor, call_id: int) -> Call:
    return access_by_id(
        Call.objects.select_related("incident", "operator", "trunk"),
        call_id,
        user=user,
        perm="alarms.operate",
        check=call_check,
    )


def call_actions(user: Actor, call: Call) -> frozenset[CallAction]:
    """What `user` may do with `call` now: the card's buttons and the services follow this rule.
    Only the operator who answered acts on it; an incident is opened once per call."""
    if not is_call_operator(user, call) or call.answered_at is None:
        return frozenset()
    actions = {CallAction.DISMISS} if call.dismissed_at is None else set()
    if call.incident_id is None:
        actions.add(CallAction.INCIDENT)
    return frozenset(actions)


def popped_calls(user: Actor, now: datetime.datetime | None = None) -> QuerySet[Call]:
    """The calls whose card pops on `user`'s console: answered by them, not closed, and not ended
    longer than POP_AFTER_END ago; the newest first."""
    if not signed_in(user):
        return Call.objects.none()
    now = now or timezone.now()
    return (
        Call.objects.filter(operator=user, answered_at__isnull=False, dismissed_at__isnull=True)
        .exclude(ended_at__lt=now - POP_AFTER_END)
        .select_related("incident")
        .order_by("-operator_at", "-id")
    )


@dataclass(frozen=True, slots=True)
class CallerCard:
    """What the pop shows about a call: who the number belongs to (inside the viewer's regions)."""

    call: Call
    matches: tuple[PhoneMatch, ...]
    regions: dict[str, str]  # community code -> name, for the matches

    @property
    def known(self) -> bool:
        return bool(self.matches)

    @property
    def lines(self) -> tuple[tuple[PhoneMatch, str], ...]:
        """Each match with its community's name."""
        return tuple((m, self.regions.get(m.region_code, m.region_code)) for m in self.matches)

    @property
    def person_ids(self) -> tuple[int, ...]:
        """Each matched person once (a person and their daughter may share a landline)."""
        return tuple(dict.fromkeys(m.person_id for m in self.matches))


def caller_card(*, user: Actor, call: Call) -> CallerCard:
    matches = tuple(registry_selectors.people_by_phone(phone=call.caller, user=user, perm="alarms.operate"))
    return CallerCard(call=call, matches=matches, regions=names_of({m.region_code for m in matches}))
