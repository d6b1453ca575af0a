"""Payroll durations and batches by state, for /metrics (core/metrics.py)."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from carecircle.benefits.models import Batch


def collect():
    states = GaugeMetricFamily("carecircle_payroll_batches", "Payroll batches by state", labels=["state"])
    counts = dict(Batch.objects.values_list("state").order_by().annotate(n=Count("id")))
    for state in Batch.State.values:
        states.add_metric([state], counts.get(state, 0))
    yield states
    # The latest run of each programme (summarise() records how long computing the batch took).
    latest: dict[str, float] = {}
    for code, summary in Batch.objects.order_by("-prepared_at").values_list("programme__code", "summary")[
        :200
    ]:
        if code not in latest and isinstance(summary, dict) and "seconds" in summary:
            latest[code] = float(summary["seconds"])
    seconds = GaugeMetricFamily(
        "carecircle_payroll_last_run_seconds",
        "Time the latest payroll run of each programme took",
        labels=["programme"],
    )
    for code, value in sorted(latest.items()):
        seconds.add_metric([code], value)
    yield seconds
