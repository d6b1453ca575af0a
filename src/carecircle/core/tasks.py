"""The task layer: background and periodic work, declared once, run two ways.

- With CELERY_BROKER_URL set, `enqueue` sends the task to Celery workers (`carecircle worker`)
  after the surrounding transaction commits, and periodic tasks go into Celery beat's schedule.
- Without a broker (the embedded default) tasks run in a thread pool of the web process, and
  the periodic tasks run from a scheduler thread started by `carecircle serve`/`demo`.

A periodic task's due slot is one TaskRun row (unique name + slot). The row is a lease until the
work committed: a run claims it (owner, lease_until), renews the lease while it works, and marks it
done only after the work returned. A run that finds a slot held by a live owner does nothing; a slot
whose owner died (its lease ran out, or its process on this machine is gone) is taken over by the
next run of that slot: a redelivered Celery message, the restarted scheduler, or the sweep. A run
that failed is retried with back-off; a slot missed entirely (the machine was off) is caught up by
the sweep on start. See docs/operations.md, "Periodic work and jobs".
"""

import inspect
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ParamSpec, Protocol, TypeVar, cast, overload

from celery import Celery
from celery.schedules import BaseSchedule, crontab, schedule
from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import F, Max
from django.utils import timezone

from carecircle.core import leases, taskroutes
from carecircle.core.models import TaskRun
from carecircle.core.taskslots import DEFAULT_LEASE, Periodic, due_for, missed_slots, slot_key
from carecircle.core.taskslots import slot_for as slot_for  # re-exported: part of this module's interface

log = logging.getLogger("carecircle.tasks")

SWEEP_EVERY = timedelta(seconds=30)
KEEP_RUNS = timedelta(days=30)

celery_app = Celery("carecircle")
celery_app.conf.update(
    broker_url=settings.CELERY_BROKER_URL or "memory://",
    result_backend=settings.CELERY_RESULT_BACKEND,
    task_serializer="json",
    accept_content=["json"],
    timezone=settings.TIME_ZONE,
    task_acks_late=True,  # acknowledged after the task returned: a task whose worker dies is delivered again
    task_reject_on_worker_lost=True,  # ... also when its pool process is killed (requeued, not acked)
    worker_prefetch_multiplier=1,  # a worker holds no more messages than it runs
    broker_connection_retry_on_startup=True,
)

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Task(Protocol[P, R_co]):
    """A function declared with `@task` or `@periodic`: called as before, and carrying its task
    name, its Celery task (`celery_task.apply_async(...)`) and how it names its region."""

    __name__: str
    __module__: str
    task_name: str
    celery_task: Any  # celery is untyped (pyproject: ignore_missing_imports)
    region_of: Callable[..., str] | None

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...


def _celery_task(name: str, **options: Any) -> Callable[[Callable[..., object]], Any]:
    """Celery's task decorator; celery is untyped, so the task object it makes is `Any`."""
    decorator: Callable[[Callable[..., object]], Any] = celery_app.task(name=name, **options)
    return decorator


_registry: dict[str, Callable[..., object]] = {}
_periodic: dict[str, Periodic] = {}
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_last_prune: datetime | None = None


def broker_configured() -> bool:
    return bool(settings.CELERY_BROKER_URL)


@overload
def task(
    func: Callable[P, R], *, name: str | None = None, region: Callable[..., str] | None = None
) -> Task[P, R]: ...


@overload
def task(
    func: None = None, *, name: str | None = None, region: Callable[..., str] | None = None
) -> Callable[[Callable[P, R]], Task[P, R]]: ...


def task(
    func: Callable[P, R] | None = None, *, name: str | None = None, region: Callable[..., str] | None = None
) -> Task[P, R] | Callable[[Callable[P, R]], Task[P, R]]:
    """Declare a background task. Arguments must be JSON-serialisable (ids, not objects).
    `region(**kwargs)` names the region a call belongs to (an import job's district), which picks
    its Celery queue (core/taskroutes.py); a task with a `region_code` argument needs none."""

    def wrap(func: Callable[P, R]) -> Task[P, R]:
        f = cast("Task[P, R]", func)  # the attributes below are set on the function itself
        task_name = name or f"{f.__module__}.{f.__name__}"
        _registry[task_name] = f
        f.region_of = region
        f.celery_task = _celery_task(task_name, bind=False)(_in_worker(f))
        f.task_name = task_name
        return f

    return wrap(func) if func else wrap


