"""The task layer: one declaration, two ways of running (in-process and Celery with Redis)."""

import datetime
import socket
import subprocess
import sys
import threading

import pytest
from celery.schedules import crontab
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from carecircle.core import leases, tasks
from carecircle.core.models import TaskRun

calls: list = []


@tasks.task(name="tests.record_call")
def record_call(value: int) -> int:
    calls.append(value)
    return value * 2


@tasks.periodic(datetime.timedelta(minutes=5), name="tests.every_five_minutes")
def every_five_minutes():
    calls.append("tick")


@pytest.fixture(autouse=True)
def clear_calls():
    calls.clear()
    cache.clear()


def test_enqueue_runs_after_commit_in_process(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as captured:
        tasks.enqueue(record_call, value=3)
        assert calls == []  # nothing runs before the transaction commits
    assert len(captured) == 1 and calls == [3]


@override_settings(CARECIRCLE_TASKS_INLINE=False)
def test_enqueue_uses_the_thread_pool_without_broker(transactional_db):
    done = threading.Event()

    @tasks.task(name="tests.signal_done")
    def signal_done():
        done.set()

    tasks.enqueue(signal_done)
    assert done.wait(10)
    tasks.wait_for_pool()


def test_periodic_slot_runs_once(db):
    now = datetime.datetime(2026, 11, 23, 8, 2, tzinfo=datetime.UTC)
    assert tasks.run_periodic("tests.every_five_minutes", now) is True
    # A second scheduler (or a restart, or a redelivered beat message) in the same slot does nothing.
    assert tasks.run_periodic("tests.every_five_minutes", now + datetime.timedelta(minutes=2)) is False
    assert tasks.run_periodic("tests.every_five_minutes", now + datetime.timedelta(minutes=5)) is True
    assert calls == ["tick", "tick"]
    assert TaskRun.objects.filter(name="tests.every_five_minutes", finished_at__isnull=False).count() == 2


def test_in_process_scheduler_tick_runs_due_tasks(db):
    scheduler = tasks.InProcessScheduler(only={"tests.every_five_minutes"})
    scheduler.tick()
    assert "tick" in calls
    calls.clear()
    scheduler.tick()  # not due again yet
    assert "tick" not in calls


def test_crontab_tasks_slot_by_minute_and_wait_for_their_time(db):
    from celery.schedules import crontab

    @tasks.periodic(crontab(minute=0, hour=2), name="tests.nightly")
    def nightly():
        calls.append("night")

    at_two = datetime.datetime(2026, 11, 23, 18, 0, 3, tzinfo=datetime.UTC)  # 02:00:03 in Shanghai
    assert tasks.slot_for(tasks.periodic_tasks()["tests.nightly"], at_two) == "2026-11-24T02:00"
    assert tasks.run_periodic("tests.nightly", at_two) is True
    assert tasks.run_periodic("tests.nightly", at_two + datetime.timedelta(seconds=20)) is False
    scheduler = tasks.InProcessScheduler(only={"tests.nightly"})
    scheduler.tick(at_two + datetime.timedelta(minutes=30))  # a start-up after the slot ran: nothing runs
    assert calls == ["night"]
    scheduler.tick(at_two + datetime.timedelta(hours=5))  # not two o'clock: still nothing
    assert calls == ["night"]
    scheduler.tick(at_two + datetime.timedelta(days=1, seconds=1))  # the next night's slot
    assert calls == ["night", "night"]


def test_beat_schedule_declares_every_periodic_task():
    tasks.configure_beat()
    schedule = tasks.celery_app.conf.beat_schedule
    assert schedule["tests.every_five_minutes"]["args"] == ("tests.every_five_minutes",)
    assert schedule["tests.every_five_minutes"]["task"] == "carecircle.core.tasks.run_periodic_task"


@pytest.mark.redis
def test_celery_worker_with_redis_runs_tasks_and_periodic_slots(transactional_db, redis_url, settings):
    import re

    import redis
    from celery.contrib.testing.worker import start_worker

    # A Redis database of this test's own: a worker of another test on the shared one would take
    # (and refuse) this test's messages.
    redis_url = re.sub(r"/\d*$", "", redis_url.rstrip("/")) + "/11"
    redis.Redis.from_url(redis_url).flushdb()
    settings.CELERY_BROKER_URL = redis_url
    app = tasks.celery_app
    app.conf.update(broker_url=redis_url, result_backend=redis_url)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = record_call.celery_task.apply_async(kwargs={"value": 21})
            assert result.get(timeout=20) == 42
            ran = tasks.run_periodic_task.apply_async(args=("tests.every_five_minutes",))
            assert ran.get(timeout=20) is True
            again = tasks.run_periodic_task.apply_async(args=("tests.every_five_minutes",))
            assert again.get(timeout=20) is False  # same slot: claimed once only
    finally:
        app.conf.update(broker_url="memory://", result_backend=None)
    assert 21 in calls and calls.count("tick") == 1


# ---------------------------------------------------------------- leases (issue 14, High 1)

monthly_dues: list = []
flaky = {"failures": 0}


@tasks.periodic(
    crontab(minute=30, hour=2, day_of_month=1),
    name="tests.monthly",
    catch_up=3,
    lease=datetime.timedelta(minutes=15),
)
def monthly(due=None):
    monthly_dues.append(timezone.localtime(due).strftime("%Y-%m"))


@tasks.periodic(
    datetime.timedelta(hours=1), name="tests.hourly_flaky", catch_up=0
)  # retries only, no catch-up
def hourly_flaky():
    if flaky["failures"] > 0:
        flaky["failures"] -= 1
        raise RuntimeError("database unreachable")
    calls.append("hourly")


@pytest.fixture(autouse=True)
def clear_monthly():
    monthly_dues.clear()
    flaky["failures"] = 0


def dead_owner() -> str:
    """The owner token of a process that has exited (this machine, a pid that is gone)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return f"{socket.gethostname()}:{proc.pid}:1"


DEC_1 = datetime.datetime(2026, 11, 30, 18, 30, 5, tzinfo=datetime.UTC)  # 1 December, 02:30:05 in Shanghai


def test_a_slot_whose_worker_died_is_taken_over_by_the_redelivered_run(db):
    """The finding: the slot was claimed, the worker died in the payroll, the redelivered message
    found the slot claimed and returned — the month was never paid. Now the claim is a lease of a
    process that is gone, and the redelivered run takes it over and completes the slot."""
    p = tasks.periodic_tasks()["tests.monthly"]
    TaskRun.objects.create(
        name="tests.monthly",
        slot=tasks.slot_for(p, DEC_1),
        due_at=tasks.due_for(p, DEC_1),
        owner=dead_owner(),
        lease_until=DEC_1 + datetime.timedelta(minutes=15),
        attempts=1,
    )
    assert tasks.run_periodic("tests.monthly", DEC_1 + datetime.timedelta(seconds=1)) is True
    assert monthly_dues == ["2026-12"]
    run = TaskRun.objects.get(name="tests.monthly")
    assert run.state == TaskRun.State.DONE and run.attempts == 2 and run.finished_at
    # Done means done: another redelivery, a second scheduler or the sweep do nothing more.
    assert tasks.run_periodic("tests.monthly", DEC_1 + datetime.timedelta(minutes=5)) is False
    tasks.sweep(DEC_1 + datetime.timedelta(minutes=10), only={"tests.monthly"})
    assert monthly_dues == ["2026-12"]


def test_a_live_holder_keeps_its_slot_and_an_expired_lease_is_taken_over(db):
    p = tasks.periodic_tasks()["tests.monthly"]
    slot, due = tasks.slot_for(p, DEC_1), tasks.due_for(p, DEC_1)
    TaskRun.objects.create(
        name="tests.monthly",
        slot=slot,
        due_at=due,
        owner=leases.owner_token(),
        lease_until=DEC_1 + datetime.timedelta(minutes=15),
        attempts=1,
    )
    assert tasks.run_periodic("tests.monthly", DEC_1) is False  # this very process holds it, alive
    TaskRun.objects.filter(name="tests.monthly").update(owner="another-machine:4242:99")
    assert tasks.run_periodic("tests.monthly", DEC_1 + datetime.timedelta(minutes=14)) is False  # lease holds
    assert (
        tasks.run_periodic("tests.monthly", DEC_1 + datetime.timedelta(minutes=16)) is True
    )  # lease ran out
    assert monthly_dues == ["2026-12"]


def test_a_failed_run_is_retried_with_back_off_not_skipped_for_its_interval(db):
    """Periodic tasks that failed during an outage used to skip their whole interval."""
    flaky["failures"] = 2
    at = timezone.now()  # the back-off is counted from the failure's real time
    with pytest.raises(RuntimeError):
        tasks.run_periodic("tests.hourly_flaky", at)
    run = TaskRun.objects.get(name="tests.hourly_flaky")
    assert run.state == TaskRun.State.RETRY and run.retry_at > timezone.now() + datetime.timedelta(seconds=25)
    assert tasks.run_periodic("tests.hourly_flaky", at + datetime.timedelta(seconds=10)) is False  # not yet
    only = {"tests.hourly_flaky"}
    tasks.sweep(run.retry_at + datetime.timedelta(seconds=1), only=only)  # second attempt fails: 1 minute
    run.refresh_from_db()
    assert run.state == TaskRun.State.RETRY and run.attempts == 2
    assert run.retry_at > timezone.now() + datetime.timedelta(seconds=55)
    found = tasks.sweep(run.retry_at + datetime.timedelta(seconds=1), only=only)
    assert found.recovered and calls == ["hourly"]
    run.refresh_from_db()
    assert run.state == TaskRun.State.DONE and run.attempts == 3 and run.error == ""
    assert [tasks.retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8)] == [30, 60, 120, 1800, 1800]


def test_a_task_that_keeps_failing_is_given_up_after_its_retries(db):
    flaky["failures"] = 100
    at = timezone.now()
    p = tasks.periodic_tasks()["tests.hourly_flaky"]
    with pytest.raises(RuntimeError):
        tasks.run_periodic("tests.hourly_flaky", at)
    for _ in range(p.retries):
        tasks.sweep(
            TaskRun.objects.get().retry_at + datetime.timedelta(seconds=1), only={"tests.hourly_flaky"}
        )
    run = TaskRun.objects.get()
    assert run.state == TaskRun.State.FAILED and run.attempts == p.retries + 1 and "unreachable" in run.error


def test_a_failed_slot_of_a_sweep_task_is_superseded_by_a_later_run(db):
    flaky["failures"] = 1
    at = datetime.datetime(2026, 11, 23, 8, 0, 1, tzinfo=datetime.UTC)
    with pytest.raises(RuntimeError):
        tasks.run_periodic("tests.hourly_flaky", at)
    assert tasks.run_periodic("tests.hourly_flaky", at + datetime.timedelta(hours=1)) is True
    found = tasks.sweep(at + datetime.timedelta(hours=1, minutes=5), only={"tests.hourly_flaky"})
    assert found.superseded == 1 and not found.recovered and calls == ["hourly"]


def test_missed_months_are_caught_up_on_start_each_for_its_month(db):
    """The machine was off on the 1st of October and November: the start catches both up."""
    TaskRun.objects.create(
        name="tests.monthly",
        slot="2026-09-01T02:30",
        state=TaskRun.State.DONE,
        due_at=datetime.datetime(2026, 8, 31, 18, 30, tzinfo=datetime.UTC),
    )
    now = datetime.datetime(2026, 11, 20, 1, 0, tzinfo=datetime.UTC)
    scheduler = tasks.InProcessScheduler(only={"tests.monthly"})
    scheduler.tick(now)
    assert monthly_dues == ["2026-10", "2026-11"]
    assert set(TaskRun.objects.filter(state=TaskRun.State.DONE).values_list("slot", flat=True)) == {
        "2026-09-01T02:30",
        "2026-10-01T02:30",
        "2026-11-01T02:30",
    }
    scheduler.tick(now + datetime.timedelta(minutes=1))
    tasks.InProcessScheduler(only={"tests.monthly"}).tick(now + datetime.timedelta(minutes=2))  # a restart
    assert monthly_dues == ["2026-10", "2026-11"]


def test_a_new_installation_does_not_catch_up_slots_it_never_had(db):
    found = tasks.sweep(DEC_1 + datetime.timedelta(days=3), only={"tests.monthly"})
    assert not found.caught_up and monthly_dues == []


def test_crontab_due_times_are_the_scheduled_time_not_the_time_of_delivery():
    p = tasks.periodic_tasks()["tests.monthly"]
    late = DEC_1 + datetime.timedelta(hours=7)  # a message that waited hours in the queue
    assert tasks.slot_for(p, late) == tasks.slot_for(p, DEC_1) == "2026-12-01T02:30"
    before = DEC_1 - datetime.timedelta(minutes=1)
    assert tasks.slot_for(p, before) == "2026-11-01T02:30"


def test_celery_acknowledges_late_requeues_lost_work_and_fits_the_visibility_timeout():
    conf = tasks.celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost and conf.worker_prefetch_multiplier == 1
    tasks.configure_worker()
    longest = max(p.lease for p in tasks.periodic_tasks().values())
    assert conf.broker_transport_options["visibility_timeout"] >= longest.total_seconds()
    assert conf.broker_transport_options["visibility_timeout"] < 3600  # not kombu's default hour
    assert "carecircle.sweep" in conf.beat_schedule


def test_worker_keeps_beats_schedule_file_in_the_data_folder(settings, monkeypatch, tmp_path):
    from django.core.management import call_command

    from carecircle.core.datadir import data_home

    seen = {}
    monkeypatch.setattr(tasks.celery_app, "worker_main", lambda argv: seen.setdefault("argv", argv))
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    monkeypatch.chdir(tmp_path)
    call_command("worker")
    assert f"--schedule={data_home() / 'celerybeat-schedule'}" in seen["argv"]
