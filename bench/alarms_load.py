"""Load benchmark of the call platform: alarms from devices to a connected operator console.

    python bench/alarms_load.py [--scale S] [--rate R] [--devices N] [--workers W] [--database-url URL]

Starts the real server (uvicorn, ASGI, the layout `carecircle serve` uses) on loopback against a
throw-away database (SQLite, or the PostgreSQL database named by --database-url, dropped and
created afresh), connects one operator console over server-sent events and a second console, the
supervisor's wallboard, polling its figures (/alarms/wallboard/figures/, every --wallboard-seconds),
signs the operator on a shift at the district's centre (so that routing rings the calls left
waiting), and from this process sends alarms at R per second (default 200) for 60 × S seconds
(default S = 0.1: 6 s) with device tokens over keep-alive connections. It reports how many alarms
were sent, acknowledged, stored and shown on the console (all must be equal), how many were lost
(acknowledged but not stored or not shown) and duplicated (stored or shown twice), the p50/p99 time
from the device's request to the console receiving the incident event, the p99 of the intake (the
device's request to its acknowledgement) and of the wallboard's figures, against the floor: the
round trip of a bare HTTP request (/healthz) to the same server, measured in the same run. The
last line is JSON.
"""

import argparse
import datetime
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from _alarms_consoles import Console, Wallboard  # noqa: E402
from _setup import BENCH_VAULT_KEY, fresh_postgres  # noqa: E402


