"""The synthetic city's call platform: devices for a share of the older people living alone, their
heartbeats, four weeks of resolved incidents with realistic timelines, and a few open ones."""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from carecircle.alarms import delivery, demo_care, demo_outreach, demo_routing, demo_telephony, services
from carecircle.alarms.models import (
    Alarm,
    AlarmKind,
    CallTarget,
    Device,
    DeviceKind,
    Heartbeat,
    Incident,
    IncidentState,
    Outcome,
    Source,
    TimelineEntry,
    TimelineKind,
)
from carecircle.alarms.policy import DEFAULT_KIND_PRIORITY, DEFAULT_PERSON_BONUS
from carecircle.core.demo import City, Progress
from carecircle.core.models import User
from carecircle.registry import selectors as registry_selectors
from carecircle.registry.models import FamilyContact, Person, StatusKind

ORDER = 60
EQUIPPED_SHARE = 0.6  # of older people living alone (Hangzhou/Jiaxing: devices for those living alone)
# Beyond the SOS pendant every equipped home has: (kind, share of homes, heartbeat seconds, location)
EXTRA_DEVICES = [
    (DeviceKind.FALL, 0.5, 3600, "卫生间"),
    (DeviceKind.SMOKE, 0.4, 21600, "厨房"),
    (DeviceKind.GAS, 0.25, 21600, "厨房"),
    (DeviceKind.MOTION, 0.35, 3600, "客厅"),
    (DeviceKind.DOOR, 0.15, 3600, "入户门"),
    (DeviceKind.WATER, 0.1, 21600, "卫生间"),
    (DeviceKind.BED, 0.05, 1800, "卧室"),
    (DeviceKind.WEARABLE, 0.08, 900, "随身"),
]
INCIDENTS_PER_DEVICE_PER_WEEK = 0.06
OUTCOMES = [
    (Outcome.FALSE_ALARM, 0.55),
    (Outcome.NEEDED_HELP, 0.25),
    (Outcome.EMERGENCY, 0.12),
    (Outcome.DEVICE_FAULT, 0.08),
]
ALARM_OF_DEVICE = {
    "sos": "sos",
    "fall": "fall",
    "smoke": "smoke",
    "gas": "gas",
    "water": "water",
    "bed": "bed_exit",
    "wearable": "heart_rate",
}
BATCH = 2000


def generate(city: City) -> None:
    rng = city.rng_for("alarms")
    delivery.stop_worker()  # this step delivers its own alarms
    try:
        devices = _devices(city, rng)
        if not devices:
            city.say("  没有独居老人，跳过")
            return
        _history(city, rng, devices)
        _open_incidents(city, rng, devices)
        demo_outreach.generate(city)  # proactive wellbeing calls (issue 18)
        demo_care.generate(city, devices)  # device tests and call quality audit (issue 18)
        demo_telephony.generate(city)  # the telephone system's calls and a caller screen-pop (issue 18)
        demo_routing.generate(city)  # centres, operators on shift, waiting calls ringing (issue 18)
    finally:
        delivery.release()


def _devices(city, rng) -> list[Device]:
    today = city.today
    alone = list(
        Person.objects.filter(registry_selectors.status_on(StatusKind.LIVING_ALONE, today))
        .filter(registry_selectors.active_on(today), registry_selectors.birth_date_bounds("elder", today))
        .values_list("id", "region_code", "latitude", "longitude")
        .order_by("id")
    )
    chosen = [p for p in alone if rng.random() < EQUIPPED_SHARE]
    now = timezone.now()
    rows = []
    for pid, region, lat, lng in chosen:
        kinds = [(DeviceKind.SOS, 3600, "随身")] + [
            (k, hb, loc) for k, share, hb, loc in EXTRA_DEVICES if rng.random() < share
        ]
        for kind, hb, loc in kinds:
            serial = f"{kind.upper()}-{pid:07d}"
            silent = rng.random() < 0.01  # a few devices gone quiet: offline incidents once serving
            last = now - datetime.timedelta(
                seconds=hb * (rng.uniform(3, 8) if silent else rng.uniform(0, 0.9))
            )
            rows.append(
                Device(
                    person_id=pid,
                    region_code=region,
                    kind=kind,
                    serial=serial,
                    token_hash=hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest(),
                    heartbeat_seconds=hb,
                    location=loc,
                    latitude=lat,
                    longitude=lng,
                    last_heartbeat_at=last,
                    battery=rng.randrange(20, 101),
                )
            )
    progress = Progress(city, "报警设备", len(rows))
    created = []
    for i in range(0, len(rows), BATCH):
        created.extend(Device.objects.bulk_create(rows[i : i + BATCH]))
        progress.add(len(rows[i : i + BATCH]))
    beats = []
    for d in created:
        assert d.last_heartbeat_at is not None  # every demo device has its last heartbeat (above)
        for k in range(3):
            at = d.last_heartbeat_at - datetime.timedelta(seconds=d.heartbeat_seconds * k)
            beats.append(
                Heartbeat(
                    device=d,
                    region_code=d.region_code,
                    beat_id=f"hb-{int(at.timestamp())}",
                    device_time=at,
                    received_at=at,
                    battery=d.battery,
                )
            )
    for i in range(0, len(beats), BATCH * 3):
        Heartbeat.objects.bulk_create(beats[i : i + BATCH * 3])
    # One demo device whose token is known, to try the intake API by hand.
    if created:
        token = secrets.token_urlsafe(32)
        Device.objects.filter(pk=created[0].pk).update(token_hash=services.token_hash(token))
        city.facts["alarms_demo_device_token"] = token
        city.say(
            f"  设备 {len(created):,} 台（{len(chosen):,} 位独居老人）；试用令牌（{created[0].serial}）：{token}"
        )
    city.facts["alarm_devices"] = len(created)
    return created


