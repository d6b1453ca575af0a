"""The task layer: background and periodic work, declared once, run two ways.

- With CELERY_BROKER_URL set, `enqueue` sends the task to Celery workers (`carecircle worker`)
  after the surrounding transaction commits, and periodic tasks go into Celery beat's schedule.
- Without a broker (the embedded default) tasks run in a thread pool of the web process, and
  the periodic tasks run from a scheduler thread started by `carecircle serve`/`demo`.

Periodic runs are claimed through TaskRun's unique (name, slot) key, so two schedulers, a restart
or a retried beat message never run the same slot twice.
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from celery import Celery
from celery.schedules import BaseSchedule, crontab, schedule
from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

log = logging.getLogger("carecircle.tasks")

celery_app = Celery("carecircle")
celery_app.conf.update(
    broker_url=settings.CELERY_BROKER_URL or "memory://",
    result_backend=settings.CELERY_RESULT_BACKEND,
    task_serializer="json",
    accept_content=["json"],
    timezone=settings.TIME_ZONE,
    task_acks_late=True,  # a task whose worker dies is delivered again, not lost
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)

_registry: dict[str, Callable] = {}
_periodic: dict[str, "Periodic"] = {}
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


@dataclass
class Periodic:
    name: str
    func: Callable
    every: BaseSchedule  # a Celery schedule (crontab or interval), the same object in both modes


def broker_configured() -> bool:
    return bool(settings.CELERY_BROKER_URL)


def task(func: Callable | None = None, *, name: str | None = None):
    """Declare a background task. Arguments must be JSON-serialisable (ids, not objects)."""

    def wrap(f):
        task_name = name or f"{f.__module__}.{f.__name__}"
        _registry[task_name] = f
        f.celery_task = celery_app.task(name=task_name, bind=False)(_in_worker(f))
        f.task_name = task_name
        return f

    return wrap(func) if func else wrap


def periodic(every: timedelta | crontab, *, name: str | None = None):
    """Declare a periodic task; `every` is a timedelta or a Celery crontab."""

    def wrap(f):
        f = task(f, name=name)
        sched = every if isinstance(every, BaseSchedule) else schedule(every)
        _periodic[f.task_name] = Periodic(f.task_name, f, sched)
        return f

    return wrap


def _in_worker(f):
    def run(*args, **kwargs):
        close_old_connections()
        try:
            return f(*args, **kwargs)
        finally:
            close_old_connections()

    run.__name__ = f.__name__
    return run


def enqueue(f: Callable, /, **kwargs) -> None:
    """Run `f(**kwargs)` in the background once the current transaction has committed."""
    transaction.on_commit(lambda: _dispatch(f, kwargs))


def _dispatch(f, kwargs):
    if broker_configured():
        f.celery_task.apply_async(kwargs=kwargs)
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


def _run_logged(f, kwargs):
    close_old_connections()
    try:
        f(**kwargs)
    except Exception:
        log.exception("task %s failed", getattr(f, "task_name", f))
    finally:
        close_old_connections()


def periodic_tasks() -> dict[str, Periodic]:
    return dict(_periodic)


def slot_for(p: Periodic, now) -> str:
    """The due slot a run at `now` belongs to: its start, rounded to the schedule."""
    every = p.every
    if isinstance(every, crontab):
        return timezone.localtime(now).strftime("%Y-%m-%dT%H:%M")
    seconds = max(1, int(every.run_every.total_seconds()))
    return str(int(now.timestamp()) // seconds * seconds)


def run_periodic(name: str, now=None) -> bool:
    """Run periodic task `name` for the slot of `now` unless that slot already ran. Returns
    whether it ran. Both the in-process scheduler and Celery beat come through here."""
    p = _periodic[name]
    now = now or timezone.now()
    try:
        with transaction.atomic():
            run = TaskRunModel().objects.create(name=name, slot=slot_for(p, now))
    except IntegrityError:
        return False
    try:
        p.func()
    except Exception as exc:
        TaskRunModel().objects.filter(pk=run.pk).update(finished_at=timezone.now(), error=repr(exc)[:2000])
        raise
    TaskRunModel().objects.filter(pk=run.pk).update(finished_at=timezone.now())
    return True


def TaskRunModel():  # noqa: N802 - imported late: this module loads before the apps are ready
    from carecircle.core.models import TaskRun

    return TaskRun


@celery_app.task(name="carecircle.core.tasks.run_periodic_task")
def run_periodic_task(name: str):
    close_old_connections()
    try:
        return run_periodic(name)
    finally:
        close_old_connections()


def configure_beat() -> None:
    celery_app.conf.beat_schedule = {
        name: {"task": "carecircle.core.tasks.run_periodic_task", "schedule": p.every, "args": (name,)}
        for name, p in _periodic.items()
    }


class InProcessScheduler(threading.Thread):
    """Runs periodic tasks in the web process when there is no broker."""

    def __init__(self, tick_seconds: float = 5.0, only: set[str] | None = None):
        super().__init__(name="carecircle-scheduler", daemon=True)
        self.tick_seconds = tick_seconds
        self.only = only
        self.stopped = threading.Event()
        self.last_run: dict[str, object] = {}

    def run(self):
        while not self.stopped.is_set():
            close_old_connections()  # this thread's own connection, between ticks
            self.tick()
            self.stopped.wait(self.tick_seconds)

    def tick(self, now=None):
        now = now or timezone.now()
        for name, p in _periodic.items():
            if self.only is not None and name not in self.only:
                continue
            last = self.last_run.get(name)
            if last is None and isinstance(p.every, crontab):
                self.last_run[name] = now  # a crontab task waits for its time, not for start-up
                continue
            due = last is None or p.every.is_due(last).is_due
            if not due:
                continue
            self.last_run[name] = now
            try:
                run_periodic(name, now)
            except Exception:
                log.exception("periodic task %s failed", name)

    def stop(self):
        self.stopped.set()


def wait_for_pool() -> None:
    """Wait until in-process background tasks have finished (used by commands and tests)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True)
