"""Delivering stored alarms: from the outbox (alarms whose `delivered_at` is empty) into incidents
and onto the consoles.

The intake only stores; this worker delivers. It is woken right after an alarm commits (in the
same process), polls the outbox every few seconds for alarms stored by other processes or while it
was stopped, and the periodic task `alarms.tasks.deliver_outbox` sweeps it as well. A crash between
storing and delivering therefore loses nothing: the alarm stays in the outbox until delivered.
With a Celery broker, the wake-up goes to a Celery task instead of an in-process thread.
"""

import datetime
import logging
import queue
import threading
from collections import defaultdict
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms import events, routing
from carecircle.alarms.incidents import for_update, incident_build, timeline_add, timeline_entry
from carecircle.alarms.models import (
    ACTIVITY_KINDS,
    Alarm,
    AlarmKind,
    Incident,
    IncidentState,
    Source,
    TimelineEntry,
    TimelineKind,
)
from carecircle.alarms.policy import capability_levels, policy_for, priority_of
from carecircle.core import dbguard, tasks
from carecircle.registry.models import Person


class StoredJob(Protocol):
    """A device event the worker stores (the jobs of carecircle.alarms.asgi)."""

    def answer(self, result: object) -> None: ...

    @classmethod
    def store_many(cls, jobs: list[Any]) -> list[Any]: ...


log = logging.getLogger("carecircle.alarms")
BATCH = 200
POLL_SECONDS = 2.0
INBOX_BATCH = 500  # device events stored in one transaction


def pending():
    return Alarm.objects.filter(delivered_at__isnull=True)


def deliver_pending(*, now=None, limit: int = 10_000) -> int:
    """Deliver waiting alarms in batches, oldest first; returns how many were delivered."""
    done = 0
    while done < limit:
        size = min(BATCH, limit - done)
        n = _deliver_batch(now=now, size=size)
        done += n
        if n < size:  # the outbox is empty (no need to ask again)
            break
    return done


class _Batch:
    """What one delivery transaction has learnt and will write: the open device incident of each
    person of the batch (locked), the incidents touched, timeline rows and alarm updates. Writing
    them per batch instead of per alarm keeps a backlog short: a few queries for 200 alarms."""

    def __init__(self, person_ids, day):
        # Two workers delivering alarms of the same person must not both open an incident: take turns.
        # FOR NO KEY UPDATE (PostgreSQL): does not block the intake's inserts that reference the row.
        list(for_update(Person.objects.filter(pk__in=person_ids)).values_list("pk", flat=True))
        self.open: dict[int, Incident] = {}
        for incident in (
            for_update(Incident.objects.filter(person_id__in=person_ids, source=Source.DEVICE))
            .exclude(state=IncidentState.RESOLVED)
            .order_by("last_alarm_at", "id")
        ):
            self.open[incident.person_id] = incident  # the latest one per person
        # Looked up once for the batch: what a new incident's priority needs (statuses come with the alarms).
        self.levels = capability_levels(person_ids, day)
        self.new: list[Incident] = []  # opened by this batch, inserted together
        self.touched: dict[int, Incident] = {}  # existing incidents that got alarms
        self.raised: set[int] = set()  # … of which the priority went up
        self.entries: list[TimelineEntry] = []
        self.delivered: list[tuple[int, Incident | None]] = []  # each alarm and its incident (None: activity)
        self.published: list[tuple[Incident, Alarm]] = []

    def write(self, now) -> None:
        Incident.objects.bulk_create(self.new)  # sets their ids (PostgreSQL, SQLite ≥ 3.35)
        for pk in self.raised:  # rare: a higher-ranking kind changed priority, kind and title
            self.touched[pk].save(update_fields=["priority", "priority_reasons", "kind", "title"])
        _update_counts(list(self.touched.values()))
        TimelineEntry.objects.bulk_create(self.entries)
        _mark_delivered([(alarm_id, i.pk if i else None) for alarm_id, i in self.delivered], now)
        for incident, alarm in self.published:
            events.incident_changed(incident, alarm=alarm)


def _update_counts(incidents: list[Incident]) -> None:
    """The alarm count and last alarm time of the batch's existing incidents, in one statement."""
    adapt = connection.ops.adapt_datetimefield_value
    _update_rows(
        Incident,
        [i.pk for i in incidents],
        {
            "alarm_count": [i.alarm_count for i in incidents],
            "last_alarm_at": [adapt(i.last_alarm_at) for i in incidents],
        },
    )