def percentile(values, q):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_city(devices: int):
    """Regions, an operator, people with one SOS pendant each; returns (session cookie, tokens)."""
    from django.core.management import call_command

    from carecircle.alarms.services import device_register
    from carecircle.core.models import RoleGrant, User
    from carecircle.core.services import region_upsert
    from carecircle.registry.identity import with_check_digit
    from carecircle.registry.services import person_create

    call_command("migrate", verbosity=0)
    for code, name in [
        ("330000000000", "浙江省"),
        ("339900000000", "示范市"),
        ("339901000000", "东湖区"),
        ("339901001000", "文新街道"),
        ("339901001001", "桂花社区"),
    ]:
        region_upsert(actor=None, code=code, name=name, latitude=30.29, longitude=120.12)
    admin = User.objects.create_user(username="bench_admin", password="Bench#Passw0rd1", display_name="admin")
    RoleGrant.objects.create(user=admin, role="city_admin", region_id="339900000000")
    operator = User.objects.create_user(username="bench_op", password="Bench#Passw0rd1", display_name="坐席")
    RoleGrant.objects.create(user=operator, role="operator", region_id="339901000000")
    tokens = []
    birth = datetime.date(1950, 5, 1)
    for n in range(devices):
        day = birth + datetime.timedelta(days=n // 1000)  # 1,000 sequence numbers a birth date
        person = person_create(
            actor=admin,
            name=f"压测{n}",
            region_code="339901001001",
            id_number=with_check_digit(f"330106{day:%Y%m%d}{n % 1000:03d}"),
        )
        _device, token = device_register(
            actor=admin, person=person, kind="sos", serial=f"BENCH-{n:05d}", heartbeat_seconds=3600
        )
        tokens.append(token)
    # The district's alarm-receiving centre, the operator on shift at it: routing runs during the load.
    from carecircle.alarms.services import centre_save, shift_sign_on

    centre = centre_save(actor=admin, region_code="339901000000", name="东湖区接警中心")
    shift_sign_on(actor=operator, centre=centre)
    return signed_in(operator), signed_in(admin), tokens


def signed_in(user) -> str:
    """A session cookie for `user`, marked as the sign-in marks one (core/signin.py refuses others)."""
    from django.test import Client

    from carecircle.core import signin

    client = Client()
    client.force_login(user)
    session = client.session
    signin.mark(session, user, second_factor=True)
    session.save()
    return client.cookies["sessionid"].value


def baseline(port, n=300):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        conn.request("GET", "/healthz")
        r = conn.getresponse()
        r.read()
        times.append((time.perf_counter() - t) * 1000)
    conn.close()
    return times


def send_alarms(port, tokens, rate, seconds, threads):
    """Send `rate` alarms per second for `seconds`, spread over `threads` keep-alive connections."""
    total = int(rate * seconds)
    sent_at: dict[str, float] = {}
    late = []  # ms each alarm left after its due time: a slow answer delays a connection's next alarm
    acked = []
    answered_ms = []  # the device's request to its acknowledgement (the intake as the device sees it)
    errors = []
    start = time.time() + 0.2

    def worker(k):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(k, total, threads):
            due = start + i / rate
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            event_id = f"bench-{i}"
            body = json.dumps(
                {
                    "event_id": event_id,
                    "kind": "sos",
                    "device_time": datetime.datetime.now(datetime.UTC).isoformat(),
                }
            )
            sent_at[event_id] = time.time()
            late.append((sent_at[event_id] - due) * 1000)
            try:
                conn.request(
                    "POST",
                    "/api/v1/alarms",
                    body=body,
                    headers={
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {tokens[i % len(tokens)]}",
                    },
                )
                r = conn.getresponse()
                r.read()
                answered_ms.append((time.time() - sent_at[event_id]) * 1000)
                if r.status in (200, 201):
                    acked.append(event_id)
                else:
                    errors.append(r.status)
            except OSError as exc:
                errors.append(repr(exc))
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sent_at, acked, errors, time.time() - start, late, answered_ms


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = 60 seconds")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="uvicorn processes; more than 1 fans events out through Redis (CARECIRCLE_REDIS_URL)",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=16,
        help="keep-alive connections the sender spreads the alarms over (devices send independently: "
        "enough that a slow answer does not hold back the next alarm)",
    )
    parser.add_argument(
        "--trace",
        default=None,
        help="write each alarm's timings (CSV: sent, total, intake, delivery, push in ms) to this file",
    )
    parser.add_argument(
        "--wallboard-seconds",
        type=float,
        default=1.0,
        help="how often the second console (the wallboard) fetches its figures (the page: every 5 s)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL database to drop and create for the run (default: SQLite in a temp folder)",
    )
    args = parser.parse_args()
    seconds = 60 * args.scale
    if args.database_url:
        fresh_postgres(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url

    home = tempfile.mkdtemp(prefix="cc-bench-alarms-")
    os.environ["CARECIRCLE_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecircle.core.settings")
    os.environ["CELERY_BROKER_URL"] = ""  # deliveries by each web process's own worker thread
    os.environ.setdefault("CARECIRCLE_VAULT_KEY", BENCH_VAULT_KEY)
    if args.workers > 1:
        os.environ.setdefault("CARECIRCLE_REDIS_URL", "redis://127.0.0.1:6379/14")
    import django

    django.setup()
    print(f"setting up {args.devices} devices in {home} …", flush=True)
    session, supervisor_session, tokens = setup_city(args.devices)
    from django.db import connection

    connection.close()

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "carecircle.core.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--lifespan",
            "off",
            "--workers",
            str(args.workers),
        ],
        env=os.environ | {"PYTHONPATH": str(ROOT / "src")},
        cwd=str(ROOT),
        start_new_session=True,
    )
    try:
        for _ in range(200):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        base = baseline(port)
        console = Console(port, session)
        if not console.wait_connected(10):
            raise SystemExit("console did not connect")
        board = Wallboard(port, supervisor_session, args.wallboard_seconds)
        print(f"sending {int(args.rate * seconds)} alarms at {args.rate:.0f}/s …", flush=True)
        sent_at, acked, errors, took, late, answered_ms = send_alarms(
            port, tokens, args.rate, seconds, args.connections
        )
        deadline = time.time() + 30
        while len(console.received()) < len(acked) and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)
        received = console.received()
        shown_twice, rings = console.shown_twice(), console.rings()
        console.stop()
        board_rows = board.stop()
        from django.db.models import Count

        from carecircle.alarms.models import Alarm

        stored = Alarm.objects.filter(event_id__startswith="bench-").count()
        stored_twice = sum(
            n - 1
            for n in Alarm.objects.filter(event_id__startswith="bench-")
            .values("event_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .values_list("n", flat=True)
        )
        stored_ids = set(
            Alarm.objects.filter(event_id__startswith="bench-").values_list("event_id", flat=True)
        )
        delivered = Alarm.objects.filter(event_id__startswith="bench-", delivered_at__isnull=False).count()
        shown = [e for e in acked if e in received]
        latencies = [(received[e][0] - sent_at[e]) * 1000 for e in shown]

        if args.trace:
            with open(args.trace, "w") as out:
                out.write("sent_s,total_ms,intake_ms,delivery_ms,push_ms\n")
                t0 = min(sent_at.values())
                for e in sorted(shown, key=sent_at.get):
                    at, stored_at, published = received[e]
                    out.write(
                        f"{sent_at[e] - t0:.3f},{(at - sent_at[e]) * 1000:.1f},{(stored_at - sent_at[e]) * 1000:.1f},"
                        f"{(published - stored_at) * 1000:.1f},{(at - published) * 1000:.1f}\n"
                    )

        def p50(values):
            return round(statistics.median(values), 1) if values else None

        stages = {
            # request sent -> alarm stored (intake), stored -> incident published (delivery worker),
            # published -> console received (fan-out and the event stream)
            "intake_p50_ms": p50([(received[e][1] - sent_at[e]) * 1000 for e in shown]),
            "delivery_p50_ms": p50([(received[e][2] - received[e][1]) * 1000 for e in shown]),
            "push_p50_ms": p50([(received[e][0] - received[e][2]) * 1000 for e in shown]),
        }
        result = {
            "benchmark": "alarms_load",
            "server": f"uvicorn (ASGI), {args.workers} process(es), {connection.vendor}"
            + (", Redis fan-out" if args.workers > 1 else ""),
            "rate_per_s": args.rate,
            "connections": args.connections,
            "seconds": round(seconds, 1),
            "achieved_rate_per_s": round(len(sent_at) / took, 1),
            "sent": len(sent_at),
            "acknowledged": len(acked),
            "stored": stored,
            "delivered": delivered,
            "shown_on_console": len(latencies),
            "all_equal": len(sent_at) == len(acked) == stored == len(latencies),
            "errors": len(errors),
            # acknowledged to the device but not stored, or stored but never shown on the console
            "lost": sum(1 for e in acked if e not in stored_ids or e not in received),
            "duplicated": stored_twice + shown_twice,
            "intake_p99_ms": round(percentile(answered_ms, 99), 1) if answered_ms else None,
            "wallboard_polls": len(board_rows),
            "wallboard_errors": sum(1 for status, _ms in board_rows if status != 200),
            "wallboard_p50_ms": p50([ms for _s, ms in board_rows]),
            "wallboard_p99_ms": round(percentile([ms for _s, ms in board_rows], 99), 1)
            if board_rows
            else None,
            "ring_events": rings,
            # Latencies count from the actual send; this says how much later than due that was
            # (near 0: the sender kept its schedule and hid no waiting).
            "send_late_p99_ms": round(percentile(late, 99), 1) if late else None,
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
            "max_ms": round(max(latencies), 1) if latencies else None,
            **stages,
            "bare_http_p50_ms": round(statistics.median(base), 2),
            "bare_http_p99_ms": round(percentile(base, 99), 2),
        }
        result["p99_over_bare_p99"] = (
            round(result["p99_ms"] / result["bare_http_p99_ms"], 1) if latencies else None
        )
        print(json.dumps(result, ensure_ascii=False))
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and its worker processes
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:  # uvicorn waits for the open event stream
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
