"""More than one machine, on one machine (issue 14 item 7, "Done when": the two-server, replica,
per-region-queue layout runs in CI on PostgreSQL).

One test starts the layout on a database of its own — the machine's PostgreSQL as the primary, a
streaming replica in a second cluster, Redis as the broker, two `carecircle serve` behind HAProxy,
a worker on the default queue (the only beat) and one on each district's queue — and, through the
balancer only:

- signs two officials in (the session is in the database: every request, on either server, is
  signed in) and sees both servers answer;
- uploads an import for 东湖区: processed by the worker of the east queue, every row stored once;
- runs 东湖区's payroll on the east queue, approved by the second official (four eyes), and again
  (nothing is written twice);
- shows a read-only page served from the replica: with the replica's replay paused, a person just
  created is found by the client that created it (read-after-write: the primary) and not by another
  client (the replica); after the replay resumes, by both;
- sends a burst of device alarms and kills one server in the middle (kill -9): the balancer routes
  around it, the devices resend what was not acknowledged, every alarm is stored exactly once.

It runs once, in the PostgreSQL pass of CI (about a minute on a quiet machine), and cleans up every
process, the replica's folder and its database.
"""

import concurrent.futures
import csv
import datetime
import io
import os
import re
import shutil
import time
import uuid
from pathlib import Path

import pytest
import requests

from ..conftest import skip_or_fail
from . import layout

pytestmark = pytest.mark.slow

PASSWORD = "Sc4le#Out-2026-pw"
EAST, WEST = "339901000000", "339902000000"
ALARMS = 300
SEED = """
import datetime, io, json
from django.db import transaction
from carecircle.alarms import services as alarms
from carecircle.benefits import defaults, services as benefits
from carecircle.benefits.models import Fund
from carecircle.core import demo
from carecircle.core.management.commands.generate import CITY_CODE, Command
from carecircle.core.models import Region, RoleGrant, User
from carecircle.registry.models import Person

steps = demo.steps
demo.steps = lambda: [m for m in steps() if m.__name__ == "carecircle.registry.demo"]
Command(stdout=io.StringIO()).handle(scale=0.0001, seed=2026, fresh=False, today=None)
with transaction.atomic():
    defaults.install(actor=None, region_code=CITY_CODE)
    for fund in Fund.objects.all():
        benefits.fund_appropriate(actor=None, fund=fund, amount="100000000", key=f"scaleout:{fund.pk}")
secrets = {}
for name, role, region in [("east_a", "district_official", "339901000000"),
                           ("east_b", "district_official", "339901000000")]:
    user = User.objects.create_user(name, password=PASSWORD, display_name=name,
                                     totp_secret=TOTP[name], totp_enabled=True)
    RoleGrant.objects.create(user=user, role=role, region_id=region)
admin = User.objects.get(username="admin")
tokens = []
for district in ("339901", "339902"):
    for person in Person.objects.filter(region_code__startswith=district).order_by("pk")[:10]:
        device, token = alarms.device_register(actor=admin, person=person, kind="sos",
                                               serial=f"SO-{person.pk}", heartbeat_seconds=3600)
        tokens.append(token)
communities = {d: Region.objects.filter(code__startswith=d, level=5).order_by("code").values_list("code", flat=True)[0]
               for d in ("339901", "339902")}
print("RESULT " + json.dumps({"tokens": tokens, "communities": communities,
                              "people": Person.objects.count()}))
"""
PAYROLL = """
import json
from carecircle.benefits import engine, tasks
from carecircle.core.models import User
from carecircle.core.tasks import enqueue
from django.utils import timezone
month = engine.month_of(timezone.localdate())
enqueue(tasks.region_payroll, month=month, region_code="339901000000",
        actor_id=User.objects.get(username="east_a").pk)
print("RESULT " + json.dumps({"month": month}))
"""


@pytest.fixture
def requirements(postgres, redis_url):
    if not shutil.which("haproxy"):
        skip_or_fail("needs Debian's haproxy package (apt-get install haproxy): the load balancer")
    try:
        layout.pg("SELECT 1")
        layout.pg_bin("pg_basebackup")
    except Exception as exc:  # noqa: BLE001
        skip_or_fail(
            f"needs the PostgreSQL server and its programs at {layout.PG_HOST}:{layout.PG_PORT}: {exc}"
        )
    if os.geteuid() != 0 and os.environ.get("USER") != "postgres":
        skip_or_fail("starts a second PostgreSQL cluster: runs as root (or the postgres user)")
    try:
        layout.allow_local_replication()
    except PermissionError as exc:
        skip_or_fail(f"the primary's pg_hba.conf must allow replication from 127.0.0.1: {exc}")
    # A Redis database of its own (the suite's tests use REDIS_URL's), emptied before and after.
    return re.sub(r"/\d*$", "", redis_url.rstrip("/")) + "/13"