def periodic(
    every: timedelta | crontab,
    *,
    name: str | None = None,
    lease: timedelta | None = None,
    retries: int = 6,
    catch_up: int | None = None,
) -> Callable[[Callable[P, R]], Task[P, R]]:
    """Declare a periodic task; `every` is a timedelta or a Celery crontab. `lease` is the longest
    a run may go without renewing its claim; `catch_up` how many missed slots are run after the
    machine was off (default: one for daily-or-rarer and hourly tasks, none for frequent sweeps).
    A function with a `due` parameter gets the slot's due time (work that belongs to its slot)."""

    def wrap(func: Callable[P, R]) -> Task[P, R]:
        f = task(func, name=name)
        sched = every if isinstance(every, BaseSchedule) else schedule(every)
        frequent = not isinstance(sched, crontab) and sched.run_every < timedelta(hours=1)
        _periodic[f.task_name] = Periodic(
            f.task_name,
            f,
            sched,
            lease=lease or DEFAULT_LEASE,
            retries=retries,
            catch_up=(0 if frequent else 1) if catch_up is None else catch_up,
            per_slot="due" in inspect.signature(f).parameters,
        )
        return f

    return wrap


def _in_worker(f: Callable[P, R]) -> Callable[P, R]:
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        close_old_connections()
        try:
            return f(*args, **kwargs)
        finally:
            close_old_connections()

    run.__name__ = f.__name__
    return run


def enqueue(f: Task[..., object], /, **kwargs: Any) -> None:
    """Run `f(**kwargs)` in the background once the current transaction has committed."""
    transaction.on_commit(lambda: _dispatch(f, kwargs))


def queue_for(f: Task[..., object], kwargs: dict[str, Any]) -> str:
    """The Celery queue of a call: its region's queue (CARECIRCLE_REGION_QUEUES), or the default."""
    routes = settings.CARECIRCLE_REGION_QUEUES
    if not routes:
        return taskroutes.DEFAULT_QUEUE
    region_of = getattr(f, "region_of", None)
    region = region_of(**kwargs) if region_of else kwargs.get("region_code")
    return taskroutes.queue_for(routes, region)


def _dispatch(f: Task[..., object], kwargs: dict[str, Any]) -> None:
    if broker_configured():
        f.celery_task.apply_async(kwargs=kwargs, queue=queue_for(f, kwargs))
    elif getattr(settings, "CARECIRCLE_TASKS_INLINE", False):
        f(**kwargs)
    else:
        _thread_pool().submit(_run_logged, f, kwargs)


def _thread_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="carecircle-task")
        return _pool


def _run_logged(f: Callable[..., object], kwargs: dict[str, Any]) -> None:
    close_old_connections()
    try:
        f(**kwargs)
    except Exception:
        log.exception("task %s failed", getattr(f, "task_name", f))
    finally:
        close_old_connections()


def periodic_tasks() -> dict[str, Periodic]:
    return dict(_periodic)


# ---------------------------------------------------------------- claiming and running a slot


def TaskRunModel() -> type[TaskRun]:  # noqa: N802 - imported late: this module loads before the apps are ready

    return TaskRun


def retry_delay(attempt: int) -> timedelta:
    """Back-off after the `attempt`-th failure: 30 s, 1, 2, 4, 8, 16, then 30 minutes."""
    return timedelta(seconds=min(30 * 2 ** max(0, attempt - 1), 1800))


def _claim(p: Periodic, due: datetime, now: datetime) -> TaskRun | None:
    """The slot's row, claimed for this process, or None when it is done or someone else holds it."""
    TaskRun = TaskRunModel()  # noqa: N806
    slot, owner = slot_key(p, due), leases.owner_token()
    try:
        with transaction.atomic():
            return TaskRun.objects.create(
                name=p.name, slot=slot, due_at=due, owner=owner, lease_until=now + p.lease, attempts=1
            )
    except IntegrityError:
        pass
    row = TaskRun.objects.filter(name=p.name, slot=slot).first()
    if row is None or row.state in (TaskRun.State.DONE, TaskRun.State.FAILED, TaskRun.State.SUPERSEDED):
        return None
    if row.state == TaskRun.State.RUNNING and not leases.abandoned(row.owner, row.lease_until, now):
        return None  # a live holder: it finishes the slot (or dies, and then the slot is taken over)
    if row.state == TaskRun.State.RETRY and row.retry_at and row.retry_at > now:
        return None  # failed a moment ago: the retry is due later
    taken = TaskRun.objects.filter(pk=row.pk, state=row.state, owner=row.owner, attempts=row.attempts).update(
        state=TaskRun.State.RUNNING,
        owner=owner,
        lease_until=now + p.lease,
        attempts=F("attempts") + 1,
        retry_at=None,
        due_at=row.due_at or due,
    )
    if not taken:
        return None  # another scheduler took it over first
    if row.state == TaskRun.State.RUNNING:
        log.warning(
            "periodic task %s slot %s: taking over from %s", p.name, slot, row.owner or "an earlier run"
        )
    row.refresh_from_db()
    return row


