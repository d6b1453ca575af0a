"""Silence is also an alarm: escalation of unanswered incidents, unconfirmed responders, devices
without heartbeat, people living alone without movement. Run by the periodic tasks; every
function takes `now` so that tests drive it with a fake clock."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms import events
from carecircle.alarms.incidents import for_update, timeline_add
from carecircle.alarms.models import (
    ACTIVITY_KINDS,
    Alarm,
    Device,
    DeviceKind,
    Heartbeat,
    Incident,
    IncidentState,
    Policy,
    Responder,
    ResponderState,
    Source,
    TimelineKind,
)
from carecircle.alarms.policy import policy_for
from carecircle.alarms.services import incident_create, replace_responder
from carecircle.core.models import RoleGrant
from carecircle.core.regions import prefix_of
from carecircle.core.roles import Role, permissions_of
from carecircle.registry import selectors as registry_selectors
from carecircle.registry.models import Person, StatusKind


def escalation_targets(region_code: str, level: int) -> list[str]:
    """Level 1: supervisors (alarms.supervise over the region); level 2: the street's workers on duty."""
    if level == 1:
        roles = [r for r in Role.values if "alarms.supervise" in permissions_of(r)]
    else:
        roles = [Role.STREET_WORKER]
    names = []
    for g in RoleGrant.objects.filter(role__in=roles).select_related("user").order_by("user_id"):
        if region_code.startswith(prefix_of(g.region_id)):
            names.append(g.user.display_name or g.user.username)
    return names


def escalate_due(*, now=None) -> int:
    """Escalate incidents nobody has acknowledged: to a supervisor after `supervisor_after_seconds`,
    to the street on duty after `street_after_seconds`. Returns the number of escalations."""
    now = now or timezone.now()
    count = 0
    for incident_id in Incident.objects.filter(state=IncidentState.NEW, escalation_level__lt=2).values_list(
        "id", flat=True
    ):
        with transaction.atomic():
            incident = for_update(Incident.objects.filter(pk=incident_id, state=IncidentState.NEW)).first()
            if incident is None:
                continue
            policy = policy_for(incident.region_code)
            waited = int((now - incident.opened_at).total_seconds())
            level = (
                2
                if waited >= policy.street_after_seconds
                else 1
                if waited >= policy.supervisor_after_seconds
                else 0
            )
            if level <= incident.escalation_level:
                continue
            for lvl in range(incident.escalation_level + 1, level + 1):
                who = "、".join(escalation_targets(incident.region_code, lvl)) or _("（无人在岗）")
                label = _("值班长") if lvl == 1 else _("街道值班人员")
                timeline_add(
                    incident,
                    TimelineKind.ESCALATED,
                    _("%(s)s秒未接警，升级至%(l)s：%(w)s") % {"s": waited, "l": label, "w": who},
                    now=now,
                    level=lvl,
                    seconds=waited,
                )
                count += 1
            incident.escalation_level, incident.escalated_at = level, now
            incident.save()
            events.incident_changed(incident)
    return count


def replace_unconfirmed(*, now=None) -> int:
    """Responders who did not confirm in time are replaced by the next candidate."""
    now = now or timezone.now()
    count = 0
    late = (
        Responder.objects.filter(state=ResponderState.ASKED, confirm_by__lte=now)
        .exclude(incident__state=IncidentState.RESOLVED)
        .values_list("id", flat=True)
    )
    for responder_id in late:
        with transaction.atomic():
            responder = for_update(
                Responder.objects.select_related("incident").filter(
                    pk=responder_id, state=ResponderState.ASKED
                ),
                of=("self",),
            ).first()
            if responder is None:
                continue
            replace_responder(responder, now)
            events.incident_changed(responder.incident)
            count += 1
    return count


