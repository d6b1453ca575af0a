"""The alarm figures of /metrics (alarms/metrics.py), counted in the database on both engines."""

import datetime

import pytest
from django.utils import timezone

from carecircle.alarms import delivery, metrics, services


def _values():
    return {family.name: family.samples[0].value for family in metrics.collect()}


@pytest.mark.django_db
def test_outbox_and_the_worst_delivery_lag_of_the_last_five_minutes(make_person, make_device):
    device, _ = make_device(make_person())
    now = timezone.now()
    services.alarm_receive(device=device, event_id="late", kind="sos", device_time=now, now=now)
    services.alarm_receive(device=device, event_id="waiting", kind="sos", device_time=now, now=now)
    before = _values()
    assert before["carecircle_alarms_undelivered"] == 2 and before["carecircle_alarms_received_5m"] == 2
    assert before["carecircle_alarms_delivery_lag_max_5m_seconds"] == 0
    delivery.deliver_pending(now=now + datetime.timedelta(seconds=3))
    after = _values()
    assert after["carecircle_alarms_undelivered"] == 0
    assert after["carecircle_alarms_delivery_lag_max_5m_seconds"] == pytest.approx(3, abs=0.01)
