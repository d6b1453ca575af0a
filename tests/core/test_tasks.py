"""The task layer: one declaration, two ways of running (in-process and Celery with Redis)."""

import datetime
import threading

import pytest
from django.core.cache import cache
from django.test import override_settings

from carecircle.core import tasks
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
    scheduler.tick()  # start-up is not two o'clock: nothing runs
    assert calls == ["night"]


def test_beat_schedule_declares_every_periodic_task():
    tasks.configure_beat()
    schedule = tasks.celery_app.conf.beat_schedule
    assert schedule["tests.every_five_minutes"]["args"] == ("tests.every_five_minutes",)
    assert schedule["tests.every_five_minutes"]["task"] == "carecircle.core.tasks.run_periodic_task"


@pytest.mark.redis
def test_celery_worker_with_redis_runs_tasks_and_periodic_slots(transactional_db, redis_url, settings):
    from celery.contrib.testing.worker import start_worker

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