def offline_check(*, now=None) -> int:
    """Open a device-offline incident for each active device silent past its interval × grace."""
    now = now or timezone.now()
    opened = 0
    open_ids = set(
        Incident.objects.filter(source=Source.OFFLINE)
        .exclude(state=IncidentState.RESOLVED)
        .values_list("device_id", flat=True)
    )
    # Set-based first pass: per heartbeat interval (a handful of distinct values) the devices silent
    # for longer than the smallest grace factor of any policy; then each device against its own policy.
    min_factor = min([p.offline_grace_factor for p in Policy.objects.all()] + [Policy().offline_grace_factor])
    silent_q = Q()
    for hb in Device.objects.filter(active=True).values_list("heartbeat_seconds", flat=True).distinct():
        cutoff = now - datetime.timedelta(seconds=hb * min_factor)
        silent_q |= Q(heartbeat_seconds=hb) & (
            Q(last_heartbeat_at__lt=cutoff) | Q(last_heartbeat_at__isnull=True, created_at__lt=cutoff)
        )
    if not silent_q:
        return 0
    devices = (
        Device.objects.filter(active=True)
        .filter(silent_q)
        .select_related("person")
        .defer("person__id_number", "person__phone", "person__address")
        .order_by("id")
    )
    for device in devices.iterator(chunk_size=2000):
        if device.pk in open_ids:
            continue
        policy = policy_for(device.region_code)
        last = device.last_heartbeat_at or device.created_at
        limit = datetime.timedelta(seconds=device.heartbeat_seconds * policy.offline_grace_factor)
        if now - last <= limit:
            continue
        silent = int((now - last).total_seconds())
        try:
            with transaction.atomic():
                incident = incident_create(
                    person=device.person,
                    source=Source.OFFLINE,
                    kind="offline",
                    device=device,
                    now=now,
                    title=_("设备离线：%(d)s（%(p)s）")
                    % {"d": device.get_kind_display(), "p": device.person.name},
                )
                timeline_add(
                    incident,
                    TimelineKind.NOTE,
                    _("%(s)s秒未收到心跳（间隔%(i)s秒）") % {"s": silent, "i": device.heartbeat_seconds},
                    now=now,
                    silent_seconds=silent,
                )
        except IntegrityError:  # another run opened it meanwhile (one open per device)
            continue
        opened += 1
    return opened


def inactivity_check(*, now=None) -> int:
    """During the day, open an inactivity incident for each person living alone with a motion or
    door sensor whose last movement lies more than `inactivity_hours` back."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    day = local.date()
    watched = (
        Device.objects.filter(active=True, kind__in=[DeviceKind.MOTION, DeviceKind.DOOR])
        .values_list("person_id", flat=True)
        .distinct()
    )
    people = Person.objects.filter(pk__in=watched).filter(
        registry_selectors.status_on(StatusKind.LIVING_ALONE, day)
    )
    open_ids = set(
        Incident.objects.filter(source=Source.INACTIVITY)
        .exclude(state=IncidentState.RESOLVED)
        .values_list("person_id", flat=True)
    )
    last_seen = dict(
        Alarm.objects.filter(person__in=people, kind__in=list(ACTIVITY_KINDS))
        .values("person_id")
        .annotate(m=Max("received_at"))
        .values_list("person_id", "m")
    )
    opened = 0
    for person in people.order_by("id"):
        if person.pk in open_ids:
            continue
        policy = policy_for(person.region_code)
        if not policy.day_starts_hour <= local.hour < policy.day_ends_hour:
            continue
        since = (
            last_seen.get(person.pk)
            or Device.objects.filter(person=person).aggregate(m=Max("created_at"))["m"]
        )
        quiet = now - since
        if quiet <= datetime.timedelta(hours=policy.inactivity_hours):
            continue
        hours = quiet.total_seconds() / 3600
        try:
            with transaction.atomic():
                incident = incident_create(
                    person=person,
                    source=Source.INACTIVITY,
                    kind="inactivity",
                    now=now,
                    title=_("独居老人长时间无活动：%(p)s") % {"p": person.name},
                )
                timeline_add(
                    incident, TimelineKind.NOTE, _("已%(h).1f小时未检测到活动") % {"h": hours}, now=now
                )
        except IntegrityError:
            continue
        opened += 1
    return opened


def prune_heartbeats(*, now=None, keep_days: int = 7) -> int:
    now = now or timezone.now()
    deleted, _ = Heartbeat.objects.filter(received_at__lt=now - datetime.timedelta(days=keep_days)).delete()
    return deleted