def _mark_delivered(delivered: list[tuple[int, int | None]], now) -> None:
    """Every alarm of the batch delivered, with its incident, in one statement (the alarms are
    locked by the delivery transaction)."""
    Alarm.objects.filter(pk__in=[a for a, i in delivered if i is None]).update(
        delivered_at=now, incident_id=None, delivery_attempts=F("delivery_attempts") + 1
    )
    pairs = [(a, i) for a, i in delivered if i is not None]
    _update_rows(
        Alarm,
        [a for a, _i in pairs],
        {"incident_id": [i for _a, i in pairs]},
        also="delivered_at = %s, delivery_attempts = delivery_attempts + 1",
        also_params=[connection.ops.adapt_datetimefield_value(now)],
    )


def _update_rows(model, ids: list[int], values: dict[str, list], also: str = "", also_params=()) -> None:
    """UPDATE many rows of `model`, each column set to its own value per row (`values[column][k]`
    for `ids[k]`), plus `also` for all of them: one statement. Not `bulk_update`: Django builds
    its CASE expressions in Python, at a cost above that of the statements it saves."""
    if not ids:
        return
    qn = connection.ops.quote_name
    when = " ".join(["WHEN %s THEN %s"] * len(ids))
    sets = [f"{qn(column)} = CASE id {when} END" for column in values] + ([also] if also else [])
    params = [x for column in values for pair in zip(ids, values[column], strict=True) for x in pair]
    sql = f"UPDATE {qn(model._meta.db_table)} SET {', '.join(sets)} WHERE id IN ({', '.join(['%s'] * len(ids))})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *also_params, *ids])


def _deliver_batch(*, now, size: int) -> int:
    now = now or timezone.now()
    with transaction.atomic():
        qs = (
            pending()
            .order_by("id")
            .select_related("person", "device")
            .prefetch_related("person__statuses")
            .defer("person__id_number", "person__phone", "person__address")
        )  # no decryption needed
        if connection.features.has_select_for_update_skip_locked:
            qs = for_update(qs, skip_locked=True, of=("self",))
        alarms = list(qs[:size])
        if not alarms:
            return 0
        batch = _Batch({a.person_id for a in alarms}, timezone.localdate(now))
        for alarm in alarms:
            if alarm.kind in ACTIVITY_KINDS:
                _activity_seen(alarm, now)
                batch.delivered.append((alarm.pk, None))
            else:
                incident = _group(alarm, now, batch)
                batch.delivered.append((alarm.pk, incident))
                batch.published.append((incident, alarm))
        batch.write(now)
    return len(alarms)


def _group(alarm: Alarm, now, batch: _Batch) -> Incident:
    """Put one alarm into the person's open incident within the window, or open a new one."""
    policy = policy_for(alarm.region_code)
    since = alarm.received_at - datetime.timedelta(seconds=policy.group_window_seconds)
    incident = batch.open.get(alarm.person_id)
    if incident is not None and (incident.last_alarm_at or incident.opened_at) < since:
        incident = None
    label = AlarmKind(alarm.kind).label
    where = f"（{alarm.device.location}）" if alarm.device.location else ""
    if incident is None:
        # The call waits from the moment the alarm was received, however late the delivery.
        incident, opened = incident_build(
            person=alarm.person,
            source=Source.DEVICE,
            kind=alarm.kind,
            title=f"{label}{where}：{alarm.person.name}",
            now=alarm.received_at,
            device=alarm.device,
            levels=batch.levels,
        )
        batch.open[alarm.person_id] = incident
        batch.new.append(incident)
        batch.entries.append(opened)
    elif alarm.kind != incident.kind:  # the same kind again cannot raise the priority
        priority, reasons = priority_of(
            alarm.kind, alarm.person, policy, timezone.localdate(now), batch.levels
        )
        if priority > incident.priority:
            incident.priority, incident.priority_reasons, incident.kind = priority, reasons, alarm.kind
            incident.title = f"{label}{where}：{alarm.person.name}"[:200]
            batch.entries.append(
                timeline_entry(
                    incident, TimelineKind.PRIORITY, _("优先级升至%(p)s") % {"p": priority}, now=now
                )
            )
            if incident.pk is not None:
                batch.raised.add(incident.pk)
    incident.alarm_count += 1
    incident.last_alarm_at = max(filter(None, [incident.last_alarm_at, alarm.received_at]))
    if incident.pk is not None:
        batch.touched[incident.pk] = incident
    batch.entries.append(
        timeline_entry(
            incident,
            TimelineKind.ALARM,
            f"{label}{where} · {alarm.device.serial}",
            now=alarm.received_at,
            alarm=alarm.pk,
            event_id=alarm.event_id,
            device_time=alarm.device_time.isoformat(),
        )
    )
    return incident


def _activity_seen(alarm: Alarm, now) -> None:
    """Movement ends an open inactivity watch for the person (noted on its timeline)."""
    for incident in Incident.objects.filter(person_id=alarm.person_id, source=Source.INACTIVITY).exclude(
        state=IncidentState.RESOLVED
    ):
        timeline_add(
            incident, TimelineKind.NOTE, _("检测到活动：%(k)s") % {"k": AlarmKind(alarm.kind).label}, now=now
        )
        events.incident_changed(incident)