class Client:
    """Someone using the site through the balancer (a browser's cookies: session, CSRF, the
    replica router's short 'read from the primary' cookie)."""

    def __init__(self, base: str):
        self.base, self.http, self.served_by = base, requests.Session(), []

    def _note(self, answer):
        self.served_by.append(answer.headers.get("X-Served-By"))
        return answer

    def get(self, path, **kw):
        return self._note(self.http.get(self.base + path, timeout=30, **kw))

    def post(self, path, **kw):
        headers = {"X-CSRFToken": self.http.cookies.get("csrftoken", ""), **kw.pop("headers", {})}
        return self._note(self.http.post(self.base + path, timeout=60, headers=headers, **kw))

    def sign_in(self, username: str, secret: str):
        import pyotp

        self.get("/accounts/login/")
        answer = self.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.http.cookies["csrftoken"],
            },
        )
        assert "/accounts/otp/" in answer.url, (answer.status_code, answer.url)
        answer = self.post(
            "/accounts/otp/",
            data={"code": pyotp.TOTP(secret).now(), "csrfmiddlewaretoken": self.http.cookies["csrftoken"]},
        )
        assert answer.status_code == 200 and "/accounts/" not in answer.url, (answer.status_code, answer.url)

    def forget_recent_write(self):
        """What a browser does CARECIRCLE_REPLICA_STICKY_SECONDS after its last POST."""
        self.http.cookies.pop("cc_primary", None)