def _pick(rng, weighted):
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def _history(city, rng, devices) -> None:
    """Resolved incidents of the past four weeks, each with alarm, steps and timeline (set-based)."""
    operators = list(User.objects.filter(grants__role="operator").distinct()[:5])
    op = operators[0] if operators else None
    ages = dict(Person.objects.filter(pk__in={d.person_id for d in devices}).values_list("id", "birth_date"))
    names = dict(Person.objects.filter(pk__in={d.person_id for d in devices}).values_list("id", "name"))
    alarming = [d for d in devices if d.kind in ALARM_OF_DEVICE]
    count = round(len(alarming) * INCIDENTS_PER_DEVICE_PER_WEEK * 4)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(city.today - datetime.timedelta(days=28), datetime.time(), tz)
    plans = []
    for _ in range(count):
        d = rng.choice(alarming)
        kind = ALARM_OF_DEVICE[d.kind]
        day = start + datetime.timedelta(days=rng.randrange(28))
        hour = rng.choices(
            range(24), [1, 1, 1, 1, 1, 2, 4, 6, 6, 5, 5, 5, 4, 4, 4, 5, 5, 5, 6, 6, 4, 3, 2, 1]
        )[0]
        opened = day + datetime.timedelta(hours=hour, seconds=rng.randrange(3600))
        outcome = _pick(rng, OUTCOMES) if kind != "smoke" else Outcome.FALSE_ALARM
        answer = min(400.0, rng.lognormvariate(2.9, 0.6))  # median ≈ 18 s, a long tail past 60 s
        age = (city.today - ages[d.person_id]).days // 365
        priority = min(
            100,
            DEFAULT_KIND_PRIORITY.get(kind, 50)
            + DEFAULT_PERSON_BONUS["living_alone"]
            + (DEFAULT_PERSON_BONUS["age80"] if age >= 80 else 0),
        )
        plans.append((d, kind, opened, outcome, answer, priority))
    plans.sort(key=lambda p: p[2])
    progress = Progress(city, "历史警情", len(plans))
    for i in range(0, len(plans), BATCH):
        chunk = plans[i : i + BATCH]
        with transaction.atomic():
            _history_chunk(rng, chunk, names, op)
        progress.add(len(chunk))
    city.facts["alarm_incidents"] = len(plans)


