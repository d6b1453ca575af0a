import datetime

import pytest
from django.utils import timezone

from carecircle.alarms import services
from carecircle.registry.models import PersonStatus, StatusKind


@pytest.fixture
def t0():
    """A fixed daytime instant (10:00 Shanghai) for the fake clock."""
    return timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0, 0))


@pytest.fixture
def make_device(users):
    counter = {"n": 0}

    def make(person, kind="sos", heartbeat_seconds=300, location="卧室"):
        counter["n"] += 1
        return services.device_register(
            actor=users["operator"],
            person=person,
            kind=kind,
            serial=f"DEV-{counter['n']:04d}",
            heartbeat_seconds=heartbeat_seconds,
            location=location,
        )

    return make


def add_status(person, kind, since=datetime.date(2020, 1, 1)):
    return PersonStatus.objects.create(
        person=person, region_code=person.region_code, kind=kind, valid_from=since, source="测试"
    )


@pytest.fixture
def alone(make_person):
    """A person of 85 living alone in region A."""
    p = make_person(age=85, name="独居张")
    add_status(p, StatusKind.LIVING_ALONE)
    return p


def post_alarm(client, token, **body):
    payload = {"event_id": "e1", "kind": "sos", "device_time": "2026-03-10T10:00:00+08:00"} | body
    return client.post(
        "/api/v1/alarms", data=payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


@pytest.fixture(autouse=True)
def _no_worker_left_running():
    """A test that commits may start the in-process delivery worker; stop it afterwards."""
    from carecircle.alarms import delivery, policy

    policy.clear_cache()
    yield
    delivery.stop_worker()
    delivery.release()
