"""Nothing lost: alarms stored while the delivery worker is stopped (or failing) are delivered when
it runs again, exactly once."""

import time

import pytest
from django.db import OperationalError

from carecircle.alarms import delivery, services
from carecircle.alarms.models import Alarm, Incident
from carecircle.core import tasks

from .conftest import post_alarm


def wait_for(predicate, timeout=10.0):
    """Poll `predicate`; SQLite's shared in-memory test database reports "table is locked" while
    the worker thread writes, which just means: ask again."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if predicate():
                return True
        except OperationalError:
            pass
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_alarm_while_worker_stopped_is_delivered_when_it_starts(client, make_person, make_device):
    device, token = make_device(make_person())
    delivery.stop_worker()
    for n in range(5):
        assert post_alarm(client, token, event_id=f"stopped-{n}").status_code == 201
    time.sleep(0.3)
    assert not delivery.worker_running()
    assert Alarm.objects.filter(delivered_at__isnull=True).count() == 5  # stored, waiting in the outbox
    assert not Incident.objects.exists()
    delivery.start_worker(poll_seconds=0.2)
    assert wait_for(lambda: not delivery.pending().exists())
    incident = Incident.objects.get()
    assert incident.alarm_count == 5
    assert set(Alarm.objects.values_list("incident_id", flat=True)) == {incident.pk}
    first = Alarm.objects.order_by("id").first()
    assert incident.opened_at == first.received_at < first.delivered_at  # the wait counts from receipt
    # Once the worker runs, a new alarm is delivered without waiting for a poll.
    assert post_alarm(client, token, event_id="running").status_code == 201
    assert wait_for(lambda: Incident.objects.get().alarm_count == 6, timeout=5)


@pytest.mark.django_db(transaction=True)
def test_periodic_sweep_delivers_what_no_worker_did(client, make_person, make_device):
    _, token = make_device(make_person())
    delivery.stop_worker()
    assert post_alarm(client, token, event_id="swept").status_code == 201
    assert delivery.pending().count() == 1
    assert tasks.run_periodic("alarms.deliver_outbox")
    assert delivery.pending().count() == 0
    assert Incident.objects.count() == 1


@pytest.mark.django_db
def test_failed_delivery_leaves_alarm_in_outbox(make_person, make_device, t0, monkeypatch):
    device, _ = make_device(make_person())
    services.alarm_receive(device=device, event_id="boom", kind="fall", device_time=t0, now=t0)
    original = delivery._group

    def broken(*args):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(delivery, "_group", broken)
    with pytest.raises(RuntimeError):
        delivery.deliver_pending(now=t0)
    assert delivery.pending().count() == 1 and not Incident.objects.exists()
    monkeypatch.setattr(delivery, "_group", original)
    assert delivery.deliver_pending(now=t0) == 1
    assert delivery.deliver_pending(now=t0) == 0
    assert Incident.objects.get().alarm_count == 1
