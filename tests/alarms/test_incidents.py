"""Grouping into incidents, priorities, the incident's steps, phone calls, responders."""

import datetime

import pytest

from carecircle.alarms import delivery, services
from carecircle.alarms.models import Incident, IncidentState, Policy, Source, TimelineKind
from carecircle.alarms.types import ResponderCandidate
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.registry.models import FamilyContact, StatusKind

from .conftest import add_status

pytestmark = pytest.mark.django_db
S = datetime.timedelta(seconds=1)


def receive(device, event_id, kind, at):
    return services.alarm_receive(device=device, event_id=event_id, kind=kind, device_time=at, now=at)[0]


def test_alarms_close_in_time_group_into_one_incident(make_person, make_device, t0):
    person = make_person()
    pendant, _ = make_device(person)
    detector, _ = make_device(person, kind="fall")
    receive(pendant, "a1", "sos", t0)
    receive(detector, "b1", "fall", t0 + 30 * S)
    receive(pendant, "a2", "sos", t0 + 599 * S)  # within 600 s of the last one
    assert delivery.deliver_pending(now=t0 + 600 * S) == 3
    incident = Incident.objects.get()
    assert incident.alarm_count == 3
    assert incident.kind == "fall"  # the fall outranks the pendant: priority raised
    assert incident.alarms.count() == 3
    assert incident.timeline.filter(kind=TimelineKind.ALARM).count() == 3
    # Past the window: a new incident.
    receive(pendant, "a3", "sos", t0 + 1300 * S)
    delivery.deliver_pending(now=t0 + 1300 * S)
    assert Incident.objects.count() == 2


def test_different_people_and_resolved_incidents_do_not_group(make_person, make_device, users, t0):
    d1, _ = make_device(make_person())
    d2, _ = make_device(make_person())
    receive(d1, "a", "sos", t0)
    receive(d2, "a", "sos", t0 + S)
    delivery.deliver_pending(now=t0 + S)
    assert Incident.objects.count() == 2
    first = Incident.objects.get(person=d1.person)
    services.incident_resolve(
        actor=users["operator"], incident_id=first.pk, outcome="false_alarm", now=t0 + 5 * S
    )
    receive(d1, "b", "sos", t0 + 10 * S)
    delivery.deliver_pending(now=t0 + 10 * S)
    assert Incident.objects.filter(person=d1.person).count() == 2


def test_later_batch_raises_an_open_incidents_priority_and_counts(make_person, make_device, t0):
    """Alarms delivered in a later batch update the open incident: counts and last alarm time for
    every one, priority, kind and title when a higher-ranking kind arrives."""
    person = make_person()
    pendant, _ = make_device(person)
    detector, _ = make_device(person, kind="fall", location="卫生间")
    receive(pendant, "a1", "sos", t0)
    delivery.deliver_pending(now=t0)
    opened = Incident.objects.get()
    receive(pendant, "a2", "sos", t0 + 10 * S)
    delivery.deliver_pending(now=t0 + 10 * S)
    receive(detector, "b1", "fall", t0 + 20 * S)
    delivery.deliver_pending(now=t0 + 20 * S)
    incident = Incident.objects.get()
    assert incident.pk == opened.pk
    assert incident.alarm_count == 3 and incident.last_alarm_at == t0 + 20 * S
    assert incident.kind == "fall" and incident.priority > opened.priority and "卫生间" in incident.title
    assert incident.timeline.filter(kind=TimelineKind.PRIORITY).count() == 1


def test_priority_by_type_and_person(make_person, make_device, t0):
    frail = make_person(age=85)
    add_status(frail, StatusKind.LIVING_ALONE)
    add_status(frail, StatusKind.SEVERE_DISABILITY)
    other = make_person(age=65)
    fall, _ = make_device(frail, kind="fall")
    door, _ = make_device(other, kind="door")
    water, _ = make_device(other, kind="water")
    receive(fall, "f", "fall", t0)
    receive(water, "w", "water", t0)
    delivery.deliver_pending(now=t0)
    high = Incident.objects.get(person=frail)
    low = Incident.objects.get(person=other)
    assert high.priority > low.priority
    assert high.priority == 75 + 10 + 10 + 5  # fall + living alone + severe disability + 80+
    assert any("独居" in r for r in high.priority_reasons)
    # Door events are activity, not alarms: no incident.
    receive(door, "d", "door", t0)
    delivery.deliver_pending(now=t0)
    assert Incident.objects.filter(person=other).count() == 1


