"""The scale-out layout on one machine, with real components (docs/operations.md, "More than one
machine"): a PostgreSQL streaming replica in a second cluster, two `carecircle serve` processes
behind HAProxy, and `carecircle worker` processes consuming the default queue (with the one beat)
and one queue per district. Used by tests/scaleout/test_layout.py; every piece is stopped and its
files removed by `stop()`, whatever happened before.

PostgreSQL: the machine's cluster on 127.0.0.1:5432 is the primary; it needs a pg_hba line that
lets the replica connect for replication from 127.0.0.1 (added here once, idempotently, and the
configuration reloaded). The replica is `pg_basebackup -R` of the primary into a temporary folder
owned by the postgres user, started with that version's `pg_ctl` on a free port.
"""

import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

PG_HOST, PG_PORT = "127.0.0.1", 5432
HBA_LINE = "host replication all 127.0.0.1/32 trust  # carecircle scale-out test: a local streaming replica"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg(sql: str, *params, port: int = PG_PORT, dbname: str = "postgres"):
    """One statement on a cluster, autocommit; the rows it returned (or None)."""
    import psycopg

    with psycopg.connect(
        host=PG_HOST, port=port, user="postgres", dbname=dbname, autocommit=True, connect_timeout=3
    ) as conn:
        cur = conn.execute(sql, params or None)
        return cur.fetchall() if cur.description else None


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    server = pg("SHOW server_version_num")[0][0]
    major = str(int(server) // 10000)
    same = [p for p in found if f"/postgresql/{major}/" in p]
    if not (same or found):
        raise FileNotFoundError(name)
    return (same or found)[-1]


def as_postgres(argv: list[str], **kw) -> subprocess.CompletedProcess:
    """Run a PostgreSQL server program as the postgres user (it refuses to run as root)."""
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def allow_local_replication() -> None:
    """The primary lets 127.0.0.1 connect for replication (idempotent; the configuration reloaded)."""
    hba = Path(pg("SHOW hba_file")[0][0])
    lines = hba.read_text().splitlines()
    if not any(
        line.split()[:2] == ["host", "replication"] and "127.0.0.1/32" in line and "trust" in line
        for line in lines
        if line.strip() and not line.lstrip().startswith("#")
    ):
        with hba.open("a") as f:
            f.write(f"\n{HBA_LINE}\n")
        pg("SELECT pg_reload_conf()")
        time.sleep(0.5)


class Replica:
    """A hot standby of the machine's cluster, streaming from it."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="carecircle-replica-"))
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o700)
        self.started = False

    def start(self, timeout: float = 90) -> None:
        done = as_postgres(
            [
                pg_bin("pg_basebackup"),
                "-h",
                PG_HOST,
                "-p",
                str(PG_PORT),
                "-U",
                "postgres",
                "-D",
                str(self.dir),
                "-X",
                "stream",
                "-c",
                "fast",
                "-R",
                "--no-sync",
            ],
            timeout=timeout,
        )
        assert done.returncode == 0, f"pg_basebackup failed: {done.stderr[-2000:]}"
        # Debian keeps the configuration outside the data folder: the copy gets its own, minimal one.
        conf = {
            "postgresql.conf": f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.dir}'\nhot_standby = on\n"
            f"max_connections = {pg('SHOW max_connections')[0][0]}\n"
            "shared_buffers = 32MB\n"
            "fsync = off\n",  # a throw-away copy: no syncing its files at start
            "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
            "pg_ident.conf": "",
        }
        for name, text in conf.items():
            path = self.dir / name
            path.write_text(text)
            if os.geteuid() == 0:
                pw = pwd.getpwnam("postgres")
                os.chown(path, pw.pw_uid, pw.pw_gid)
        done = as_postgres(
            [
                pg_bin("pg_ctl"),
                "-D",
                str(self.dir),
                "-l",
                str(self.dir / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ],
            timeout=timeout,
        )
        assert done.returncode == 0, f"the replica did not start: {done.stderr[-1000:]} {self.log()}"
        self.started = True

    def log(self) -> str:
        path = self.dir / "server.log"
        return path.read_text()[-2000:] if path.exists() else ""

    def sql(self, statement: str, *params, dbname: str = "postgres"):
        return pg(statement, *params, port=self.port, dbname=dbname)

    def wait_caught_up(self, timeout: float = 30) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        target = pg("SELECT pg_current_wal_lsn()::text")[0][0]
        deadline = time.monotonic() + timeout
        while not self.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target)[0][0]:
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.started:
            as_postgres(
                [pg_bin("pg_ctl"), "-D", str(self.dir), "-m", "immediate", "-w", "-t", "30", "stop"],
                timeout=60,
            )
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)


class Process:
    """A command in its own process group (a Celery worker's pool goes with it), logging to a file."""

    def __init__(self, argv: list[str], env: dict, log_path: Path):
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            argv, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """kill -9: the machine died."""
        with _gone():
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.alive:
            with _gone():
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                with _gone():
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        with _gone():
            os.killpg(self.proc.pid, signal.SIGKILL)  # what a worker's main process left behind
        self.log.close()

    def text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")


class _gone:  # noqa: N801 - a context manager: a process that already ended is fine
    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        return kind is not None and issubclass(kind, ProcessLookupError | ChildProcessError)


def carecircle(*args: str) -> list[str]:
    return [sys.executable, "-m", "carecircle.cli", *args]


def run(env: dict, *args: str, timeout: float = 120, stdin: str | None = None) -> str:
    done = subprocess.run(
        carecircle(*args), env=env, capture_output=True, text=True, timeout=timeout, input=stdin
    )
    assert done.returncode == 0, f"carecircle {' '.join(args)}: {done.stderr[-3000:]}"
    return done.stdout


def shell_json(env: dict, script: str, timeout: float = 120) -> dict:
    """Run a script in `carecircle manage shell`; it prints one line `RESULT {json}`."""
    out = run(env, "manage", "shell", "-c", script, timeout=timeout)
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def wait_healthy(url: str, proc: Process, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.alive, f"{url} exited: {proc.text()[-2000:]}"
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not become healthy: {proc.text()[-2000:]}")


def wait_for_log(proc: Process, marker: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while marker not in proc.text():
        assert proc.alive, f"exited: {proc.text()[-2000:]}"
        assert time.monotonic() < deadline, f"no “{marker}” in {proc.log_path.name}: {proc.text()[-2000:]}"
        time.sleep(0.3)


HAPROXY_CONFIG = """\
global
    maxconn 2000
    log stderr format raw local0 notice

defaults
    mode http
    log global
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A connection the server refused or never answered is tried on the other server.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response

frontend www
    bind 127.0.0.1:{port}
    default_backend servers
    # Only requests that are safe to repeat are retried after the server took them and died: the
    # device intake is idempotent (event id / beat id); other POSTs are answered 502 instead.
    acl idempotent_post path /api/v1/alarms /api/v1/devices/heartbeat
    http-request disable-l7-retry if METH_POST !idempotent_post

backend servers
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    # A saturated server answers /healthz slowly too: three failed checks 2 s apart take a server
    # out (a dead one is avoided at once: its refused connections are retried on the other).
    timeout check 3s
    default-server inter 2s fastinter 1s fall 3 rise 2
    http-response set-header X-Served-By %s
{servers}
"""


class Balancer:
    def __init__(self, backends: dict[str, int], folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        servers = "\n".join(f"    server {name} 127.0.0.1:{port} check" for name, port in backends.items())
        self.config = folder / "haproxy.cfg"
        self.config.write_text(HAPROXY_CONFIG.format(port=self.port, servers=servers))
        check = subprocess.run(
            ["haproxy", "-c", "-f", str(self.config)], capture_output=True, text=True, timeout=30
        )
        assert check.returncode == 0, check.stdout + check.stderr
        self.process = Process(
            ["haproxy", "-db", "-f", str(self.config)], dict(os.environ), folder / "haproxy.log"
        )

    def stop(self) -> None:
        self.process.stop()