def _poll(fetch, done, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        assert time.monotonic() < deadline, f"{what}: still {value!r}"
        time.sleep(0.3)


def _ran(worker: layout.Process, task: str) -> int:
    """How many runs of `task` this Celery worker finished (its log: "Task …[id] succeeded")."""
    return len(re.findall(rf"Task [\w.]*\.{task}\[[\w-]+\] succeeded", worker.text()))


def _import_file(communities: dict, rows: int) -> bytes:
    from ..conftest import id_number

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "身份证号", "社区代码", "联系电话", "居住地址"])
    for n in range(rows):
        birth = datetime.date(1940 + n % 20, 1 + n % 12, 1 + n % 27)
        writer.writerow(
            [
                f"导入{n}",
                id_number(birth, 500 + n, place="339901"),
                communities["339901"],
                "13900001111",
                "东湖区测试路1号",
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def _alarm_burst(base: str, tokens: list[str], count: int, on_progress) -> dict:
    """Devices send `count` alarms through the balancer, 8 at a time; a device resends an alarm
    until it is acknowledged (what the device protocol asks of them)."""
    now = datetime.datetime.now(datetime.UTC).isoformat()
    answers = {"served_by": [], "resent": 0, "acked": set()}

    def send(n: int):
        token = tokens[n % len(tokens)]
        body = {"event_id": f"burst-{n}", "kind": "sos", "device_time": now}
        for attempt in range(40):
            try:
                r = requests.post(
                    f"{base}/api/v1/alarms",
                    json=body,
                    timeout=10,
                    headers={"Authorization": f"Bearer {token}"},
                )
                if r.status_code in (200, 201):
                    return n, r.headers.get("X-Served-By"), attempt
                assert r.status_code in (502, 503, 504), (r.status_code, r.text[:300])
            except requests.ConnectionError:
                pass
            time.sleep(0.25)
        raise AssertionError(f"alarm {n} never acknowledged")

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(send, n) for n in range(count)]
        for i, future in enumerate(concurrent.futures.as_completed(futures)):
            n, server, attempts = future.result()
            answers["acked"].add(n)
            answers["served_by"].append(server)
            answers["resent"] += attempts
            on_progress(i + 1)
    return answers


def test_two_servers_a_replica_and_regional_queues(requirements, tmp_path):
    import pyotp

    started = time.monotonic()
    broker = requirements
    import redis

    redis.Redis.from_url(broker).flushdb()
    dbname = f"cc_scaleout_{uuid.uuid4().hex[:8]}"
    home = tmp_path / "home"
    procs: list[layout.Process] = []
    replica = layout.Replica()
    balancer = None
    layout.pg(f"CREATE DATABASE {dbname}")
    try:
        totp = {name: pyotp.random_base32() for name in ("east_a", "east_b")}
        env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
        env.update(
            CARECIRCLE_HOME=str(home),
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{dbname}",
            CARECIRCLE_VAULT_KEY="scaleout-vault-key-test-only",
            CARECIRCLE_SECRET_KEY="scaleout-secret-key-test-only-" + "x" * 20,
            CELERY_BROKER_URL=broker,
            CARECIRCLE_REGION_QUEUES="339901=east,339902=west",
            CARECIRCLE_LOG_FORMAT="text",
            CARECIRCLE_PAYROLL_WORKERS="1",
        )
        layout.run(env, "migrate", "-v", "0", timeout=240)
        seed = layout.shell_json(env, f"PASSWORD = {PASSWORD!r}\nTOTP = {totp!r}\n" + SEED, timeout=180)
        assert seed["people"] >= 200, seed

        # The replica: a base backup of the primary (with this database in it), then streaming.
        replica.start()
        replica.wait_caught_up()
        env["DATABASE_REPLICA_URL"] = f"postgres://postgres@127.0.0.1:{replica.port}/{dbname}"
        servers = {name: layout.free_port() for name in ("s1", "s2")}
        for name, port in servers.items():
            procs.append(
                layout.Process(layout.carecircle("serve", "--port", str(port)), env, tmp_path / f"{name}.log")
            )
        workers = {
            "default": layout.Process(
                layout.carecircle("worker", "--queues", "celery", "--concurrency", "1"),
                env,
                tmp_path / "worker-default.log",
            ),
            "east": layout.Process(
                layout.carecircle("worker", "--queues", "east", "--no-beat", "--concurrency", "1"),
                env,
                tmp_path / "worker-east.log",
            ),
            "west": layout.Process(
                layout.carecircle("worker", "--queues", "west", "--no-beat", "--concurrency", "1"),
                env,
                tmp_path / "worker-west.log",
            ),
        }
        procs += workers.values()
        for port, proc in zip(servers.values(), procs, strict=False):
            layout.wait_healthy(f"http://127.0.0.1:{port}", proc)
        for proc in workers.values():
            layout.wait_for_log(proc, "ready.")
        balancer = layout.Balancer(servers, tmp_path)
        procs.append(balancer.process)
        layout.wait_healthy(balancer.url, balancer.process, timeout=20)
        _poll(
            lambda: {
                requests.get(balancer.url + "/healthz", timeout=5).headers.get("X-Served-By")
                for _ in range(4)
            },
            lambda s: s == {"s1", "s2"},
            20,
            "both servers in the balancer",
        )
        layout_seconds = time.monotonic() - started

        # Sign-in through the balancer; the session works on either server.
        east_a, east_b = Client(balancer.url), Client(balancer.url)
        east_a.sign_in("east_a", totp["east_a"])
        east_b.sign_in("east_b", totp["east_b"])
        east_a.served_by.clear()
        for _ in range(6):
            page = east_a.get("/people/", allow_redirects=False)
            assert page.status_code == 200, (page.status_code, page.headers.get("Location"))
        assert set(east_a.served_by) == {"s1", "s2"}, east_a.served_by

        # An import for 东湖区: queued on "east", run by the east worker, every row stored once.
        upload = east_a.post(
            "/api/v1/imports",
            files={"file": ("people.csv", _import_file(seed["communities"], 120), "text/csv")},
        )
        assert upload.status_code == 202, upload.text[:500]
        job = _poll(
            lambda: east_a.get(f"/api/v1/imports/{upload.json()['id']}").json(),
            lambda j: j["state"] in ("done", "failed"),
            90,
            "the import",
        )
        assert (job["state"], job["created_count"], job["rejected_count"], job["processed_rows"]) == (
            "done",
            120,
            0,
            120,
        ), job
        assert _ran(workers["east"], "import_people") == 1
        assert _ran(workers["default"], "import_people") == _ran(workers["west"], "import_people") == 0

        # 东湖区's payroll on the east queue, approved by the second official; run again: nothing new.
        month = layout.shell_json(env, PAYROLL)["month"]

        def batches(client):
            answer = client.get("/api/v1/benefits/payrolls")
            assert answer.status_code == 200, answer.text[:300]
            return [b for b in answer.json() if b["month"] == month and b["region_code"] == EAST]

        prepared = _poll(lambda: batches(east_b), bool, 90, "the payroll's batches")
        _poll(lambda: _ran(workers["east"], "region_payroll"), bool, 60, "the payroll task finished")
        prepared = batches(east_b)
        assert prepared and all(b["prepared_by"] == "east_a" for b in prepared), prepared
        lines = sum(b["line_count"] for b in prepared)
        assert lines > 0
        for batch in prepared:
            refused = east_a.post(f"/api/v1/benefits/payrolls/{batch['id']}/approve", json={"note": ""})
            assert refused.status_code in (403, 409, 422), refused.text[:300]  # four eyes: not the preparer
            approved = east_b.post(
                f"/api/v1/benefits/payrolls/{batch['id']}/approve", json={"note": "核对无误"}
            )
            assert approved.status_code == 200 and approved.json()["approved_by"] == "east_b", approved.text[
                :300
            ]
        layout.shell_json(env, PAYROLL)
        _poll(lambda: _ran(workers["east"], "region_payroll") == 2, bool, 60, "the second payroll run")
        again = batches(east_b)
        assert sorted(b["id"] for b in again) == sorted(b["id"] for b in prepared), again
        assert _ran(workers["default"], "region_payroll") == _ran(workers["west"], "region_payroll") == 0

        # Read-only pages from the replica; read-after-write from the primary.
        replica.wait_caught_up()
        replica.sql("SELECT pg_wal_replay_pause()")
        _poll(
            lambda: replica.sql("SELECT pg_get_wal_replay_pause_state()")[0][0],
            lambda s: s == "paused",
            10,
            "the replica's replay pause",
        )
        from ..conftest import id_number

        created = east_a.post(
            "/api/v1/persons",
            json={
                "name": "复制验证",
                "id_number": id_number(datetime.date(1945, 5, 5), 991, place="339901"),
                "region_code": seed["communities"]["339901"],
            },
        )
        assert created.status_code == 201, created.text[:300]

        def found(client):
            answer = client.get("/api/v1/persons", params={"q": "复制验证"})
            assert answer.status_code == 200, answer.text[:300]
            return answer.json()["count"]

        assert found(east_a) == 1  # the client that wrote reads from the primary (a few seconds)
        east_b.forget_recent_write()
        assert found(east_b) == 0  # served from the paused replica
        report = east_b.get("/people/", params={"q": "复制验证"})  # the page, too
        link = f'href="/people/{created.json()["id"]}/"'
        assert report.status_code == 200 and link not in report.text
        replica.sql("SELECT pg_wal_replay_resume()")
        _poll(lambda: found(east_b), lambda n: n == 1, 20, "the replica catching up")
        assert link in east_b.get("/people/", params={"q": "复制验证"}).text
        for port in servers.values():
            text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
            reads = dict(re.findall(r'carecircle_db_reads_total\{database="(\w+)"\} ([\d.e+]+)', text))
            assert float(reads.get("replica", 0)) > 0, text[-1500:]

        # A burst of device alarms; one server killed (kill -9) in the middle of it.
        killed = {}

        def progress(done: int):
            if done == ALARMS // 3 and not killed:
                procs[0].kill()
                killed["at"] = done

        burst = _alarm_burst(balancer.url, seed["tokens"], ALARMS, progress)
        assert killed and not procs[0].alive
        assert len(burst["acked"]) == ALARMS
        assert {"s1", "s2"} <= set(burst["served_by"]), burst["served_by"][:20]
        assert burst["served_by"][-50:] == ["s2"] * 50  # routed around the dead server
        stored = layout.pg(
            "SELECT count(*), count(DISTINCT event_id) FROM alarms_alarm WHERE event_id LIKE 'burst-%%'",
            dbname=dbname,
        )
        assert stored == [(ALARMS, ALARMS)], stored  # every alarm once: none lost, none twice
        # Writes on the primary only: the replica (a hot standby) would have refused any.
        logs = "".join(p.text() for p in procs)
        assert "read-only transaction" not in logs
        assert time.monotonic() - started < 240, f"the layout test took {time.monotonic() - started:.0f} s"
        connections = layout.pg("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", dbname)[0][0]
        print(
            f"layout up in {layout_seconds:.1f} s; whole test {time.monotonic() - started:.1f} s; "
            f"alarms resent after the kill: {burst['resent']}; connections to the primary: {connections}"
        )
    finally:
        for proc in reversed(procs):
            proc.stop()
        replica.stop()
        layout.pg(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        import redis

        redis.Redis.from_url(broker).flushdb()
    assert not Path(replica.dir).exists()
