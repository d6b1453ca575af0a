"""Periodic tasks' slots: when a task is due, and which slots a machine that was off has missed.

A periodic task (core/tasks.py, `@periodic`) runs once per slot: the due time of a crontab
firing, or the start of an interval. The slot's key names its TaskRun row."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.schedules import BaseSchedule, crontab
from django.utils import timezone

DEFAULT_LEASE = timedelta(minutes=10)
CATCH_UP_GRACE = timedelta(minutes=2)  # a slot this late with no row is missed (its message was lost)


@dataclass
class Periodic:
    name: str
    func: Callable[..., object]
    every: BaseSchedule  # a Celery schedule (crontab or interval), the same object in both modes
    lease: timedelta = DEFAULT_LEASE  # fits the task's longest run; renewed while it runs
    retries: int = 6  # failed runs are retried this many times, 30 s, 1, 2, 4 … minutes apart
    catch_up: int = 0  # how many missed slots the sweep catches up after the machine was off
    per_slot: bool = False  # the work depends on the slot (the function takes `due`)

    def call(self, due: datetime) -> object:
        return self.func(due=due) if self.per_slot else self.func()


def due_for(p: Periodic, now: datetime) -> datetime:
    """The due time of the slot a run at `now` belongs to: the latest crontab time at or before
    `now`, or the start of the interval `now` falls in."""
    if isinstance(p.every, crontab):
        return _fires_before(p.every, now, 1)[0]
    seconds = max(1, int(p.every.run_every.total_seconds()))
    return datetime.fromtimestamp(
        int(now.timestamp()) // seconds * seconds, tz=timezone.get_default_timezone()
    )


def slot_key(p: Periodic, due: datetime) -> str:
    if isinstance(p.every, crontab):
        return timezone.localtime(due).strftime("%Y-%m-%dT%H:%M")
    return str(int(due.timestamp()))


def slot_for(p: Periodic, now: datetime) -> str:
    """The key of the slot a run at `now` belongs to."""
    return slot_key(p, due_for(p, now))


def _fires_before(c: crontab, now: datetime, count: int, after: datetime | None = None) -> list[datetime]:
    """The latest `count` times of crontab `c` at or before `now` (newest first), none at or
    before `after`. Celery's crontab matches a day by day of month AND day of week."""
    local = timezone.localtime(now).replace(second=0, microsecond=0)
    found: list[datetime] = []
    day = local.date()
    for _ in range(800):  # two years of days: enough for any monthly or yearly schedule
        weekday = (day.isoweekday()) % 7  # Celery: 0 is Sunday
        if day.month in c.month_of_year and day.day in c.day_of_month and weekday in c.day_of_week:
            for hour in sorted(c.hour, reverse=True):
                for minute in sorted(c.minute, reverse=True):
                    # made aware in the current zone at once (make_aware resolves the zone's offset for that day)
                    at = timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))  # noqa: DTZ001
                    if at > local:
                        continue
                    if after is not None and at <= after:
                        return found
                    found.append(at)
                    if len(found) >= count:
                        return found
        day -= timedelta(days=1)
    return found


def missed_slots(p: Periodic, now: datetime, after: datetime) -> list[datetime]:
    """Due times later than `after` and older than the grace period, newest first, at most
    `p.catch_up` of them."""
    if p.catch_up <= 0:
        return []
    limit = now - CATCH_UP_GRACE
    if isinstance(p.every, crontab):
        return _fires_before(p.every, limit, p.catch_up, after=after)
    step = p.every.run_every
    due, found = due_for(p, limit), list[datetime]()
    while due > after and len(found) < p.catch_up:
        found.append(due)
        due -= step
    return found