# ------------------------------------------------------------------ the worker


class DeliveryWorker(threading.Thread):
    """The process's alarm writer: stores the device events handed over by the intake
    (`carecircle.alarms.asgi`) in batches, then delivers the outbox. One thread writing keeps the
    intake's inserts and the deliveries from waiting on each other's locks, and a batch of events
    costs one commit (one fsync on PostgreSQL) instead of one each."""

    def __init__(self, poll_seconds: float = POLL_SECONDS):
        super().__init__(name="alarms-delivery", daemon=True)
        self.poll_seconds = poll_seconds
        self.wake = threading.Event()
        self.stopped = threading.Event()
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()

    def submit(self, job) -> bool:
        """Queue a job: the waiting jobs of one class are stored together, `type(job).store_many(jobs)`
        in this thread's transaction, then each gets `answer(result)` after the commit, or
        `answer(None)` if nothing was stored. False when the worker is stopping."""
        if self.stopped.is_set():
            return False
        self.inbox.put(job)
        self.wake.set()
        return True

    def run(self):
        # The thread keeps its database connection between wake-ups (a new one per alarm would add
        # latency); it is replaced after an error.
        while not self.stopped.is_set():
            self.wake.clear()
            try:
                with dbguard.deadline():  # a cut network fails the batch instead of hanging the worker
                    self._store_inbox()
                    deliver_pending()
                    routing.route_step()  # ring the calls that have waited too long (issue 18)
            except Exception:  # noqa: BLE001 - the alarms stay in the outbox; retry on the next wake
                log.exception("alarm delivery failed; will retry")
                connection.close()
                self.stopped.wait(0.5)
            if self.inbox.empty():
                self.wake.wait(self.poll_seconds)
        self._refuse_inbox()
        connection.close()

    def _store_inbox(self) -> None:
        jobs: list[StoredJob] = []
        while len(jobs) < INBOX_BATCH:
            try:
                jobs.append(self.inbox.get_nowait())
            except queue.Empty:
                break
        if not jobs:
            return
        kinds: dict[type[StoredJob], list[StoredJob]] = defaultdict(list)
        for job in jobs:
            kinds[type(job)].append(job)
        try:
            with transaction.atomic():
                results: dict[int, object] = {}
                for kind, same in kinds.items():
                    results.update(zip(map(id, same), kind.store_many(same), strict=True))
        except BaseException:
            for job in jobs:  # nothing of the batch was committed: the callers take another way
                job.answer(None)
            raise
        for job in jobs:
            job.answer(results[id(job)])

    def _refuse_inbox(self) -> None:
        while True:
            try:
                self.inbox.get_nowait().answer(None)
            except queue.Empty:
                return

    def stop(self, timeout: float = 5.0):
        self.stopped.set()
        self.wake.set()
        self.join(timeout)
        self._refuse_inbox()


_lock = threading.Lock()
_worker: DeliveryWorker | None = None
_held = False  # stop_worker() holds it stopped until start_worker()


def start_worker(poll_seconds: float = POLL_SECONDS) -> DeliveryWorker:
    global _worker, _held
    with _lock:
        _held = False
        if _worker is None or not _worker.is_alive():
            _worker = DeliveryWorker(poll_seconds)
            _worker.start()
        return _worker


def stop_worker() -> None:
    global _worker, _held
    with _lock:
        _held = True
        worker, _worker = _worker, None
    if worker is not None:
        worker.stop()


def release() -> None:
    """Let `notify` start a worker again after `stop_worker` (without starting one now)."""
    global _held
    with _lock:
        _held = False


def worker_running() -> bool:
    return _worker is not None and _worker.is_alive()


def notify() -> None:
    """An alarm was stored: deliver it now (Celery task with a broker, else this process's worker)."""
    if tasks.broker_configured():
        deliver_outbox_now.celery_task.apply_async()
        return
    if _held:
        return
    _running_worker().wake.set()


@tasks.task(name="alarms.deliver_outbox_now")
def deliver_outbox_now():
    """The wake-up with a Celery broker (declared here, beside the worker it stands in for;
    alarms.tasks imports this module, so the task is registered with the others)."""
    deliver_pending()


def submit(job) -> bool:
    """Hand a device event to this process's worker to store (see `DeliveryWorker.submit`).
    False while the worker is held stopped: the caller stores it another way."""
    return not _held and _running_worker().submit(job)


def _running_worker() -> DeliveryWorker:
    worker = _worker
    return worker if worker is not None and worker.is_alive() else start_worker()
