"""Alarm intake and delivery lag, for /metrics (core/metrics.py)."""

import datetime

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from carecircle.alarms.models import Alarm
from carecircle.core.metrics import seconds_since


def collect():
    now = timezone.now()
    since = now - datetime.timedelta(minutes=5)
    lag = ExpressionWrapper(F("delivered_at") - F("received_at"), output_field=DurationField())
    outbox = Alarm.objects.filter(delivered_at__isnull=True).aggregate(
        n=Count("id"), oldest=Min("received_at")
    )
    # One scan of the last five minutes: how many came in, and the worst receipt-to-delivery time.
    recent = Alarm.objects.filter(received_at__gte=since).aggregate(
        n=Count("id"), worst=Max(lag, filter=Q(delivered_at__isnull=False))
    )
    yield GaugeMetricFamily(
        "carecircle_alarms_undelivered",
        "Alarms stored and not yet delivered to the consoles",
        value=outbox["n"],
    )
    yield GaugeMetricFamily(
        "carecircle_alarms_oldest_undelivered_seconds",
        "Age of the oldest alarm still waiting for delivery",
        value=seconds_since(outbox["oldest"], now),
    )
    yield GaugeMetricFamily(
        "carecircle_alarms_received_5m", "Alarms received in the last five minutes", value=recent["n"]
    )
    yield GaugeMetricFamily(
        "carecircle_alarms_delivery_lag_max_5m_seconds",
        "Longest time from receipt to delivery over the last five minutes",
        value=recent["worst"].total_seconds() if recent["worst"] else 0,
    )
