"""Routing waiting alarms (issue 18): an incident nobody has answered rings every free operator of
its centre after the centre's `ring_after_seconds`, then the operators of the overflow centre (another
district's, configurable) after `overflow_after_seconds`; higher priority first.

"Ring" is an offer on the operator's console: a `Ring` row per stage (unique per incident and stage,
so the periodic sweep `alarms.tasks.route_waiting` and the delivery worker's step after each batch
may both try, and each stage rings once), a line on the incident's timeline naming the operators
rung, and an event on the consoles' stream (`hub`) addressed to the rung centre's regions — which
is how an overflow centre's operators, whose scope does not cover the incident, hear of it, while
an operator of a third district never does. What rings for an operator now is `ringing(user)`:
the waiting incidents rung to the centre where they are on shift, while they are free.

Below the services and the delivery worker (both call it); it imports neither.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms.hub import hub
from carecircle.alarms.incidents import timeline_entry
from carecircle.alarms.models import (
    Centre,
    Incident,
    IncidentState,
    Ring,
    RingStage,
    Shift,
    TimelineEntry,
    TimelineKind,
)
from carecircle.core import regions, scope
from carecircle.core.types import Actor, signed_in

# An operator holding a call (answered, being handled) is not free; once responders are sent the
# operator may take the next call while they travel.
BUSY_STATES = (IncidentState.ACKNOWLEDGED, IncidentState.IN_PROGRESS)
_centres_cache: tuple[float, list[Centre]] | None = None
CACHE_SECONDS = 5.0


def centres(*, fresh: bool = False) -> list[Centre]:
    """Every centre with its overflow centre (a small table, read every few seconds at most: the
    delivery worker asks after each batch)."""
    global _centres_cache
    now = time.monotonic()
    if fresh or _centres_cache is None or now - _centres_cache[0] >= CACHE_SECONDS:
        _centres_cache = (now, list(Centre.objects.select_related("overflow")))
    return _centres_cache[1]


def clear_cache() -> None:
    global _centres_cache
    _centres_cache = None


def centre_of(region_code: str, among: Iterable[Centre] | None = None) -> Centre | None:
    """The centre answering `region_code`: the one with the longest code prefix of it."""
    best: Centre | None = None
    for c in centres() if among is None else among:
        p = regions.prefix_of(c.region_code)
        if region_code.startswith(p) and (best is None or len(p) > len(regions.prefix_of(best.region_code))):
            best = c
    return best


def _own_regions(centre: Centre, all_centres: list[Centre]) -> Q:
    """The regions a centre answers: its prefix, less those of centres nested inside it."""
    p = regions.prefix_of(centre.region_code)
    q = Q(region_code__startswith=p)
    for other in all_centres:
        o = regions.prefix_of(other.region_code)
        if other.pk != centre.pk and o.startswith(p) and len(o) > len(p):
            q &= ~Q(region_code__startswith=o)
    return q


def busy_ids(operator_ids: Iterable[int]) -> set[int]:
    return set(
        Incident.objects.filter(operator_id__in=list(operator_ids), state__in=BUSY_STATES).values_list(
            "operator_id", flat=True
        )
    )


def free_operators(centre: Centre) -> list[tuple[int, str]]:
    """(id, name) of the operators on shift at the centre who hold no call now."""
    on = list(
        Shift.objects.filter(centre=centre, ended_at__isnull=True)
        .order_by("started_at", "id")
        .values_list("operator_id", "operator__display_name", "operator__username")
    )
    busy = busy_ids(pk for pk, _d, _u in on)
    return [(pk, display or username) for pk, display, username in on if pk not in busy]


def _waiting(centre: Centre, all_centres: list[Centre], stage: int, since: datetime.datetime) -> list[int]:
    """Ids of the centre's incidents waiting for an answer since `since` or longer, not yet rung at
    `stage`, highest priority first, then the longest waiting."""
    rung = Ring.objects.filter(incident=OuterRef("pk"), stage=stage)
    return list(
        Incident.objects.filter(
            _own_regions(centre, all_centres), state=IncidentState.NEW, opened_at__lte=since
        )
        .filter(~Exists(rung))
        .order_by("-priority", "opened_at", "id")
        .values_list("pk", flat=True)
    )


def route_due(*, now: datetime.datetime | None = None) -> list[Ring]:
    """Ring what is due, every centre, stage 1 then stage 2; the rings made, in the order rung.
    Safe to run concurrently and again: a stage already rung is skipped."""
    now = now or timezone.now()
    all_centres = centres()
    made: list[Ring] = []
    for centre in all_centres:
        since = now - datetime.timedelta(seconds=centre.ring_after_seconds)
        made.extend(
            _ring(_waiting(centre, all_centres, RingStage.CENTRE, since), RingStage.CENTRE, centre, now)
        )
        overflow = centre.overflow
        if overflow is not None and overflow.pk != centre.pk:
            since = now - datetime.timedelta(seconds=centre.overflow_after_seconds)
            waiting = _waiting(centre, all_centres, RingStage.OVERFLOW, since)
            made.extend(_ring(waiting, RingStage.OVERFLOW, overflow, now))
    return made


BATCH = 200  # incidents rung in one transaction (a backlog rings in a few commits, not one each)


def _ring(incident_ids: list[int], stage: int, centre: Centre, now: datetime.datetime) -> list[Ring]:
    """One stage of these incidents (in their order), each with its timeline line and its console
    event; an incident answered meanwhile, or rung by another sweep first, is skipped."""
    made: list[Ring] = []
    if not incident_ids:
        return made
    free = free_operators(centre)
    names = "、".join(name for _pk, name in free) or _("暂无空闲坐席")
    for start in range(0, len(incident_ids), BATCH):
        ids = incident_ids[start : start + BATCH]
        with transaction.atomic():
            found = Incident.objects.filter(pk__in=ids, state=IncidentState.NEW).in_bulk()
            entries = []
            for pk in ids:
                incident = found.get(pk)
                if incident is None:
                    continue
                try:
                    with transaction.atomic():  # a savepoint: a row another sweep made first fails alone
                        ring = Ring.objects.create(
                            incident=incident,
                            region_code=incident.region_code,
                            stage=stage,
                            centre=centre,
                            at=now,
                            operators=[op for op, _name in free],
                        )
                except IntegrityError:
                    continue
                waited = int((now - incident.opened_at).total_seconds())
                entries.append(
                    timeline_entry(
                        incident,
                        TimelineKind.NOTE,
                        _("等待%(s)s秒未接警，振铃%(c)s%(who)s：%(names)s")
                        % {"s": waited, "c": centre.name, "who": RingStage(stage).label, "names": names},
                        now=now,
                        routing_stage=stage,
                        centre=centre.pk,
                        operators=ring.operators,
                    )
                )
                _publish(incident, ring)
                made.append(ring)
            TimelineEntry.objects.bulk_create(entries)
    return made


def ring_event(incident: Incident, ring: Ring) -> dict:
    """What the rung centre's consoles receive: addressed to the centre's regions (the hub gives an
    event to the subscribers whose regions contain its `region_code`), without the person's name
    (everyone of that centre's regions hears it; the ringing panel shows the rest to those rung)."""
    return {
        "type": "ring",
        "id": incident.pk,
        "region_code": ring.centre.region_code,
        "stage": ring.stage,
        "state": incident.state,
        "priority": incident.priority,
        "high": True,
        "opened_at": incident.opened_at.isoformat(),
        "sent": time.time(),
    }


def _publish(incident: Incident, ring: Ring) -> None:
    event = ring_event(incident, ring)

    def send() -> None:
        event["sent"] = time.time()
        hub.publish(event)

    transaction.on_commit(send)


# ------------------------------------------------------------------ reads


def open_shift(user: Actor) -> Shift | None:
    if not signed_in(user):
        return None
    return Shift.objects.filter(operator=user, ended_at__isnull=True).select_related("centre").first()


def ringing(user: Actor, *, shift: Shift | None = None) -> QuerySet[Incident]:
    """The incidents ringing for `user` now: waiting for an answer and rung to the centre where
    they are on shift, while they hold no call; highest priority first, then the longest waiting.
    Nobody else's: an operator not on shift, or of another centre, gets nothing."""
    shift = shift or open_shift(user)
    if shift is None or not signed_in(user) or busy_ids([user.pk]):
        return Incident.objects.none()
    rung = Ring.objects.filter(incident=OuterRef("pk"), centre_id=shift.centre_id)
    return (
        Incident.objects.filter(Exists(rung), state=IncidentState.NEW)
        .order_by("-priority", "opened_at", "id")
        .select_related("person")
    )


def rung_to(user: Actor, incident: Incident) -> bool:
    """Whether `incident` is rung to the centre where `user` is on shift (any stage)."""
    shift = open_shift(user)
    return shift is not None and Ring.objects.filter(incident=incident, centre_id=shift.centre_id).exists()


def handles_by_overflow(user: Actor, incident: Incident) -> bool:
    """An operator of the overflow centre who answered the incident handles it to its close,
    though its region lies outside their scope."""
    return (
        signed_in(user)
        and incident.operator_id == user.pk
        and Ring.objects.filter(incident=incident, stage=RingStage.OVERFLOW).exists()
    )


_last_step = 0.0
STEP_SECONDS = 1.0


def route_step(*, now: datetime.datetime | None = None) -> list[Ring]:
    """The delivery worker's step after each wake-up (a batch delivered, or its poll every few
    seconds): `route_due` at most once a second, so that a waiting call rings within about a second
    of its threshold rather than at the next periodic sweep."""
    global _last_step
    tick = time.monotonic()
    if tick - _last_step < STEP_SECONDS:
        return []
    _last_step = tick
    return route_due(now=now)


def operable_centres(user: Actor) -> QuerySet[Centre]:
    """The centres whose district the user may operate in (where they may sign on)."""
    prefixes = scope.prefixes(user, "alarms.operate")
    if not prefixes:
        return Centre.objects.none()
    q = Q()
    for p in prefixes:
        q |= Q(region_code__startswith=p)
    return Centre.objects.filter(q).select_related("overflow").order_by("region_code")


def supervised_centres(user: Actor) -> QuerySet[Centre]:
    """The centres the user sets (`alarms.supervise` over their district), with who is on shift."""
    prefixes = scope.prefixes(user, "alarms.supervise")
    if not prefixes:
        return Centre.objects.none()
    q = Q()
    for p in prefixes:
        q |= Q(region_code__startswith=p)
    return Centre.objects.filter(q).select_related("overflow").order_by("region_code")


def on_shift_names(centre_ids: Iterable[int]) -> dict[int, list[str]]:
    """Names of the operators on shift now at each centre (one query)."""
    out: dict[int, list[str]] = {}
    rows = (
        Shift.objects.filter(centre_id__in=list(centre_ids), ended_at__isnull=True)
        .order_by("started_at", "id")
        .values_list("centre_id", "operator__display_name", "operator__username")
    )
    for centre_id, display, username in rows:
        out.setdefault(centre_id, []).append(display or username)
    return out
