"""Fail fast and say so, through a real `carecircle serve` (issue 14 item 5, "Done when"):

- a PostgreSQL database cut off behind a proxy: /healthz 503 within 2 s, pages a clear 503 within
  the statement timeout, recovery without a restart once the network is back, and the server
  errors in the log (JSON lines with the request id);
- database sessions terminated by the server: unknown URLs are still 404, not 500;
- SQLite with another process holding the write lock: a clear "系统繁忙" page, not "Bad Request".

These start their own server processes on their own databases, so they run once, in the SQLite
pass of the suite (the PostgreSQL one is started here either way).
"""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.db import connection

from ..conftest import skip_or_fail
from ..netproxy import CuttableProxy

pytestmark = pytest.mark.slow

PG = ("127.0.0.1", 5432)
SETUP = """
from carecircle.core.sessions import SessionStore
from carecircle.core import signin
from carecircle.core.models import RoleGrant, User
from carecircle.core.services import region_upsert
region_upsert(actor=None, code="330000000000", name="浙江省")
region_upsert(actor=None, code="330100000000", name="杭州市")
user = User.objects.create_user("watcher", password="Xq9#kLm2Vb7!pZ-watch")
RoleGrant.objects.create(user=user, role="inspector", region_id="330100000000")
session = SessionStore()
session.update({"_auth_user_id": str(user.pk), "_auth_user_hash": user.get_session_auth_hash(),
                "_auth_user_backend": "django.contrib.auth.backends.ModelBackend"})
signin.mark(session, user, second_factor=True)
session.create()
print("SESSION", session.session_key)
"""


