"""Periodic work and jobs that survive kill -9 (issue 14, "Done when"): real processes, killed with
SIGKILL in the middle of the monthly payroll or of an import, then the next process finishes the
work exactly once. Each test runs against a database of its own (a copy of one set up per module:
an SQLite file, or on PostgreSQL a database created from a template); the processes are
tests/core/task_harness.py."""

import csv
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import COMMUNITY_A, COMMUNITY_B, id_number

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _pg_admin(dbname: str = "postgres"):
    import psycopg

    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def _pg_url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def base_env(home: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="carecircle.core.settings",
        CARECIRCLE_HOME=str(home),
        CARECIRCLE_VAULT_KEY="test-vault-key-not-for-production",
        CARECIRCLE_SECRET_KEY="test-secret-key-not-for-production",
        PYTHONUNBUFFERED="1",
    )
    return env


def harness(env, *args, timeout=300) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.core.task_harness", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def start(env, *args, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.core.task_harness", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def wait_for(predicate, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    tail = log.read_text()[-4000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n{tail}")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One migrated database with a small city, six programmes and last month's payroll slot done."""
    home = tmp_path_factory.mktemp("kill-template")
    env = base_env(home)
    name = None
    if connection.vendor == "postgresql":
        name = f"cc_kill_tmpl_{uuid.uuid4().hex[:8]}"
        with _pg_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = _pg_url(name)
    month = harness(env, "setup", timeout=600)["month"]
    yield {"home": home, "pg": name, "month": month}
    if name:
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scratch(template, tmp_path):
    """A copy of the template database for one test, and the environment its processes run with."""
    home = tmp_path / "home"
    home.mkdir()
    env = base_env(home)
    name = None
    if template["pg"]:
        name = f"cc_kill_{uuid.uuid4().hex[:8]}"
        with _pg_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template["pg"]}"')
        env["DATABASE_URL"] = _pg_url(name)
    else:
        shutil.copy(template["home"] / "carecircle.sqlite3", home / "carecircle.sqlite3")
    env["HARNESS_MARKER"] = str(tmp_path / "stalled")
    yield {
        "env": env,
        "marker": tmp_path / "stalled",
        "log": tmp_path / "processes.log",
        "month": template["month"],
        "tmp": tmp_path,
        "pg": name,
        "sqlite": home / "carecircle.sqlite3",
    }
    if name:
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def celery_env(s, redis_url: str) -> dict:
    """A Redis database of these tests' own, three below the suite's (15 -> 12; CI's PostgreSQL
    pass runs beside the SQLite one on 14 -> 11; the scale-out layout uses 13): no other worker
    takes this test's messages, and no message of theirs reaches this test's worker."""
    import redis

    base, _, db = redis_url.rstrip("/").rpartition("/")
    url = f"{base}/{int(db) - 3}" if db.isdigit() and int(db) >= 3 else f"{redis_url.rstrip('/')}/12"
    redis.Redis.from_url(url).flushdb()
    return dict(s["env"], CELERY_BROKER_URL=url, CELERY_RESULT_BACKEND=url)


def slot_state(s) -> str | None:
    """This month's payroll slot's state, read straight from the database (a cheap poll: no
    Django process per look)."""
    sql = "SELECT state FROM core_taskrun WHERE name = 'benefits.monthly_payroll' AND slot LIKE {}"
    if s["pg"]:
        with _pg_admin(s["pg"]) as conn:
            row = conn.execute(sql.format("%s"), (s["month"] + "%",)).fetchone()
    else:
        import sqlite3

        with closing(sqlite3.connect(s["sqlite"], timeout=30)) as conn:
            row = conn.execute(sql.format("?"), (s["month"] + "%",)).fetchone()
    return row[0] if row else None


def wait_until_paid(s, env, what: str) -> dict:
    wait_for(lambda: slot_state(s) == "done", 240, what, s["log"])
    return harness(env, "report")


def stalled_pid(s) -> int:
    text = wait_for(
        lambda: s["marker"].exists() and s["marker"].read_text(), 240, "the payroll to start", s["log"]
    )
    return int(text.split()[0])


def this_months_run(report: dict, month: str) -> dict | None:
    return next((r for r in report["runs"] if r["slot"].startswith(month)), None)


def assert_paid_once(s, report: dict):
    run = this_months_run(report, s["month"])
    assert run["state"] == "done" and run["attempts"] == 2, report["runs"]
    assert s["month"] in report["periods"] and report["lines"] > 0
    assert report["duplicate_lines"] == 0  # nobody paid twice for the month
    assert harness(s["env"], "rerun-payroll", s["month"])["new_batches"] == 0  # and nothing left to pay


def test_in_process_worker_killed_during_the_monthly_payroll_completes_it_once_after_restart(scratch):
    """The machine was off on the 1st: the scheduler's start catches the month up; it is killed
    (SIGKILL) inside the payroll; the restarted scheduler takes the abandoned slot over."""
    s = scratch
    first = start(s["env"], "worker", log=s["log"])
    try:
        assert stalled_pid(s) == first.pid
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        killed = harness(s["env"], "report")
        assert this_months_run(killed, s["month"])["state"] == "running"  # claimed, never finished
    finally:
        stop(first)
    second = start(s["env"], "worker", log=s["log"])
    try:
        report = wait_until_paid(s, s["env"], "the restarted scheduler to finish the payroll")
    finally:
        stop(second)
    assert_paid_once(s, report)
    # The stalled programme's lines died with the process (on PostgreSQL the other programmes,
    # each in its own transaction on its own connection, may have committed before the kill).
    assert report["lines"] > killed["lines"]


@pytest.mark.redis
def test_celery_pool_process_killed_during_the_monthly_payroll_is_redelivered_and_completes_once(
    scratch, redis_url
):
    """The finding: Celery redelivered the task within 0.2 s, the slot was found claimed, the
    task returned, and the month was never paid."""
    s = scratch
    env = celery_env(s, redis_url)
    worker = start(env, "worker", "--concurrency=1", "--no-beat", log=s["log"])
    try:
        time.sleep(1)
        harness(env, "send-payroll")
        child = stalled_pid(s)
        assert child != worker.pid  # the pool process, not the worker's main process
        os.kill(child, signal.SIGKILL)
        report = wait_until_paid(s, env, "the redelivered task to finish the payroll")
    finally:
        stop(worker)
    assert_paid_once(s, report)


@pytest.mark.redis
def test_celery_worker_killed_whole_during_the_payroll_the_restarted_beat_sweeps_the_slot_up(
    scratch, redis_url
):
    """The whole worker (main process, pool and beat) killed: its message stays unacknowledged
    until the visibility timeout, but the restarted worker's beat sweeps the abandoned slot up."""
    s = scratch
    env = celery_env(s, redis_url)
    first = start(env, "worker", "--concurrency=1", log=s["log"])
    try:
        time.sleep(1)
        harness(env, "send-payroll")
        stalled_pid(s)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        stop(first)
    assert list(Path(s["env"]["CARECIRCLE_HOME"]).glob("celerybeat-schedule*"))  # in the data folder
    second = start(env, "worker", "--concurrency=1", log=s["log"])
    try:
        report = wait_until_paid(s, env, "the sweep to finish the payroll")
    finally:
        stop(second)
    assert_paid_once(s, report)


def test_two_schedulers_and_a_redelivered_run_run_a_slot_once(scratch):
    s = scratch
    out = s["tmp"] / "ran.txt"
    start_at = str(time.time() + 15)
    procs = [start(s["env"], "race", str(out), start_at, log=s["log"]) for _ in range(2)]
    procs.append(start(dict(s["env"], HARNESS_REDELIVERED="1"), "race", str(out), start_at, log=s["log"]))
    try:
        for p in procs:
            assert p.wait(timeout=240) == 0, s["log"].read_text()[-3000:]
    finally:
        for p in procs:
            stop(p)
    assert len(out.read_text().split()) == 1, out.read_text()


def people_file(path: Path, rows: int) -> tuple[int, int]:
    """A CSV of `rows` data rows in two districts; every 25th has a wrong check digit and every
    60th repeats the ID number of the first row. Returns (good rows, bad rows)."""
    from carecircle.registry.imports import COLUMNS

    good = bad = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS.keys())
        for i in range(rows):
            birth = datetime.date(1940 + i % 25, 1 + i % 12, 1 + i % 27)
            number = id_number(birth, 100 + i)
            if i % 25 == 24:
                number = number[:-1] + ("0" if number[-1] != "0" else "1")
                bad += 1
            elif i % 60 == 59:
                number = id_number(datetime.date(1940, 1, 1), 100)  # the person of the first row
                bad += 1
            else:
                good += 1
            w.writerow(
                [
                    f"导入{i}",
                    number,
                    COMMUNITY_A if i % 2 else COMMUNITY_B,
                    "13900001111",
                    "地址",
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
    return good, bad


def test_a_killed_import_command_resumes_with_exact_counts(scratch):
    s = scratch
    path = s["tmp"] / "people.csv"
    good, bad = people_file(path, 600)
    env = dict(s["env"], HARNESS_BATCH="50")
    first = start(env, "import", str(path), log=s["log"])
    try:
        wait_for(lambda: s["marker"].exists(), 240, "the first batch", s["log"])
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        stop(first)
    job = harness(s["env"], "report")["jobs"][-1]
    assert job["state"] == "running" and job["processed_rows"] == 50 and job["origin"] == "cli"
    resumed = subprocess.run(
        [sys.executable, "-m", "tests.core.task_harness", "import", str(path), "--resume", str(job["pk"])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "从第" in resumed.stdout
    report = harness(s["env"], "report")
    job = report["jobs"][-1]
    assert job["state"] == "done" and job["attempts"] == 2
    assert job["processed_rows"] == job["total_rows"] == 600
    assert job["created_count"] == good and job["rejected_count"] == bad
    assert job["created_count"] + job["updated_count"] + job["unchanged_count"] + job["rejected_count"] == 600
    assert job["rejection_rows"] == job["distinct_rejection_rows"] == bad
    assert report["people"] == 60 + good
