"""A simulated shift of the call centre against the Erlang C prediction (issue 18, Speed).

    python bench/alarms_shift.py [--scale S] [--operators N] [--calls-per-hour L] [--handling H]
                                 [--answer T …] [--seed X] [--database-url URL]

Alarms arrive as a Poisson process (L an hour), each from a device of a person with no open call;
N simulated operators, signed on a shift at the district's centre, answer the first waiting call of
their console queue the moment they are free, and close it after an exponential handling time of
mean H seconds. Everything goes through the platform's own code: the alarm is stored by the intake
service (`alarm_receive`), made an incident by the delivery worker's `deliver_pending`, rung by
routing (`route_due`), picked from `selectors.queue`, answered with `incident_acknowledge` and
closed with `incident_resolve`. Time is simulated (time-machine moves the clock from event to
event), so a shift of hours runs in seconds; the real time each step takes is measured besides.

The measured share of calls answered within T seconds (from the incidents' own `opened_at` and
`acknowledged_at`) is compared with `alarms.erlang.service_level` for the same L, H and N (M/M/N,
which is what this simulation is): within a few points, the queue and routing add no delay of their
own. The first 5 % of the calls are a warm-up (the shift starts empty) and are left out. `--scale`
multiplies the number of calls (default 1: 200 calls, a minute on a quiet two-core machine; the
figures in docs/performance.md are of --scale 5). Each measured share comes with the half-width of
its 95 % confidence interval from ten batch means (consecutive calls are not independent in a
queue): a difference inside it is noise. The last line is JSON.
"""

import argparse
import datetime
import heapq
import json
import math
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import BENCH_VAULT_KEY, fresh_postgres  # noqa: E402

DISTRICT = "339901000000"
COMMUNITY = "339901001001"


def percentile(values, q):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))]


def django_ready(database_url: str | None) -> None:
    """A throw-away database with the tables made straight from the models (no migration history
    to replay: a simulation needs neither it nor the reference data; seconds instead of a minute)."""
    import os
    import tempfile

    os.environ["CARECIRCLE_HOME"] = tempfile.mkdtemp(prefix="carecircle-bench-shift-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecircle.core.settings")
    os.environ.setdefault("CARECIRCLE_VAULT_KEY", BENCH_VAULT_KEY)
    os.environ["CELERY_BROKER_URL"] = ""
    if database_url:
        fresh_postgres(database_url)
        os.environ["DATABASE_URL"] = database_url
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()

    class NoMigrations(dict):
        def __contains__(self, item):
            return True

        def __getitem__(self, item):
            return None

    settings.MIGRATION_MODULES = NoMigrations()
    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)


def setup(operators: int):
    """Regions, a city administrator, the district's centre and N operators on shift at it."""
    from carecircle.alarms.services import centre_save, shift_sign_on
    from carecircle.core.models import RoleGrant, User
    from carecircle.core.services import region_upsert

    for code, name in [
        ("330000000000", "浙江省"),
        ("339900000000", "示范市"),
        (DISTRICT, "东湖区"),
        ("339901001000", "文新街道"),
        (COMMUNITY, "桂花社区"),
    ]:
        region_upsert(actor=None, code=code, name=name, latitude=30.29, longitude=120.12)
    admin = User.objects.create_user(
        username="shift_admin", password="Bench#Passw0rd1", display_name="管理员"
    )
    RoleGrant.objects.create(user=admin, role="city_admin", region_id="339900000000")
    centre = centre_save(actor=admin, region_code=DISTRICT, name="东湖区接警中心")
    ops = []
    for n in range(operators):
        op = User.objects.create_user(
            username=f"shift_op{n}", password="Bench#Passw0rd1", display_name=f"坐席{n}"
        )
        RoleGrant.objects.create(user=op, role="operator", region_id=DISTRICT)
        shift_sign_on(actor=op, centre=centre)
        ops.append(op)
    return admin, ops


