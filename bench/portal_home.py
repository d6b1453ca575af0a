"""The resident home page (/portal/) under load: 1,000 different residents at 50 concurrent requests.

    python bench/portal_home.py [--scale 0.1] [--concurrency 50] [--rounds 2] [--database-url postgres://…]

--scale 1 is the issue's figure: 1,000 residents (issue 19, Speed: p95 under 300 ms on SQLite and
PostgreSQL). A throw-away database (SQLite, or the PostgreSQL database named by --database-url,
dropped and created afresh) gets a community, a home-care provider and, per resident, an account
with a session: half are an older person's own account, half a family (子女) account linked
(ACTIVE) to two parents; every person has a home-care visit today and every account two messages
in its inbox. The real server (uvicorn, ASGI, as `carecircle serve` runs it, one process per core
unless --workers says otherwise) starts on loopback;
--concurrency threads over keep-alive connections fetch every resident's home page --rounds times,
in an order shuffled across residents. --client wrk drives the same load with wrk (Debian's `wrk`,
C: its 50 connections cost the shared cores far less than 50 Python threads) for --seconds, each
request taking the next resident's session. The baseline, measured in the same run at the same
concurrency: a bare request (/healthz) to the same server. Reports p50/p95/p99 of both, their
ratio, the errors and whether p95 is under 300 ms. The last line is JSON.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from _setup import BENCH_VAULT_KEY, fresh_postgres  # noqa: E402

FULL = 1000
TARGET_P95_MS = 300.0
COMMUNITY = "339901001001"


def percentile(values, q):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_of(user) -> str:
    """A session cookie for `user`, marked as the sign-in marks one (core/signin.py refuses others)."""
    from django.test import Client

    from carecircle.core import signin

    client = Client()
    client.force_login(user)
    session = client.session
    signin.mark(session, user, second_factor=True)
    session.save()
    return client.cookies["sessionid"].value


def setup_city(residents: int) -> list[str]:
    """The residents, their persons, visits today and messages; answers one session per resident."""
    from django.core.management import call_command
    from django.utils import timezone

    from carecircle.core.models import RoleGrant, User
    from carecircle.core.services import region_upsert
    from carecircle.homecare.catalogue import catalogue_sync
    from carecircle.homecare.models import Order, Provider, ServiceCategory, ServiceItem
    from carecircle.portal.services import messages_queue_bulk
    from carecircle.portal.types import MessageKind, MessageSpec
    from carecircle.registry.identity import with_check_digit
    from carecircle.registry.models import FamilyContact
    from carecircle.registry.services import person_create

    call_command("migrate", verbosity=0)
    for code, name in [
        ("330000000000", "浙江省"),
        ("339900000000", "示范市"),
        ("339901000000", "东湖区"),
        ("339901001000", "文新街道"),
        (COMMUNITY, "桂花社区"),
    ]:
        region_upsert(actor=None, code=code, name=name, latitude=30.29, longitude=120.12)
    admin = User.objects.create_user(username="bench_admin", password="Bench#Passw0rd1", display_name="admin")
    RoleGrant.objects.create(user=admin, role="city_admin", region_id="339900000000")
    catalogue_sync(ServiceCategory, ServiceItem)
    item = ServiceItem.objects.order_by("pk").first()
    provider = Provider.objects.create(name="安康居家服务中心", region_code="339901000000")
    start = timezone.localtime().replace(hour=20, minute=0, second=0, microsecond=0)
    sessions, specs, seq = [], [], 0

    def person(n: int, user=None):
        nonlocal seq
        seq += 1
        day = datetime.date(1940, 1, 1) + datetime.timedelta(days=seq // 1000)
        p = person_create(
            actor=admin,
            name=f"压测老人{seq}",
            region_code=COMMUNITY,
            id_number=with_check_digit(f"330106{day:%Y%m%d}{seq % 1000:03d}"),
            latitude=30.29,
            longitude=120.12,
        )
        if user is not None:
            p.user = user
            p.save(update_fields=["user"])
        Order.objects.create(
            region_code=COMMUNITY, person=p, item=item, provider=provider, window_start=start,
            window_end=start + datetime.timedelta(hours=1), address="桂花苑", address_masked="桂花苑****",
            channel="phone", price=Decimal("40.00"), status="accepted", idempotency_key=f"bench-{seq}",
        )  # fmt: skip
        return p

    for n in range(residents):
        user = User(username=f"bench_r{n}", display_name=f"居民{n}")
        user.set_unusable_password()
        user.save()
        RoleGrant.objects.create(user=user, role="resident", region_id=COMMUNITY)
        if n % 2 == 0:
            person(n, user)  # the older person's own account
        else:
            for _ in range(2):  # a family account linked to two parents
                parent = person(n)
                FamilyContact.objects.create(
                    person=parent, region_code=COMMUNITY, user=user, name=f"居民{n}", relation="女儿",
                    link_state="active",
                )  # fmt: skip
        specs += [
            MessageSpec(
                key=f"bench-home:{n}:{k}",
                kind=MessageKind.NOTICE,
                region_code=COMMUNITY,
                title="社区通知",
                body="本周六上午社区卫生服务中心义诊。",
                recipient_id=user.pk,
            )
            for k in range(2)
        ]
        sessions.append(session_of(user))
    messages_queue_bulk(specs)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the statistics autovacuum would have gathered on a city in use
    return sessions


def fetch_all(port: int, paths_cookies: list[tuple[str, str]], concurrency: int):
    """Each (path, session) once, `concurrency` at a time over keep-alive connections; answers the
    times in ms and the errors (status other than 200)."""
    local = threading.local()
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def one(pc):
        path, cookie = pc
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        t = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            r.read()
            status = r.status
        except (OSError, http.client.HTTPException) as e:
            local.conn = None
            with lock:
                errors.append(type(e).__name__)
            return
        ms = (time.perf_counter() - t) * 1000
        with lock:
            times.append(ms)
            if status != 200:
                errors.append(str(status))

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, paths_cookies))
    return times, errors


WRK_SCRIPT = """
local cookies = {%s}
local next_id = 0
function setup(thread) thread:set("offset", next_id * 499); next_id = next_id + 1 end
function init(args) i = offset or 0 end
function request()
  i = i + 1
  local c = cookies[(i %% #cookies) + 1]
  if c == "" then return wrk.format("GET", "%s") end
  return wrk.format("GET", "%s", {["Cookie"] = "sessionid=" .. c})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "requests": %%d, '
    .. '"duration_us": %%d, "non2xx": %%d, "errors": %%d}\\n', latency:percentile(50),
    latency:percentile(95), latency:percentile(99), summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


def wrk_run(port: int, path: str, cookies: list[str], concurrency: int, seconds: int) -> dict:
    """`path` under wrk for `seconds` at `concurrency` connections, each request the next cookie."""
    quoted = ", ".join(f'"{c}"' for c in cookies)
    with tempfile.TemporaryDirectory(prefix="cc-wrk-") as folder:
        script = Path(folder) / "load.lua"
        script.write_text(WRK_SCRIPT % (quoted, path, path))
        out = subprocess.run(
            ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "20s", "-s", str(script),
             f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    got = json.loads(out.split("WRKJSON ", 1)[1].splitlines()[0])
    return {
        "summary": {f"{k}_ms": round(got[f"{k}_us"] / 1000, 1) for k in ("p50", "p95", "p99")},
        "requests": got["requests"],
        "per_second": round(got["requests"] / (got["duration_us"] / 1e6), 1),
        "errors": got["non2xx"] + got["errors"],
    }


def cpu_ticks(server_pid: int) -> tuple[int, int] | None:
    """CPU time (clock ticks, user + system) used so far by the server's processes, and by the local
    database server's (PostgreSQL's backends); None where /proc is not there to read."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return None
    server = database = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        # fields[1] is the parent, [2] the process group; [11], [12] user and system time
        if int(fields[2]) == server_pid:
            server += int(fields[11]) + int(fields[12])
        elif name == "postgres":
            database += int(fields[11]) + int(fields[12])
    return server, database


def summary(times):
    return {
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "p99_ms": round(percentile(times, 99), 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = 1,000 residents")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="home pages fetched per resident")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--client", choices=["threads", "wrk"], default="threads")
    parser.add_argument("--seconds", type=int, default=20, help="--client wrk: seconds of load")
    parser.add_argument(
        "--pool-size",
        type=int,
        default=None,
        help="idle database connections kept per server process (CARECIRCLE_DB_POOL_SIZE; 0: none)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes (carecircle serve --workers)",
    )
    args = parser.parse_args()
    if args.client == "wrk" and shutil.which("wrk") is None:
        parser.error("--client wrk needs wrk: apt-get install wrk (or leave --client at threads)")
    residents = max(2, round(FULL * args.scale))
    if args.database_url:
        fresh_postgres(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    home = tempfile.mkdtemp(prefix="cc-bench-home-")
    os.environ["CARECIRCLE_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecircle.core.settings")
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ.setdefault("CARECIRCLE_VAULT_KEY", BENCH_VAULT_KEY)
    if args.pool_size is not None:
        os.environ["CARECIRCLE_DB_POOL_SIZE"] = str(args.pool_size)
    import django

    django.setup()
    print(f"setting up {residents} residents in {home} …", flush=True)
    made = time.perf_counter()
    sessions = setup_city(residents)
    setup_seconds = time.perf_counter() - made
    from django.conf import settings
    from django.db import connection

    vendor = connection.vendor
    connection.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "carecircle.core.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--lifespan", "off", "--workers", str(args.workers)],
        env=os.environ | {"PYTHONPATH": str(ROOT / "src")},
        cwd=str(ROOT),
        start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        fetch_all(port, [("/portal/", s) for s in sessions[: args.concurrency]], args.concurrency)  # warm-up
        work = [("/portal/", s) for s in sessions] * args.rounds
        random.Random(19).shuffle(work)
        ticks_before = cpu_ticks(server.pid)
        if args.client == "wrk":
            shuffled = [c for _p, c in work]
            page_run = wrk_run(port, "/portal/", shuffled, args.concurrency, args.seconds)
            ticks_after = cpu_ticks(server.pid)
            floor_run = wrk_run(port, "/healthz", [""], args.concurrency, max(5, args.seconds // 2))
        else:
            began = time.perf_counter()
            times, errors = fetch_all(port, work, args.concurrency)
            wall = time.perf_counter() - began
            ticks_after = cpu_ticks(server.pid)
            base, base_errors = fetch_all(port, [("/healthz", "")] * len(work), args.concurrency)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    if args.client == "wrk":
        page, floor = page_run["summary"], floor_run["summary"]
        requests, rate = page_run["requests"], page_run["per_second"]
        errors, base_errors = ["non-2xx"] * page_run["errors"], ["non-2xx"] * floor_run["errors"]
    else:
        page, floor = summary(times), summary(base)
        requests, rate = len(work), round(len(times) / wall, 1)
    print(
        json.dumps(
            {
                "bench": "portal_home",
                "database": vendor,
                "scale": args.scale,
                "residents": residents,
                "concurrency": args.concurrency,
                "workers": args.workers,
                "pool_size": settings.CARECIRCLE_DB_POOL_SIZE,
                "client": args.client,
                "requests": requests,
                "setup_seconds": round(setup_seconds, 1),
                "home": page,
                "baseline_healthz": floor,
                "p95_ratio_to_baseline": round(page["p95_ms"] / floor["p95_ms"], 1)
                if floor["p95_ms"]
                else None,
                "pages_per_second": rate,
                # what a page costs the shared cores, steadier than the rates when the machine is noisy
                "cpu_ms_per_page": {
                    part: round((after - before) / os.sysconf("SC_CLK_TCK") * 1000 / requests, 2)
                    for part, before, after in zip(
                        ("server", "database"), ticks_before, ticks_after, strict=True
                    )
                }
                if ticks_before is not None and ticks_after is not None
                else None,
                "errors": len(errors) + len(base_errors),
                "error_kinds": sorted(set(errors + base_errors)),
                "load_average": os.getloadavg()[0],
                "p95_under_300_ms": page["p95_ms"] < TARGET_P95_MS and not errors,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