def _history_chunk(rng, chunk, names, op) -> None:
    s = datetime.timedelta(seconds=1)
    incidents = []
    for d, kind, opened, outcome, answer, priority in chunk:
        ack = opened + answer * s
        prog = ack + rng.uniform(20, 90) * s
        i = Incident(
            person_id=d.person_id,
            region_code=d.region_code,
            source=Source.DEVICE,
            kind=kind,
            title=f"{AlarmKind(kind).label}（{d.location}）：{names[d.person_id]}",
            priority=priority,
            state=IncidentState.RESOLVED,
            device=d,
            opened_at=opened,
            last_alarm_at=opened,
            alarm_count=1,
            acknowledged_at=ack,
            in_progress_at=prog,
            outcome=outcome,
            operator=op,
        )
        if outcome in (Outcome.EMERGENCY, Outcome.NEEDED_HELP):
            i.dispatched_at = prog + rng.uniform(60, 300) * s
            i.on_site_at = i.dispatched_at + rng.uniform(6, 25) * 60 * s
            i.resolved_at = i.on_site_at + rng.uniform(10, 60) * 60 * s
        else:
            i.resolved_at = prog + rng.uniform(60, 600) * s
        incidents.append(i)
    incidents = Incident.objects.bulk_create(incidents)
    alarms, entries = [], []
    op_name = (op.display_name or op.username) if op else ""
    for i in incidents:
        alarms.append(
            Alarm(
                device=i.device,
                person_id=i.person_id,
                region_code=i.region_code,
                event_id=f"demo-{int(i.opened_at.timestamp())}-{i.device_id}",
                kind=i.kind,
                device_time=i.opened_at - s,
                received_at=i.opened_at,
                delivered_at=i.opened_at,
                delivery_attempts=1,
                incident=i,
            )
        )
        reached = rng.random() < 0.7
        call = {"target": CallTarget.PERSON.value, "outcome": "reached" if reached else "no_answer"}
        steps = [
            (i.opened_at, TimelineKind.ALARM, i.title, ""),
            (i.opened_at, TimelineKind.OPENED, i.title, ""),
            (i.acknowledged_at, TimelineKind.STATE, "已接警", op_name),
            (
                i.in_progress_at,
                TimelineKind.CALL,
                "本人 · " + ("已接通" if reached else "无人接听"),
                op_name,
            ),
        ]
        if i.dispatched_at:
            steps += [
                (i.dispatched_at, TimelineKind.RESPONDER, "派出社区工作人员", op_name),
                (i.on_site_at, TimelineKind.STATE, "已到场", op_name),
            ]
        steps.append((i.resolved_at, TimelineKind.NOTE, str(Outcome(i.outcome).label), op_name))
        entries += [
            TimelineEntry(
                incident=i,
                region_code=i.region_code,
                at=at,
                kind=k,
                text=text,
                actor=op if who else None,
                actor_name=who or "系统",
                detail=call if k == TimelineKind.CALL else {},  # the first contact (selectors.incident_times)
            )
            for at, k, text, who in steps
            if at is not None
        ]
    Alarm.objects.bulk_create(alarms, ignore_conflicts=True)
    TimelineEntry.objects.bulk_create(entries)


def _open_incidents(city, rng, devices) -> None:
    """A couple of open incidents: a fall a few minutes ago, a pendant press being handled."""
    now = timezone.now()
    falls = [d for d in devices if d.kind == DeviceKind.FALL] or devices
    sos = [d for d in devices if d.kind == DeviceKind.SOS]
    fall = rng.choice(falls)
    services.alarm_receive(
        device=fall,
        event_id=f"demo-open-{fall.pk}",
        kind=fall.kind if fall.kind in ALARM_OF_DEVICE else "sos",
        device_time=now - datetime.timedelta(seconds=200),
        now=now - datetime.timedelta(seconds=195),
    )
    # The incident being handled is one whose person has an emergency contact with a phone, so that
    # its handler (the first operator) sees the whole card in clear on the console (issue 18).
    reachable = set(
        FamilyContact.objects.filter(person_id__in=[d.person_id for d in sos], is_emergency=True)
        .exclude(phone_masked="")
        .values_list("person_id", flat=True)
    )
    press = rng.choice([d for d in sos if d.person_id in reachable] or sos)
    services.alarm_receive(
        device=press,
        event_id=f"demo-open-{press.pk}",
        kind="sos",
        device_time=now - datetime.timedelta(minutes=9),
        now=now - datetime.timedelta(minutes=9),
    )
    delivery.deliver_pending(now=now - datetime.timedelta(seconds=190))
    handled = Incident.objects.filter(device=press).exclude(state=IncidentState.RESOLVED).first()
    op = User.objects.filter(grants__role="operator").first()
    if handled and op:
        at = now - datetime.timedelta(minutes=8, seconds=30)
        services.incident_acknowledge(actor=op, incident_id=handled.pk, now=at)
        services.incident_call(
            actor=op,
            incident_id=handled.pk,
            target="person",
            outcome="reached",
            note="老人说胸闷，已联系家属",
            now=at + datetime.timedelta(seconds=40),
        )
    open_count = Incident.objects.exclude(state=IncidentState.RESOLVED).count()
    city.say(f"  历史警情 {city.facts.get('alarm_incidents', 0):,} 起，进行中 {open_count} 起")