def test_priorities_are_data(make_person, make_device, t0):
    Policy.objects.create(region_prefix="339901", kind_priority={"sos": 99}, person_bonus={"age80": 0})
    d, _ = make_device(make_person(age=85))
    receive(d, "x", "sos", t0)
    delivery.deliver_pending(now=t0)
    assert Incident.objects.get().priority == 99


def test_capability_level_raises_priority_when_assessment_module_exists(make_person, make_device, t0):
    """The level comes from the assessment module: looked up for the whole delivery batch at once,
    and one by one for an incident opened by other means; the same answer both ways."""
    from carecircle.alarms import policy

    day = t0.date()
    assessed, other = make_person(age=70), make_person(age=70)
    from tests.assessment.factories import capability_on_file

    capability_on_file(
        assessed,
        3,
        assessed_on=day,
        valid_from=day - datetime.timedelta(days=30),
        valid_to=day + datetime.timedelta(days=300),
    )
    for n, person in enumerate([assessed, other]):
        d, _ = make_device(person)
        receive(d, f"x{n}", "fall", t0)
    delivery.deliver_pending(now=t0)
    incident = Incident.objects.get(person=assessed)
    assert incident.priority == 75 + 15
    assert "重度失能+15" in incident.priority_reasons
    assert Incident.objects.get(person=other).priority == 75
    assert policy.capability_level(assessed, day) == (3, "重度失能")
    assert policy.capability_levels([assessed.pk, other.pk], day) == {assessed.pk: 3}


def test_steps_are_timestamped_in_order(make_person, make_device, users, t0):
    person = make_person()
    FamilyContact.objects.create(
        person=person,
        region_code=person.region_code,
        name="王儿子",
        relation="儿子",
        phone="13900001111",
        phone_masked="139****1111",
    )
    d, _ = make_device(person)
    receive(d, "x", "sos", t0)
    delivery.deliver_pending(now=t0)
    i = Incident.objects.get()
    op = users["operator"]
    with pytest.raises(Conflict):
        services.incident_call(actor=op, incident_id=i.pk, target="person", outcome="reached", now=t0)
    services.incident_acknowledge(actor=op, incident_id=i.pk, now=t0 + 20 * S)
    with pytest.raises(Conflict):
        services.incident_acknowledge(actor=users["district"], incident_id=i.pk, now=t0 + 21 * S)
    services.incident_call(actor=op, incident_id=i.pk, target="person", outcome="no_answer", now=t0 + 40 * S)
    services.incident_call(
        actor=op, incident_id=i.pk, target="family", outcome="reached", note="儿子前往", now=t0 + 70 * S
    )
    r = services.responder_dispatch(actor=op, incident_id=i.pk, now=t0 + 80 * S)
    assert r.name == "王儿子"
    services.responder_confirm(actor=op, responder_id=r.pk, now=t0 + 90 * S)
    services.incident_advance(actor=op, incident_id=i.pk, state="on_site", now=t0 + 900 * S)
    with pytest.raises(Conflict):
        services.incident_advance(actor=op, incident_id=i.pk, state="in_progress", now=t0 + 901 * S)
    with pytest.raises(InvalidInput):
        services.incident_resolve(actor=op, incident_id=i.pk, outcome="", now=t0 + 901 * S)
    services.incident_resolve(actor=op, incident_id=i.pk, outcome="emergency", note="送医", now=t0 + 1200 * S)
    i.refresh_from_db()
    assert i.state == IncidentState.RESOLVED and i.outcome == "emergency"
    stamps = [i.opened_at, i.acknowledged_at, i.in_progress_at, i.dispatched_at, i.on_site_at, i.resolved_at]
    assert stamps == sorted(stamps) and all(stamps)
    assert (i.acknowledged_at - i.opened_at).total_seconds() == 20
    kinds = list(i.timeline.values_list("kind", flat=True))
    assert kinds.count("call") == 2 and "confirmed" in kinds and "responder" in kinds


