"""Pages per second of one `carecircle serve` against two behind HAProxy (docs/operations.md, "More
than one machine"; figures in docs/performance.md).

    python bench/scaleout_servers.py [--scale 0.002] [--seconds 15] [--connections 8] [--replica]

Needs PostgreSQL on 127.0.0.1:5432 (as the postgres user, trusted), Debian's haproxy and wrk. Creates
a database of its own, migrates it, generates the synthetic city's people (`carecircle generate`'s
registry step at --scale) and signs a district official in; then with `wrk` over keep-alive
connections, for --seconds each: the people list (a heavy page: the count and a page of 30 masked
rows of a district's people) on (a) one server directly, (b) one server behind HAProxy, (c) two
servers behind HAProxy, and with --replica (d) two servers reading from a streaming replica.

Besides pages per second (which on a shared machine depend on what else runs), it reports the CPU
time each page costs in the server processes (read from /proc before and after the run) and the
time PostgreSQL spent executing its statements (pg_stat_database.active_time of the database the
pages read from), which do not: a machine with C free cores answers at most
about C × 1000 / cpu_ms pages per second. Prints one line of JSON per configuration and a summary;
the database, the processes, the replica and the temporary folder are removed at the end.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.scaleout import layout  # noqa: E402 - the layout test's helpers: processes, HAProxy, replica

SESSION = """
import io, json
from carecircle.core.sessions import SessionStore
from carecircle.core import demo, signin
from carecircle.core.management.commands.generate import Command
from carecircle.core.models import User
steps = demo.steps
demo.steps = lambda: [m for m in steps() if m.__name__ == "carecircle.registry.demo"]
Command(stdout=io.StringIO()).handle(scale=SCALE, seed=2026, fresh=False, today=None)
from carecircle.registry.models import Person
user = User.objects.get(username="district")
session = SessionStore()
session.update({"_auth_user_id": str(user.pk), "_auth_user_hash": user.get_session_auth_hash(),
                "_auth_user_backend": "django.contrib.auth.backends.ModelBackend"})
signin.mark(session, user, second_factor=True)
session.create()
print("RESULT " + json.dumps({"session": session.session_key, "people": Person.objects.count()}))
"""


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def active_ms(dbname: str, port: int = 5432) -> float:
    """Milliseconds the cluster spent executing statements in this database (PostgreSQL 14+)."""
    time.sleep(1.2)  # backends report their figures at most once a second
    return float(
        layout.pg("SELECT active_time FROM pg_stat_database WHERE datname = %s", dbname, port=port)[0][0]
    )


def wrk(url: str, seconds: int, connections: int, cookie: str) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Cookie: sessionid={cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(\w+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def ms(m):
        value, unit = float(m.group(1)), m.group(2)
        return round(value * {"us": 0.001, "ms": 1, "s": 1000}[unit], 1)

    return {
        "requests_per_second": round(rps, 1),
        "p50_ms": ms(p50),
        "p99_ms": ms(p99),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.002)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--replica", action="store_true", help="also two servers reading from a streaming replica"
    )
    args = parser.parse_args()

    dbname = f"cc_bench_scaleout_{uuid.uuid4().hex[:6]}"
    folder = Path(tempfile.mkdtemp(prefix="carecircle-bench-scaleout-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(
        CARECIRCLE_HOME=str(folder / "home"),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{dbname}",
        CARECIRCLE_VAULT_KEY="bench-vault-key-not-for-production",
        CARECIRCLE_SECRET_KEY="bench-secret-key-not-for-production-xxxxxxxx",
        CARECIRCLE_LOG_FORMAT="text",
    )
    layout.pg(f"CREATE DATABASE {dbname}")
    procs, replica, results = [], None, []
    try:
        layout.run(env, "migrate", "-v", "0", timeout=600)
        seeded = layout.shell_json(env, f"SCALE = {args.scale!r}\n" + SESSION, timeout=900)

        def servers(count: int, extra: dict) -> dict[str, int]:
            ports = {f"s{i + 1}": layout.free_port() for i in range(count)}
            for name, port in ports.items():
                proc = layout.Process(
                    layout.carecircle("serve", "--port", str(port)),
                    env | extra,
                    folder / f"{name}-{len(procs)}.log",
                )
                procs.append(proc)
                layout.wait_healthy(f"http://127.0.0.1:{port}", proc)
            return ports

        def measure(label: str, url: str, count: int, db_port: int = 5432):
            page = "/people/"
            wrk(url + page, 3, args.connections, seeded["session"])  # warm-up: connections opened
            servers_pids = [p.proc.pid for p in procs if p.alive and "haproxy" not in p.log_path.name]
            before = cpu_seconds(servers_pids), active_ms(dbname, db_port)
            figures = wrk(url + page, args.seconds, args.connections, seeded["session"])
            after = cpu_seconds(servers_pids), active_ms(dbname, db_port)
            pages = figures["requests_per_second"] * args.seconds
            row = {
                "benchmark": "scaleout_servers",
                "layout": label,
                "servers": count,
                "page": page,
                "people": seeded["people"],
                "connections": args.connections,
                "seconds": args.seconds,
                "load_average": round(os.getloadavg()[0], 1),
                **figures,
                "server_cpu_ms_per_page": round(1000 * (after[0] - before[0]) / pages, 1),
                "database_ms_per_page": round((after[1] - before[1]) / pages, 1),
            }
            print(json.dumps(row, ensure_ascii=False), flush=True)
            results.append(row)

        def stop_all():
            while procs:
                procs.pop().stop()

        one = servers(1, {})
        measure("one server, direct", f"http://127.0.0.1:{one['s1']}", 1)
        balancer = layout.Balancer(one, folder)
        procs.append(balancer.process)
        time.sleep(1.5)
        measure("one server behind haproxy", balancer.url, 1)
        stop_all()
        two = servers(2, {})
        balancer = layout.Balancer(two, folder)
        procs.append(balancer.process)
        time.sleep(1.5)
        measure("two servers behind haproxy", balancer.url, 2)
        stop_all()
        if args.replica:
            layout.allow_local_replication()
            replica = layout.Replica()
            replica.start()
            replica.wait_caught_up()
            two = servers(
                2, {"DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{replica.port}/{dbname}"}
            )
            balancer = layout.Balancer(two, folder)
            procs.append(balancer.process)
            time.sleep(1.5)
            measure(
                "two servers behind haproxy, reads from the replica", balancer.url, 2, db_port=replica.port
            )
            stop_all()
    finally:
        while procs:
            procs.pop().stop()
        if replica is not None:
            replica.stop()
        layout.pg(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        shutil.rmtree(folder, ignore_errors=True)
    heavy = {r["layout"]: r["requests_per_second"] for r in results if r["page"] == "/people/"}
    base = heavy.get("one server behind haproxy") or 1
    print(
        json.dumps(
            {
                "benchmark": "scaleout_servers",
                "summary": heavy,
                "two_vs_one_behind_haproxy": round(heavy.get("two servers behind haproxy", 0) / base, 2),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