def run_periodic(name: str, now: datetime | None = None, *, due: datetime | None = None) -> bool:
    """Run periodic task `name` for the slot of `now` (or the slot due at `due`) unless that slot
    is done or held by a live run. Returns whether it ran. The in-process scheduler, Celery beat's
    messages and the sweep all come through here."""
    TaskRun = TaskRunModel()  # noqa: N806
    p = _periodic[name]
    now = now or timezone.now()
    due = due or due_for(p, now)
    run = _claim(p, due, now)
    if run is None:
        return False
    owner = run.owner

    def renew() -> bool:
        return bool(
            TaskRun.objects.filter(pk=run.pk, owner=owner, state=TaskRun.State.RUNNING).update(
                lease_until=timezone.now() + p.lease
            )
        )

    every = min(p.lease.total_seconds() / 5, 60.0)
    try:
        with leases.Renewer(renew, every, f"{name}@{run.slot}"):
            p.call(due)
    except Exception as exc:
        attempt = run.attempts
        gave_up = attempt > p.retries
        TaskRun.objects.filter(pk=run.pk, owner=owner).update(
            state=TaskRun.State.FAILED if gave_up else TaskRun.State.RETRY,
            retry_at=None if gave_up else timezone.now() + retry_delay(attempt),
            lease_until=None,
            error=repr(exc)[:2000],
            finished_at=timezone.now() if gave_up else None,
        )
        if gave_up:
            log.error("periodic task %s slot %s failed %d times: given up", name, run.slot, attempt)
        raise
    TaskRun.objects.filter(pk=run.pk).update(
        state=TaskRun.State.DONE, finished_at=timezone.now(), lease_until=None, error=""
    )
    return True


# ---------------------------------------------------------------- the sweep: take-over, retry, catch-up


@dataclass
class SweepResult:
    recovered: list[tuple[str, datetime]]
    superseded: int
    caught_up: list[tuple[str, datetime]]


def sweep(
    now: datetime | None = None,
    *,
    only: set[str] | None = None,
    run: Callable[[str, datetime], object] | None = None,
) -> SweepResult:
    """Find the slots that need a run: abandoned (their holder died), failed and due for a retry,
    or missed entirely (no row although their time has passed: the machine was off, a message was
    lost). `run(name, due)` runs or dispatches one; by default it runs it here."""
    TaskRun = TaskRunModel()  # noqa: N806
    now = now or timezone.now()
    run = run or (lambda name, due: _run_quietly(name, due, now))
    names = [n for n in _periodic if only is None or n in only]
    result = SweepResult([], 0, [])
    open_rows = TaskRun.objects.filter(name__in=names, state__in=[TaskRun.State.RUNNING, TaskRun.State.RETRY])
    for row in open_rows.order_by("due_at", "pk"):
        p = _periodic[row.name]
        if row.state == TaskRun.State.RUNNING and not leases.abandoned(row.owner, row.lease_until, now):
            continue
        if (
            not p.per_slot
            and TaskRun.objects.filter(
                name=row.name, state=TaskRun.State.DONE, due_at__gt=row.due_at or now
            ).exists()
        ):
            # A sweep-like task: a later run that succeeded did this slot's work as well.
            result.superseded += TaskRun.objects.filter(pk=row.pk, state=row.state, owner=row.owner).update(
                state=TaskRun.State.SUPERSEDED, lease_until=None, finished_at=now
            )
            continue
        if row.state == TaskRun.State.RETRY and row.retry_at and row.retry_at > now:
            continue
        due = row.due_at or due_for(p, now)
        result.recovered.append((row.name, due))
        run(row.name, due)
    latest = dict(TaskRun.objects.filter(name__in=names).values_list("name").annotate(m=Max("due_at")))
    for name in names:
        if latest.get(name) is None:
            continue  # never ran here: nothing was missed (a new installation starts at the next slot)
        for due in reversed(missed_slots(_periodic[name], now, latest[name])):
            result.caught_up.append((name, due))
            run(name, due)
    _prune(now, names)
    return result


def _run_quietly(name: str, due: datetime, now: datetime) -> bool | None:
    try:
        return run_periodic(name, now, due=due)
    except Exception:
        log.exception("periodic task %s (slot due %s) failed", name, due)
        return None


