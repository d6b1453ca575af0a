"""Escalation timing with a fake clock, responder replacement, offline and inactivity detection."""

import datetime

import pytest

from carecircle.alarms import delivery, services, watch
from carecircle.alarms.models import Incident, IncidentState, Outcome, Policy, ResponderState, Source
from carecircle.registry.models import FamilyContact

pytestmark = pytest.mark.django_db
S = datetime.timedelta(seconds=1)


def open_incident(make_person, make_device, t0, **kw):
    person = make_person(**kw)
    d, _ = make_device(person)
    services.alarm_receive(device=d, event_id="x", kind="sos", device_time=t0, now=t0)
    delivery.deliver_pending(now=t0)
    return Incident.objects.get(person=person)


def test_escalation_to_supervisor_then_street(make_person, make_device, users, t0):
    Policy.objects.create(region_prefix="", supervisor_after_seconds=60, street_after_seconds=180)
    i = open_incident(make_person, make_device, t0)
    assert watch.escalate_due(now=t0 + 59 * S) == 0
    assert watch.escalate_due(now=t0 + 60 * S) == 1
    i.refresh_from_db()
    assert i.escalation_level == 1 and i.escalated_at == t0 + 60 * S
    entry = i.timeline.get(kind="escalated")
    assert entry.detail == {"level": 1, "seconds": 60}
    assert "district" in entry.text and "admin" in entry.text  # supervisors over the region
    assert watch.escalate_due(now=t0 + 179 * S) == 0  # nothing new, nothing repeated
    assert watch.escalate_due(now=t0 + 180 * S) == 1
    i.refresh_from_db()
    assert i.escalation_level == 2
    level2 = i.timeline.filter(kind="escalated").last()
    assert level2.detail["seconds"] == 180 and "street" in level2.text and "street_b" not in level2.text
    assert watch.escalate_due(now=t0 + 999 * S) == 0


def test_late_check_escalates_both_levels_and_acknowledged_never(make_person, make_device, users, t0):
    i = open_incident(make_person, make_device, t0)
    j = open_incident(make_person, make_device, t0)
    services.incident_acknowledge(actor=users["operator"], incident_id=j.pk, now=t0 + 30 * S)
    assert watch.escalate_due(now=t0 + 400 * S) == 2  # i: supervisor and street at once; j: none
    i.refresh_from_db()
    j.refresh_from_db()
    assert i.escalation_level == 2 and j.escalation_level == 0
    assert [e.detail["seconds"] for e in i.timeline.filter(kind="escalated")] == [400, 400]


def test_escalation_seconds_are_configurable_per_region(make_person, make_device, t0):
    Policy.objects.create(region_prefix="339901001", supervisor_after_seconds=10, street_after_seconds=20)
    i = open_incident(make_person, make_device, t0)
    assert watch.escalate_due(now=t0 + 10 * S) == 1
    i.refresh_from_db()
    assert i.escalation_level == 1


def test_unconfirmed_responder_is_replaced(make_person, make_device, users, t0):
    Policy.objects.create(region_prefix="", responder_confirm_seconds=120)
    i = open_incident(make_person, make_device, t0)
    FamilyContact.objects.create(person=i.person, region_code=i.region_code, name="女儿", relation="女儿")
    services.incident_acknowledge(actor=users["operator"], incident_id=i.pk, now=t0 + 10 * S)
    first = services.responder_dispatch(actor=users["operator"], incident_id=i.pk, now=t0 + 20 * S)
    assert first.name == "女儿"
    assert watch.replace_unconfirmed(now=t0 + 139 * S) == 0
    assert watch.replace_unconfirmed(now=t0 + 140 * S) == 1
    first.refresh_from_db()
    assert first.state == ResponderState.REPLACED
    second = i.responders.exclude(pk=first.pk).get()
    assert second.user == users["community"]  # the community worker is next
    assert second.confirm_by == t0 + 260 * S
    services.responder_confirm(actor=users["community"], responder_id=second.pk, now=t0 + 200 * S)
    assert watch.replace_unconfirmed(now=t0 + 1000 * S) == 0


def test_device_offline_opens_one_incident_and_heartbeat_closes_it(make_person, make_device, t0):
    device, _ = make_device(make_person(), heartbeat_seconds=300)
    services.heartbeat_receive(device=device, beat_id="h1", device_time=t0, now=t0)
    assert watch.offline_check(now=t0 + 600 * S) == 0  # 2 × interval grace
    assert watch.offline_check(now=t0 + 601 * S) == 1
    assert watch.offline_check(now=t0 + 900 * S) == 0  # still one open incident
    i = Incident.objects.get(source=Source.OFFLINE)
    assert i.device == device and i.state == IncidentState.NEW
    assert "601" in i.timeline.filter(kind="note").first().text
    services.heartbeat_receive(device=device, beat_id="h2", device_time=t0 + 1000 * S, now=t0 + 1000 * S)
    i.refresh_from_db()
    assert i.state == IncidentState.RESOLVED and i.outcome == Outcome.DEVICE_FAULT
    assert watch.offline_check(now=t0 + 1500 * S) == 0
    assert watch.offline_check(now=t0 + 1601 * S) == 1  # silent again: a new incident


def test_inactivity_for_person_living_alone_in_daytime(alone, make_person, make_device, t0):
    from .conftest import add_status  # noqa: F401 - `alone` already lives alone

    motion, _ = make_device(alone, kind="motion")
    not_alone = make_person()
    other_motion, _ = make_device(not_alone, kind="motion")
    night = t0.replace(hour=6)  # 06:00 local: before the day starts at 07:00
    services.alarm_receive(
        device=motion,
        event_id="m1",
        kind="motion",
        device_time=night - 7 * 3600 * S,
        now=night - 7 * 3600 * S,
    )
    delivery.deliver_pending(now=night)
    assert watch.inactivity_check(now=night) == 0  # quiet 7 h but night anyway
    # 10:00: quiet for 11 h -> not yet (12 h default)
    assert watch.inactivity_check(now=t0) == 0
    later = t0 + 3600 * S + S
    assert watch.inactivity_check(now=later) == 1
    assert watch.inactivity_check(now=later + 600 * S) == 0
    i = Incident.objects.get(source=Source.INACTIVITY)
    assert i.person == alone
    assert not Incident.objects.filter(person=not_alone).exists()
    # Movement is noted on the open incident.
    services.alarm_receive(device=motion, event_id="m2", kind="motion", device_time=later, now=later + S)
    delivery.deliver_pending(now=later + S)
    assert i.timeline.filter(text__contains="检测到活动").exists()


def test_device_that_never_sent_a_heartbeat_goes_offline(make_person, make_device):
    from django.utils import timezone

    device, _ = make_device(make_person(), heartbeat_seconds=600)
    now = timezone.now()
    assert watch.offline_check(now=now + 1100 * S) == 0
    assert watch.offline_check(now=now + 1300 * S) == 1
    assert Incident.objects.get(source=Source.OFFLINE).device == device


def test_old_heartbeats_are_pruned(make_person, make_device, t0):
    from carecircle.alarms.models import Heartbeat

    device, _ = make_device(make_person())
    services.heartbeat_receive(device=device, beat_id="old", device_time=t0, now=t0)
    services.heartbeat_receive(
        device=device, beat_id="new", device_time=t0 + 6 * 86400 * S, now=t0 + 6 * 86400 * S
    )
    assert watch.prune_heartbeats(now=t0 + 8 * 86400 * S) == 1
    assert list(Heartbeat.objects.values_list("beat_id", flat=True)) == ["new"]
