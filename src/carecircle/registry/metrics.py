"""Import jobs by state, for /metrics (core/metrics.py)."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from carecircle.registry.models import ImportJob


def collect():
    jobs = GaugeMetricFamily("carecircle_import_jobs", "Import jobs by state", labels=["state"])
    counts = dict(ImportJob.objects.values_list("state").order_by().annotate(n=Count("id")))
    for state in ImportJob.State.values:
        jobs.add_metric([state], counts.get(state, 0))
    yield jobs
