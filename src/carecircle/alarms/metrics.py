"""Alarm intake and delivery lag, for /metrics (core/metrics.py)."""

import datetime

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from carecircle.alarms.models import Alarm


def collect():
    now = timezone.now()
    outbox = Alarm.objects.filter(delivered_at__isnull=True).aggregate(n=Count("id"), oldest=Min("received_at"))
    waiting = GaugeMetricFamily("carecircle_alarms_undelivered", "Alarms stored and not yet delivered to the consoles")
    waiting.add_metric([], outbox["n"])
    yield waiting
    lag = GaugeMetricFamily("carecircle_alarms_oldest_undelivered_seconds",
                            "Age of the oldest alarm still waiting for delivery")
    lag.add_metric([], (now - outbox["oldest"]).total_seconds() if outbox["oldest"] else 0)
    yield lag
    since = now - datetime.timedelta(minutes=5)
    recent = list(Alarm.objects.filter(received_at__gte=since, delivered_at__isnull=False)
                  .values_list("received_at", "delivered_at")[:5000])
    intake = GaugeMetricFamily("carecircle_alarms_received_5m", "Alarms received in the last five minutes")
    intake.add_metric([], Alarm.objects.filter(received_at__gte=since).count())
    yield intake
    worst = GaugeMetricFamily("carecircle_alarms_delivery_lag_max_5m_seconds",
                              "Longest time from receipt to delivery over the last five minutes")
    worst.add_metric([], max(((d - r).total_seconds() for r, d in recent), default=0))
    yield worst
