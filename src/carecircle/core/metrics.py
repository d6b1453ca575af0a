"""Metrics in the Prometheus text format at `/metrics`, for administrators or an internal address.

Request rates and latencies are counted in this process (each `carecircle serve` process answers
for itself: scrape each one, as Prometheus does with its targets). Everything kept in the
database (task queues and slots, jobs, alarm intake and delivery lag, payroll durations) is read
at scrape time by each module's `metrics.py` (`collect() -> iterable of prometheus metric
families`), found like the modules' other optional files, so it is the same from any process.
"""

import ipaddress
import logging
from collections.abc import Iterator
from datetime import datetime
from types import ModuleType

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from carecircle.core import dbrouter, plugins, scope, tasks
from carecircle.core.errors import Forbidden
from carecircle.core.models import TaskRun
from carecircle.core.types import Request

log = logging.getLogger("carecircle.metrics")

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "carecircle_http_requests",
    "HTTP requests answered, by route and status class",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "carecircle_http_request_duration_seconds",
    "Time to answer an HTTP request, by route",
    ["route"],
    registry=REGISTRY,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def _route(request: HttpRequest) -> str:
    match: ResolverMatch | None = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.route or match.view_name or "unmatched"


def observe_request(request: HttpRequest, status: int, seconds: float) -> None:
    route = _route(request)
    REQUESTS.labels(request.method, route, f"{status // 100}xx").inc()
    LATENCY.labels(route).observe(seconds)


class _ModuleCollector:
    """Reads the database-held figures of every module at scrape time."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "carecircle_metrics_module_up", "1 when a module's figures could be read", labels=["module"]
        )
        for module in plugins.optional_submodules("metrics"):
            name = module.__name__.split(".")[1]
            try:
                yield from module.collect()
                up.add_metric([name], 1)
            except Exception:  # noqa: BLE001 - one module's failure must not hide the others
                log.exception("metrics of %s could not be read", name)
                up.add_metric([name], 0)
        yield up


REGISTRY.register(_ModuleCollector())


def _internal(request: HttpRequest) -> bool:
    try:
        addr = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(addr in ipaddress.ip_network(net, strict=False) for net in settings.CARECIRCLE_METRICS_ALLOW)


def metrics_view(request: Request) -> HttpResponse:
    if not (_internal(request) or scope.has_perm(request.user, "user.manage")):
        raise Forbidden()
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)


def collect() -> Iterator[Metric]:
    """The core's figures: periodic slots not yet finished, and the background task queues."""
    now = timezone.now()
    open_runs = TaskRun.objects.filter(finished_at__isnull=True).aggregate(
        n=Count("id"), oldest=Min("started_at")
    )
    yield GaugeMetricFamily(
        "carecircle_periodic_unfinished", "Periodic task slots claimed and not finished", value=open_runs["n"]
    )
    yield GaugeMetricFamily(
        "carecircle_periodic_oldest_unfinished_seconds",
        "Age of the oldest claimed, unfinished periodic slot",
        value=seconds_since(open_runs["oldest"], now),
    )
    queue = GaugeMetricFamily(
        "carecircle_task_queue_length", "Background tasks waiting, by queue", labels=["queue"]
    )
    for name, length in _queue_lengths(tasks).items():
        queue.add_metric([name], length)
    yield queue
    if settings.DATABASE_REPLICA_URL:  # core/dbrouter.py: where this process's reads went
        reads = CounterMetricFamily(
            "carecircle_db_reads", "Reads routed by this process, by database", labels=["database"]
        )
        for alias, count in dbrouter.reads().items():
            reads.add_metric([alias], count)
        yield reads


def seconds_since(moment: datetime | None, now: datetime) -> float:
    """How long ago `moment` was (0 when there is none): the age of the oldest waiting thing."""
    return (now - moment).total_seconds() if moment else 0.0


def _queue_lengths(tasks: ModuleType) -> dict[str, int]:
    """Celery's queues on a Redis broker (a list per queue), or the in-process pool's backlog."""
    if not settings.CELERY_BROKER_URL:
        pool = getattr(tasks, "_pool", None)
        return {"in-process": pool._work_queue.qsize() if pool is not None else 0}
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return {}
    import redis  # noqa: PLC0415 — start-up cost: a heavy library, loaded when this runs

    names = {"celery", *getattr(settings, "CARECIRCLE_TASK_QUEUES", [])}
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1)
    return {name: int(client.llen(name)) for name in sorted(names)}