class People:
    """People with an SOS pendant each; an arriving call takes one with no open call (a second
    alarm of a person with an open call would join that call, not make a new one)."""

    def __init__(self, admin):
        self.admin = admin
        self.idle: list = []  # devices of people with no open call
        self.made = 0

    def take(self):
        if not self.idle:
            self._make()
        return self.idle.pop()

    def give_back(self, device) -> None:
        self.idle.append(device)

    def _make(self) -> None:
        from carecircle.alarms.services import device_register
        from carecircle.registry.identity import with_check_digit
        from carecircle.registry.services import person_create

        n = self.made
        self.made += 1
        day = datetime.date(1950, 5, 1) + datetime.timedelta(days=n // 1000)
        person = person_create(
            actor=self.admin,
            name=f"模拟{n}",
            region_code=COMMUNITY,
            id_number=with_check_digit(f"330106{day:%Y%m%d}{n % 1000:03d}"),
        )
        device, _token = device_register(actor=self.admin, person=person, kind="sos", serial=f"SHIFT-{n:05d}")
        self.idle.append(device)


def simulate(args, admin, ops, traveller, t0: datetime.datetime):
    from carecircle.alarms import delivery, routing, selectors, services
    from carecircle.alarms.models import IncidentState

    rng = random.Random(args.seed)
    people = People(admin)
    total = max(20, round(args.calls * args.scale))
    rate = args.calls_per_hour / 3600.0  # per second
    events: list[tuple[float, int, str, object]] = []  # (time s, order, kind, payload)
    order = 0
    t = 0.0
    for k in range(total):
        t += rng.expovariate(rate)
        order += 1
        events.append((t, order, "arrive", k))
    heapq.heapify(events)
    free: list[tuple[float, int]] = [(0.0, n) for n in range(len(ops))]  # (free since, operator index)
    holding: dict[int, tuple[int, object]] = {}  # operator index -> (incident id, device)
    device_of: dict[int, object] = {}  # incident id -> device
    path_ms: list[float] = []  # real time from storing an alarm to its answer, when an operator was free
    step_ms: list[float] = []  # real time of each event's work
    rings = 0

    def at(seconds: float) -> datetime.datetime:
        return t0 + datetime.timedelta(seconds=seconds)

    def assign(now_s: float, stored_at: dict[int, float]) -> None:
        """Free operators, longest idle first, answer the head of their console queue."""
        nonlocal order
        now = at(now_s)
        while free:
            since, n = free[0]
            waiting = [i for i in selectors.queue(user=ops[n], limit=50) if i.state == IncidentState.NEW]
            if not waiting:
                return
            heapq.heappop(free)
            incident = waiting[0]
            services.incident_acknowledge(actor=ops[n], incident_id=incident.pk, now=now)
            if incident.pk in stored_at:
                path_ms.append((time.perf_counter() - stored_at.pop(incident.pk)) * 1000)
            holding[n] = (incident.pk, device_of.pop(incident.pk))
            order += 1
            heapq.heappush(events, (now_s + rng.expovariate(1.0 / args.handling), order, "done", n))

    while events:
        now_s, _o, kind, payload = heapq.heappop(events)
        now = at(now_s)
        traveller.move_to(now)
        started = time.perf_counter()
        stored_at: dict[int, float] = {}
        if kind == "arrive":
            device = people.take()
            alarm, _created = services.alarm_receive(
                device=device,
                event_id=f"shift-{payload}",
                kind="sos",
                device_time=now,
                now=now,
                wake=False,
            )
            delivery.deliver_pending(now=now)
            alarm.refresh_from_db(fields=["incident"])
            device_of[alarm.incident_id] = device
            if free:  # answered at once if it can be: how long the platform's own path takes
                stored_at[alarm.incident_id] = started
        else:
            n = payload
            incident_id, device = holding.pop(n)
            services.incident_resolve(actor=ops[n], incident_id=incident_id, outcome="help", now=now)
            people.give_back(device)
            heapq.heappush(free, (now_s, n))
        rings += len(routing.route_due(now=now))
        assign(now_s, stored_at)
        step_ms.append((time.perf_counter() - started) * 1000)
    return total, rings, path_ms, step_ms, people.made


def model_waits(args) -> list[float]:
    """The same shift without the platform: the same random arrivals and handling times (the same
    seed, drawn in the same order) through a bare M/M/N queue in memory, first come first served.
    The platform's waits equal these when its queue and routing add nothing of their own; what is
    left between these and Erlang C is the chance of one finite sample."""
    rng = random.Random(args.seed)
    total = max(20, round(args.calls * args.scale))
    rate = args.calls_per_hour / 3600.0
    events: list[tuple[float, int, str, int]] = []
    order, t = 0, 0.0
    for k in range(total):
        t += rng.expovariate(rate)
        order += 1
        events.append((t, order, "arrive", k))
    heapq.heapify(events)
    free = [(0.0, n) for n in range(args.operators)]
    waiting: list[float] = []  # arrival times, oldest first
    waits: list[float] = []
    while events:
        now_s, _o, kind, payload = heapq.heappop(events)
        if kind == "arrive":
            waiting.append(now_s)
        else:
            heapq.heappush(free, (now_s, payload))
        while free and waiting:
            _since, n = heapq.heappop(free)
            waits.append(now_s - waiting.pop(0))
            order += 1
            heapq.heappush(events, (now_s + rng.expovariate(1.0 / args.handling), order, "done", n))
    return waits


def _ci95(hits: list[bool], batches: int = 10) -> float | None:
    """Half-width (points) of the 95 % confidence interval of a share, from `batches` batch means."""
    size = len(hits) // batches
    if size < 2:
        return None
    means = [100.0 * sum(hits[b * size : (b + 1) * size]) / size for b in range(batches)]
    return round(2.262 * statistics.stdev(means) / math.sqrt(batches), 1)  # Student t, 9 d.f.


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the number of calls")
    parser.add_argument("--calls", type=int, default=200, help="calls at scale 1")
    parser.add_argument("--operators", type=int, default=6)
    parser.add_argument("--calls-per-hour", type=float, default=80.0)
    parser.add_argument("--handling", type=float, default=180.0, help="mean handling time, seconds")
    parser.add_argument("--answer", type=int, nargs="+", default=[20, 60], help="answer-time limits, seconds")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument(
        "--database-url", default=None, help="a PostgreSQL database to drop and create; default SQLite"
    )
    args = parser.parse_args()
    wall = time.perf_counter()
    django_ready(args.database_url)
    import time_machine
    from django.db import connection
    from django.utils import timezone

    from carecircle.alarms import erlang
    from carecircle.alarms.models import Incident

    t0 = timezone.make_aware(datetime.datetime(2026, 3, 10, 8, 0, 0))
    with time_machine.travel(t0, tick=False) as traveller:
        admin, ops = setup(args.operators)
        total, rings, path_ms, step_ms, people = simulate(args, admin, ops, traveller, t0)
        rows = list(Incident.objects.order_by("opened_at", "id").values_list("opened_at", "acknowledged_at"))
    warm = len(rows) // 20
    waits = [(ack - opened).total_seconds() for opened, ack in rows[warm:] if ack is not None]
    model = model_waits(args)[warm:]
    traffic = args.calls_per_hour * args.handling / 3600.0
    levels = []
    for limit in args.answer:
        measured = 100.0 * sum(1 for w in waits if w <= limit) / len(waits) if waits else None
        predicted = 100.0 * erlang.service_level(args.operators, traffic, args.handling, limit)
        levels.append(
            {
                "seconds": limit,
                "measured_pct": round(measured, 1) if measured is not None else None,
                "ci95_points": _ci95([w <= limit for w in waits]),
                "same_draws_model_pct": round(100.0 * sum(1 for w in model if w <= limit) / len(model), 1),
                "erlang_c_pct": round(predicted, 1),
                "difference_points": round(measured - predicted, 1) if measured is not None else None,
            }
        )
    predicted_wait = erlang.mean_wait_seconds(args.operators, traffic, args.handling)
    result = {
        "benchmark": "alarms_shift",
        "database": connection.vendor,
        "operators": args.operators,
        "calls_per_hour": args.calls_per_hour,
        "handling_seconds": args.handling,
        "traffic_erlangs": round(traffic, 2),
        "calls": total,
        "calls_measured": len(waits),
        "simulated_hours": round((rows[-1][0] - rows[0][0]).total_seconds() / 3600, 1) if rows else 0,
        "people": people,
        "service_levels": levels,
        "mean_wait_s": round(statistics.fmean(waits), 1) if waits else None,
        "same_draws_model_mean_wait_s": round(statistics.fmean(model), 1) if model else None,
        "erlang_c_mean_wait_s": round(predicted_wait, 1) if math.isfinite(predicted_wait) else None,
        "waited_pct": round(100.0 * sum(1 for w in waits if w > 0) / len(waits), 1) if waits else None,
        "erlang_c_wait_probability_pct": round(100.0 * erlang.erlang_c(args.operators, traffic), 1),
        "rings": rings,
        # real time: storing an alarm to an operator's answer when one was free (the platform's own
        # path: intake, delivery, routing, console queue, answer), and each simulated event's work
        "path_p50_ms": round(statistics.median(path_ms), 1) if path_ms else None,
        "path_p99_ms": round(percentile(path_ms, 99), 1) if path_ms else None,
        "event_p99_ms": round(percentile(step_ms, 99), 1) if step_ms else None,
        "seed": args.seed,
        "wall_seconds": round(time.perf_counter() - wall, 1),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