@pytest.fixture(autouse=True)
def _sqlite_pass_only():
    if connection.vendor != "sqlite":
        pytest.skip("starts its own servers and databases: runs once, in the SQLite pass")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(home: Path, database_url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(
        CARECIRCLE_HOME=str(home),
        DATABASE_URL=database_url,
        CARECIRCLE_VAULT_KEY="failfast-vault-key-test-only",
        CARECIRCLE_SECRET_KEY="failfast-secret-key-test-only",
        CARECIRCLE_LOG_FORMAT="json",
        **extra,
    )
    return env


def _carecircle(env: dict, *args: str, timeout: float = 240) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "carecircle.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _prepare(env: dict) -> str:
    _carecircle(env, "migrate", "-v", "0")
    out = _carecircle(env, "manage", "shell", "-c", SETUP)
    return next(line.split()[1] for line in out.splitlines() if line.startswith("SESSION"))


class Server:
    def __init__(self, env: dict, log_path: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "carecircle.cli", "serve", "--port", str(self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=3).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.stop()
        raise AssertionError("the server did not start: " + log_path.read_text()[-2000:])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _pg_admin(sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(
        host=PG[0], port=PG[1], user="postgres", dbname="postgres", autocommit=True, connect_timeout=3
    ) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def _terminate_sessions(database: str) -> None:
    """End every server session on `database`, as a restart or an administrator does, and wait until
    they are gone: pg_terminate_backend only signals, and until a session's process has ended its
    goodbye may not have reached the client yet."""
    pids = _pg_admin(
        f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    )
    listed = ", ".join(str(pid) for (pid,) in pids) or "NULL"
    _pg_admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid IN ({listed})")
    deadline = time.monotonic() + 10
    while _pg_admin(f"SELECT 1 FROM pg_stat_activity WHERE pid IN ({listed})"):
        assert time.monotonic() < deadline, "the terminated sessions did not end"
        time.sleep(0.05)


@pytest.fixture
def pg_database():
    try:
        _pg_admin("SELECT 1")
    except Exception as exc:  # noqa: BLE001
        skip_or_fail(f"needs a PostgreSQL server at {PG[0]}:{PG[1]}: {exc}")
    name = f"cc_failfast_{uuid.uuid4().hex[:8]}"
    _pg_admin(f"CREATE DATABASE {name}")
    yield name
    _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_database_cut_off_behind_a_proxy(pg_database, tmp_path):
    direct = f"postgres://postgres@{PG[0]}:{PG[1]}/{pg_database}"
    session = _prepare(_env(tmp_path, direct))
    proxy = CuttableProxy(*PG)
    server = Server(
        _env(
            tmp_path,
            f"postgres://postgres@127.0.0.1:{proxy.port}/{pg_database}",
            CARECIRCLE_DB_STATEMENT_TIMEOUT="3",
            CARECIRCLE_DB_CONNECT_TIMEOUT="2",
        ),
        tmp_path / "server.log",
    )
    cookies = {"sessionid": session}
    try:
        assert requests.get(server.url + "/", cookies=cookies, timeout=10).status_code == 200

        proxy.cut_off()
        started = time.monotonic()
        health = requests.get(server.url + "/healthz", timeout=5)
        assert health.status_code == 503 and time.monotonic() - started < 2.0
        started = time.monotonic()
        page = requests.get(server.url + "/", cookies=cookies, timeout=20)
        waited = time.monotonic() - started
        assert page.status_code == 503 and "数据库暂时无法连接" in page.text
        assert waited < 3 + 2 + 2, waited  # the statement timeout (or the connect timeout), then the answer

        proxy.restore()
        deadline = time.monotonic() + 20
        while requests.get(server.url + "/healthz", timeout=5).status_code != 200:
            assert time.monotonic() < deadline, "no recovery without a restart"
            time.sleep(0.3)
        assert requests.get(server.url + "/", cookies=cookies, timeout=10).status_code == 200

        # Sessions terminated by the server: every thread's connection is checked before use.
        _terminate_sessions(pg_database)
        for _ in range(4):
            assert requests.get(server.url + "/no-such-page", cookies=cookies, timeout=10).status_code == 404
        assert requests.get(server.url + "/", cookies=cookies, timeout=10).status_code == 200
    finally:
        server.stop()
        proxy.close()
    lines = [
        json.loads(line)
        for line in (tmp_path / "server.log").read_text().splitlines()
        if line.startswith("{")
    ]
    errors = [line for line in lines if line.get("level") == "ERROR" and line.get("request_id")]
    assert any(line["request_id"] == page.headers["X-Request-ID"] for line in errors), lines[-5:]


def test_sqlite_busy_is_a_clear_page_not_bad_request(tmp_path):
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'busy.sqlite3'}", CARECIRCLE_DB_BUSY_TIMEOUT="1")
    session = _prepare(env)
    server = Server(env, tmp_path / "server.log")
    holder = sqlite3.connect(tmp_path / "busy.sqlite3", timeout=1)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        answer = requests.get(
            server.url + "/lang/zh-hans/?next=/",
            cookies={"sessionid": session},
            timeout=20,
            allow_redirects=False,
        )
        assert answer.status_code == 503 and "系统繁忙，请稍后重试" in answer.text
        holder.rollback()
        after = requests.get(
            server.url + "/lang/zh-hans/?next=/",
            cookies={"sessionid": session},
            timeout=20,
            allow_redirects=False,
        )
        assert after.status_code == 302
    finally:
        holder.close()
        server.stop()


def test_a_killed_command_does_not_leave_its_statement_running(pg_database, tmp_path):
    """kill -9 of a command (the payroll's long INSERT, say): the server notices the client is gone
    (client_connection_check_interval) and ends the statement, so a re-run does not wait for it."""
    import signal

    env = _env(tmp_path, f"postgres://postgres@{PG[0]}:{PG[1]}/{pg_database}")
    command = "from django.db import connection\nconnection.cursor().execute('SELECT pg_sleep(120)')"
    proc = subprocess.Popen(
        [sys.executable, "-m", "carecircle.cli", "manage", "shell", "-c", command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import psycopg

    def running() -> int:
        with psycopg.connect(
            host=PG[0], port=PG[1], user="postgres", dbname="postgres", connect_timeout=3
        ) as c:
            return c.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query LIKE %s",
                (pg_database, "%pg_sleep(120)%"),
            ).fetchone()[0]

    deadline = time.monotonic() + 60
    while running() == 0:
        assert proc.poll() is None and time.monotonic() < deadline, "the command did not start its statement"
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    deadline = time.monotonic() + 15
    while running():
        assert time.monotonic() < deadline, "the statement went on running after its client was killed"
        time.sleep(0.5)