def test_operator_of_other_region_cannot_touch(make_person, make_device, users, t0):
    from carecircle.core.models import RoleGrant
    from tests.conftest import make_user

    west_op = make_user("op_b", "operator", "339902000000")
    d, _ = make_device(make_person())
    receive(d, "x", "sos", t0)
    delivery.deliver_pending(now=t0)
    i = Incident.objects.get()
    with pytest.raises(NotFound):
        services.incident_acknowledge(actor=west_op, incident_id=i.pk, now=t0)
    assert RoleGrant.objects.filter(user=west_op).count() == 1


def test_phone_call_opens_acknowledged_incident(make_person, users, t0):
    person = make_person()
    i = services.incident_open_by_phone(actor=users["operator"], person=person, note="老人来电说头晕", now=t0)
    assert (
        i.source == Source.PHONE and i.state == IncidentState.ACKNOWLEDGED and i.operator == users["operator"]
    )
    assert i.acknowledged_at == t0
    assert i.timeline.filter(kind="note", text="老人来电说头晕").exists()
    with pytest.raises(InvalidInput):
        services.incident_open_by_phone(actor=users["operator"], person=person, kind="nonsense", now=t0)


def test_capability_level_read_from_the_assessment_module(make_person, make_device, t0, monkeypatch):
    """The real assessment selectors (when installed) give 0–4; 重度失能 raises the priority."""
    import datetime as dt

    assessment = pytest.importorskip("carecircle.assessment.selectors")
    from carecircle.alarms.policy import capability_level

    person = make_person(age=70)
    monkeypatch.setattr(assessment, "current_level", lambda p, day: 3 if p.pk == person.pk else None)
    assert capability_level(person, dt.date(2026, 3, 10)) == (3, "重度失能")
    assert capability_level(make_person(), dt.date(2026, 3, 10)) == (None, "")


def test_responder_candidates_are_typed_and_dispatch_by_key(make_person, make_device, users, t0):
    """Candidates are ResponderCandidate values (not dicts): the emergency contact first, then the
    community workers of the person's community; a key sends that one, and it is not offered again."""
    person = make_person()
    contact = FamilyContact.objects.create(
        person=person,
        region_code=person.region_code,
        name="王女儿",
        relation="女儿",
        phone="13900002222",
        phone_masked="139****2222",
        is_emergency=True,
    )
    d, _ = make_device(person)
    receive(d, "k", "sos", t0)
    delivery.deliver_pending(now=t0)
    i = Incident.objects.get()
    op = users["operator"]
    services.incident_acknowledge(actor=op, incident_id=i.pk, now=t0 + 5 * S)
    candidates = services.responder_candidates(i)
    assert all(isinstance(c, ResponderCandidate) for c in candidates)
    assert (candidates[0].key, candidates[0].name, candidates[0].contact_id) == (
        f"contact:{contact.pk}",
        "王女儿",
        contact.pk,
    )
    worker = next(c for c in candidates if c.user_id == users["community"].pk)
    assert (
        worker.key == f"user:{users['community'].pk}"
        and worker.contact_id is None
        and worker.phone_masked == ""
    )
    r = services.responder_dispatch(actor=op, incident_id=i.pk, key=worker.key, now=t0 + 10 * S)
    assert (r.user_id, r.contact_id, r.name) == (users["community"].pk, None, worker.name)
    assert worker.key not in [c.key for c in services.untried_candidates(i)]
    with pytest.raises(InvalidInput):
        services.responder_dispatch(actor=op, incident_id=i.pk, key=worker.key, now=t0 + 11 * S)