def _prune(now: datetime, names: list[str]) -> None:
    """Forget finished runs older than KEEP_RUNS, once an hour; a task's latest row always stays
    (it tells the sweep what was missed), and so do the rows of per-slot work (a payroll's months)."""
    global _last_prune
    if _last_prune is not None and now - _last_prune < timedelta(hours=1):
        return
    _last_prune = now
    TaskRun = TaskRunModel()  # noqa: N806
    for name in names:
        if _periodic[name].per_slot:
            continue
        newest = TaskRun.objects.filter(name=name).aggregate(m=Max("due_at"))["m"]
        if newest is None:
            continue
        TaskRun.objects.filter(
            name=name,
            due_at__lt=min(newest, now - KEEP_RUNS),
            state__in=[TaskRun.State.DONE, TaskRun.State.SUPERSEDED],
        ).delete()


# ---------------------------------------------------------------- Celery


@_celery_task("carecircle.core.tasks.run_periodic_task")
def run_periodic_task(name: str, due: str | None = None) -> bool:
    """Beat's message for a slot (no `due`: the slot of now), or the sweep's for a given slot."""
    close_old_connections()
    try:
        return run_periodic(name, due=datetime.fromisoformat(due) if due else None)
    finally:
        close_old_connections()


@_celery_task("carecircle.core.tasks.sweep_task")
def sweep_task() -> dict[str, int]:
    """Beat's sweep: abandoned, failed and missed slots are sent to the workers as messages."""
    close_old_connections()
    try:
        found = sweep(
            run=lambda name, due: run_periodic_task.apply_async(args=(name,), kwargs={"due": due.isoformat()})
        )
        return {
            "recovered": len(found.recovered),
            "caught_up": len(found.caught_up),
            "superseded": found.superseded,
        }
    finally:
        close_old_connections()


def visibility_timeout() -> int:
    """Seconds the broker waits before it gives an unacknowledged message to another worker: the
    longest lease of any task plus five minutes (a message redelivered while its task still runs
    finds the slot held and does nothing, so a shorter value costs nothing but a no-op)."""
    configured = getattr(settings, "CARECIRCLE_TASK_VISIBILITY_TIMEOUT", None)
    if configured:
        return int(configured)
    longest = max([p.lease for p in _periodic.values()] + [DEFAULT_LEASE])
    return int(longest.total_seconds()) + 300


def configure_beat() -> None:
    celery_app.conf.beat_schedule = {
        name: {"task": "carecircle.core.tasks.run_periodic_task", "schedule": p.every, "args": (name,)}
        for name, p in _periodic.items()
    } | {"carecircle.sweep": {"task": "carecircle.core.tasks.sweep_task", "schedule": SWEEP_EVERY}}


def configure_worker() -> None:
    """Broker settings that depend on the declared tasks (called once every module is loaded)."""
    celery_app.conf.broker_transport_options = {"visibility_timeout": visibility_timeout()}
    configure_beat()


# ---------------------------------------------------------------- in-process


class InProcessScheduler(threading.Thread):
    """Runs periodic tasks in the web process (or `carecircle worker`) when there is no broker,
    with the same claims as Celery: a slot runs once whatever the number of schedulers, an
    abandoned or failed slot is taken over by the sweep, a missed one caught up at start."""

    def __init__(self, tick_seconds: float = 5.0, only: set[str] | None = None):
        super().__init__(name="carecircle-scheduler", daemon=True)
        self.tick_seconds = tick_seconds
        self.only = only
        self.stopped = threading.Event()
        self.seen: dict[str, datetime] = {}
        self.last_sweep: datetime | None = None

    def run(self) -> None:
        while not self.stopped.is_set():
            close_old_connections()  # this thread's own connection, between ticks
            self.tick()
            self.stopped.wait(self.tick_seconds)

    def tick(self, now: datetime | None = None) -> None:
        now = now or timezone.now()
        if self.last_sweep is None or now - self.last_sweep >= SWEEP_EVERY:
            self.last_sweep = now
            try:
                sweep(now, only=self.only)
            except Exception:
                log.exception("periodic task sweep failed")
        for name, p in _periodic.items():
            if self.only is not None and name not in self.only:
                continue
            due = due_for(p, now)
            last = self.seen.get(name)
            self.seen[name] = due
            if last is None and isinstance(p.every, crontab):
                continue  # a crontab task waits for its time, not for start-up (the sweep catches up)
            if last == due:
                continue
            try:
                run_periodic(name, now, due=due)
            except Exception:
                log.exception("periodic task %s failed", name)

    def stop(self) -> None:
        self.stopped.set()


def wait_for_pool() -> None:
    """Wait until in-process background tasks have finished (used by commands and tests)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True)
