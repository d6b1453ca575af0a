"""A month's allowance messages for the city: queued in bulk, then delivered by SMS through the fake
gateway by worker processes, one of which is killed (SIGKILL) mid-run and replaced.

    python bench/portal_messages.py [--scale 0.01] [--database-url postgres://…] [--workers 2]
                                    [--rate 0] [--gateway-fail 2] [--deliver-max N]

--scale 1 is the full city's month: 1.3 million messages (the allowance payment lines of a month,
one message each, every one with a phone number, so every one has an SMS delivery row). Queuing
goes through `portal.services.messages_queue_bulk` in batches of --batch (each its own
transaction; phones encrypted as the table keeps them). Delivery: --workers processes of
`carecircle portal_deliver --loop` against a fake gateway in this process (--rate messages a
second, 0: as fast as it answers), which also fails its first --gateway-fail requests (503); when
a third of the messages reached the gateway the first worker is killed and a new one started.
Then the fake gateway's record is compared with the queue: lost (queued, never reached a phone),
duplicated (reached a phone more than once). --deliver-max delivers only the first N messages
(the rest stay queued), for a full-scale queue run whose delivery would take long at --rate.
Prints one line of JSON."""

import argparse
import datetime
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from _setup import django_ready, fresh_postgres

ROOT = Path(__file__).resolve().parent.parent
FULL_CITY_MESSAGES = 1_300_000
FAR = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)  # the messages this run does not deliver
REGIONS = [f"3399010{s:02d}{c:03d}" for s in range(1, 10) for c in range(1, 21)]  # 180 communities


def queue(n: int, batch: int) -> tuple[float, float]:
    from carecircle.portal.services import messages_queue_bulk
    from carecircle.portal.types import MessageKind, MessageSpec

    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, n, batch):
        specs = [
            MessageSpec(
                key=f"allowance_granted:2026-03:{i}",
                kind=MessageKind.ALLOWANCE_GRANTED,
                region_code=REGIONS[i % len(REGIONS)],
                title="补贴已发放",
                body=f"您2026年3月的高龄津贴{100 + i % 3 * 50}元已发放至社保卡，请查收。",
                phone=f"13{i % 1_000_000_000:09d}",
            )
            for i in range(start, min(n, start + batch))
        ]
        messages_queue_bulk(specs)
    return time.perf_counter() - started, time.process_time() - cpu


def start_worker(env: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/carecircle"), "portal_deliver", "--loop", "--idle", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def watch(workers, gateway, deliver_n, env, log, timeout, home) -> tuple[int | None, float]:
    """Wait until every due message was sent; kill the first worker when a third reached the gateway."""
    from django.db import connection

    from carecircle.portal.models import Delivery
    from carecircle.portal.types import DeliveryState

    started = time.perf_counter()
    killed_at = None
    while time.perf_counter() - started < timeout:
        if any(w.poll() is not None for w in workers if w is not workers[0] or killed_at is None):
            sys.exit(f"a worker stopped on its own: see {home / 'workers.log'}")
        reached = gateway.state.record(full=False)["accepted"]
        if killed_at is None and reached >= deliver_n / 3:
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait()
            killed_at = reached
            workers.append(start_worker(env, log))
        due = Delivery.objects.exclude(state__in=[DeliveryState.SENT, DeliveryState.DEAD]).filter(
            next_attempt_at__lt=FAR
        )
        if reached >= deliver_n and not due.exists():
            break
        connection.close()
        time.sleep(0.25)
    return killed_at, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rate", type=float, default=0.0, help="the fake gateway's messages per second (0: no limit)"
    )
    parser.add_argument(
        "--gateway-fail", type=int, default=2, help="the gateway's first requests that fail (503)"
    )
    parser.add_argument("--deliver-max", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    from carecircle.portal.fake_gateway import FakeGateway

    gateway = FakeGateway().start()  # configured before anything is queued: the deployment's SMS gateway
    os.environ["CARECIRCLE_SMS_GATEWAY_URL"] = gateway.url
    if args.database_url and args.database_url.startswith("postgres"):
        fresh_postgres(args.database_url)
    home = django_ready(args.database_url)

    from django.db import connection

    from carecircle.portal.models import Delivery
    from carecircle.portal.types import DeliveryState

    n = max(1, round(FULL_CITY_MESSAGES * args.scale))
    queue_seconds, queue_cpu = queue(n, args.batch)
    deliver_n = n if args.deliver_max is None else min(n, args.deliver_max)
    if deliver_n < n:  # the rest wait for a later run: not due within this one
        first = Delivery.objects.order_by("id").values_list("id", flat=True).first() or 0
        Delivery.objects.filter(id__gte=first + deliver_n).update(next_attempt_at=FAR)
    connection.close()

    gateway.state.control({"rate": args.rate, "fail_requests": args.gateway_fail})
    env = dict(os.environ, CARECIRCLE_LOG="WARNING")
    log = open(home / "workers.log", "wb")  # noqa: SIM115 — open for the workers' whole life
    workers = [start_worker(env, log) for _ in range(args.workers)]
    try:
        killed_at, deliver_seconds = watch(workers, gateway, deliver_n, env, log, args.timeout, home)
    finally:
        for w in workers:
            if w.poll() is None:
                w.terminate()
                w.wait()
    record = gateway.state.record()
    gateway.stop()
    sends = record["sends"]
    sent_rows = Delivery.objects.filter(state=DeliveryState.SENT).count()
    taken_over = Delivery.objects.filter(state=DeliveryState.SENT, attempts__gt=1).count()
    print(
        json.dumps(
            {
                "bench": "portal_messages",
                "database": connection.vendor,
                "scale": args.scale,
                "messages_queued": n,
                "queue_seconds": round(queue_seconds, 1),
                "queued_per_second": round(n / queue_seconds),
                "queue_cpu_seconds_this_process": round(queue_cpu, 1),
                "load_average": os.getloadavg()[0],
                "full_city_queue_seconds_extrapolated": round(queue_seconds * FULL_CITY_MESSAGES / n, 1),
                "delivered": deliver_n,
                "workers": args.workers,
                "gateway_rate_limit": args.rate or None,
                "deliver_seconds": round(deliver_seconds, 1),
                "delivered_per_second": round(len(sends) / deliver_seconds) if deliver_seconds else None,
                "worker_killed_after": killed_at,
                "gateway_failed_requests": record["failed_requests"],
                "rows_taken_over_or_retried": taken_over,
                "gateway_duplicates_refused": record["duplicates"],
                "rows_sent": sent_rows,
                "lost": deliver_n - len(sends),
                "duplicated": sum(1 for c in sends.values() if c > 1),
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
