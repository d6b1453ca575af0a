"""Caller screen-pop (issue 18, item 5): the phone's blind index, the telephone system's events
(replayed, out of order, bad, from an unknown trunk), the pop for the operator who answered, and
one click from the call to a phone incident."""

import datetime
import importlib

import pytest
from django.utils import timezone

from carecircle.alarms import services, telephony
from carecircle.alarms.models import Call, CallEvent, CallState, Incident, Source
from carecircle.core import audit_actions
from carecircle.core.models import AuditEvent
from carecircle.core.roles import Role
from carecircle.core.vault import normalise_phone, phone_index
from carecircle.registry import selectors as registry_selectors
from carecircle.registry.models import FamilyContact, Person
from carecircle.registry.services import family_contact_add, person_update
from tests.conftest import COMMUNITY_B, make_user

CITY = "339900000000"
DISTRICT_A = "339901000000"


@pytest.fixture
def trunk(users):
    """A city-wide centre's telephone system, with the operator of 东湖区 at extension 8001."""
    trunk, token = services.trunk_register(actor=users["admin"], name="市呼叫中心交换机", region_code=CITY)
    services.extension_assign(actor=users["admin"], trunk=trunk, number="8001", user=users["operator"])
    trunk.token = token
    return trunk


@pytest.fixture
def operator_b(users):
    return make_user("operator_b", Role.OPERATOR, "339902000000")


BASE = {}


def at(seconds=0):
    """A moment `seconds` from the test's first call (one base, however long the test runs)."""
    base = BASE.setdefault("now", timezone.now())
    return (base + datetime.timedelta(seconds=seconds)).isoformat()


@pytest.fixture(autouse=True)
def _fresh_base():
    BASE.clear()


def send(client, token, **body):
    payload = {
        "event_id": "e1",
        "kind": "ringing",
        "call_id": "c1",
        "caller": "13912345678",
        "at": at(),
    } | body
    return client.post(
        "/api/v1/telephony/events",
        data=payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


# -- the phone's blind index ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "13912345678",
        "139 1234 5678",
        "+86 139-1234-5678",
        "0086 13912345678",
        "013912345678",
        "8613912345678",
    ],
)
def test_every_way_of_writing_a_mobile_number_has_one_index(written):
    assert normalise_phone(written) == "13912345678"
    assert phone_index(written) == phone_index("13912345678")


def test_a_landline_keeps_its_area_code_and_an_empty_number_has_no_index():
    assert normalise_phone("+86 571 8765 4321") == normalise_phone("0571-87654321") == "057187654321"
    assert phone_index("") == "" and phone_index("无") == ""
    assert phone_index("057187654321") != phone_index("87654321")


def test_the_index_is_filled_on_create_and_follows_an_update(users, make_person):
    p = make_person(phone="139-1234-5678")
    assert Person.objects.get(pk=p.pk).phone_index == phone_index("13912345678")
    person_update(actor=users["admin"], person=p, phone="13700000001")
    assert Person.objects.get(pk=p.pk).phone_index == phone_index("13700000001")
    person_update(actor=users["admin"], person=p, phone="")
    assert Person.objects.get(pk=p.pk).phone_index == ""
    c = family_contact_add(
        actor=users["admin"], person=p, name="王女儿", relation="女儿", phone="+8613600000002"
    )
    assert FamilyContact.objects.get(pk=c.pk).phone_index == phone_index("13600000002")
    c.phone = "13600000003"
    c.save(update_fields=["phone"])  # a save of the phone alone takes the index with it
    assert FamilyContact.objects.get(pk=c.pk).phone_index == phone_index("13600000003")


def test_the_migration_fills_rows_that_have_no_index(make_person):
    p = make_person(phone="13912345678")
    Person.objects.filter(pk=p.pk).update(phone_index="")
    migration = importlib.import_module("carecircle.registry.migrations.0009_phone_index")
    assert migration.fill_phone_indexes(Person) == 1
    assert Person.objects.get(pk=p.pk).phone_index == phone_index("13912345678")
    assert migration.fill_phone_indexes(Person) == 0  # idempotent


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Start a registry import and run its background task as the commit would."""
    from carecircle.registry.services import import_start

    def start(user, upload):
        with django_capture_on_commit_callbacks(execute=True):
            job = import_start(actor=user, uploaded_file=upload)
        job.refresh_from_db()
        return job

    return start


def test_the_registry_import_fills_the_index_of_new_and_changed_rows(users, city, run):
    from tests.registry.test_imports import csv_file, good_rows, row

    job = run(users["street"], csv_file(good_rows()))
    assert job.state == "done", job.error
    person = Person.objects.get(name="张桂英")  # inserted in bulk (no save() per row)
    assert person.phone_index == phone_index("13800001111")
    job = run(users["street"], csv_file([row("张桂英", person.id_number, phone="+86 13900002222")]))
    assert job.state == "done", job.error
    assert Person.objects.get(pk=person.pk).phone_index == phone_index("13900002222")


def test_the_demo_writes_the_index_for_bulk_rows():
    from carecircle.registry import demo

    assert "phone_index" in demo.PERSON_FIELDS


def test_people_by_phone_finds_persons_and_contacts_in_scope_only(users, make_person):
    mother = make_person(name="李母", phone="13912345678")
    other = make_person(name="赵父", phone="13000000000")
    family_contact_add(
        actor=users["admin"], person=other, name="赵子", relation="儿子", phone="+86 139 1234 5678"
    )
    outside = make_person(name="外区人", phone="13912345678", region_code=COMMUNITY_B)
    found = registry_selectors.people_by_phone(
        phone="0086-13912345678", user=users["operator"], perm="alarms.operate"
    )
    assert [(m.person_name, m.is_contact, m.relation) for m in found] == [
        ("李母", False, ""),
        ("赵父", True, "儿子"),
    ]
    assert found[0].person_id == mother.pk and found[1].contact_name == "赵子"
    assert outside.pk not in {m.person_id for m in found}
    assert registry_selectors.people_by_phone(phone="13988887777", user=users["operator"]) == []
    assert registry_selectors.people_by_phone(phone="", user=users["operator"]) == []


def test_a_key_rotation_recomputes_the_phone_index(make_person, settings):
    from carecircle.core import keyring, keyrotation, vault

    p = make_person(phone="13912345678")
    keyring.check()
    old, new = settings.VAULT_KEY, "another-test-vault-key"
    keyrotation.run(old_key=old, new_key=new)
    index = Person.objects.values_list("phone_index", flat=True).get(pk=p.pk)
    assert index == vault.phone_index_with(new, "13912345678") != vault.phone_index_with(old, "13912345678")


# -- the telephone system's events -------------------------------------------------------------------


def test_ringing_answered_ended_make_one_call(client, trunk, users):
    r = send(client, trunk.token, event_id="e1", kind="ringing", at=at(-30))
    assert r.status_code == 201 and r.json()["state"] == "ringing"
    r = send(client, trunk.token, event_id="e2", kind="answered", extension="8001", at=at(-20))
    assert r.status_code == 201 and r.json()["state"] == "answered"
    r = send(client, trunk.token, event_id="e3", kind="ended", at=at(-1))
    body = r.json()
    assert r.status_code == 201 and body["state"] == "ended" and not body["late"] and not body["duplicate"]
    call = Call.objects.get()
    assert call.operator == users["operator"] and call.extension == "8001"
    assert call.caller == "13912345678" and call.caller_masked == "139****5678"
    assert call.caller_index == phone_index("13912345678")
    assert (call.answered_at - call.ringing_at).total_seconds() == pytest.approx(10, abs=0.01)
    assert CallEvent.objects.count() == 3
    r = send(client, trunk.token, event_id="e4", call_id="c2", caller="+86 139 1234 5678")
    assert r.status_code == 201
    assert Call.objects.get(call_ref="c2").caller_masked == "139****5678"  # masked as the number it is


def test_a_replayed_event_is_acknowledged_and_not_stored_twice(client, trunk):
    first = send(client, trunk.token, event_id="e1", at="2026-03-10T10:00:00+08:00")
    again = send(client, trunk.token, event_id="e1", at="2026-03-10T02:00:00Z")  # the same instant
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["duplicate"] is True and again.json()["call"] == first.json()["call"]
    assert CallEvent.objects.count() == 1 and Call.objects.count() == 1


def test_an_event_id_used_again_for_other_content_is_refused(client, trunk):
    send(client, trunk.token, event_id="e1", kind="ringing")
    r = send(client, trunk.token, event_id="e1", kind="ended")
    assert r.status_code == 409 and r.json()["field"] == "event_id"
    assert CallEvent.objects.count() == 1 and Call.objects.get().state == CallState.RINGING


def test_out_of_order_events_end_in_the_state_of_their_times(client, trunk, users):
    r = send(client, trunk.token, event_id="e3", kind="ended", at=at(-1))
    assert r.status_code == 201 and r.json()["state"] == "missed"  # no answer known yet
    r = send(client, trunk.token, event_id="e2", kind="answered", operator="operator", at=at(-20))
    assert r.status_code == 201 and r.json()["late"] is True and r.json()["state"] == "ended"
    r = send(client, trunk.token, event_id="e1", kind="ringing", at=at(-30))
    assert r.json()["late"] is True and r.json()["state"] == "ended"
    call = Call.objects.get()
    assert call.ringing_at < call.answered_at < call.ended_at and call.operator == users["operator"]
    assert list(
        CallEvent.objects.filter(late=True).values_list("event_id", flat=True).order_by("event_id")
    ) == [
        "e1",
        "e2",
    ]


def test_a_transfer_moves_the_call_to_the_latest_answer_whatever_the_order(client, trunk, users):
    other = make_user("operator2", Role.OPERATOR, DISTRICT_A)
    send(client, trunk.token, event_id="e2", kind="answered", operator="operator2", at=at(-5))
    send(client, trunk.token, event_id="e1", kind="answered", operator="operator", at=at(-20))  # late
    call = Call.objects.get()
    assert call.operator == other  # the later answer holds the call
    assert call.answered_at < call.operator_at  # the answer time counts from the first answer


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "hangup"}, "kind"),
        ({"event_id": ""}, "event_id"),
        ({"call_id": "x" * 65}, "call_id"),
        ({"caller": "138-abc-0000"}, "caller"),
        ({"at": "2026-03-10T10:00:00"}, "at"),
        ({"kind": "answered"}, "operator"),
        ({"kind": "answered", "extension": "9999"}, "extension"),
        ({"kind": "answered", "operator": "street"}, "operator"),  # not an operator of the centre
    ],
)
def test_a_bad_event_is_refused_naming_its_field_and_nothing_is_stored(client, trunk, body, field):
    r = send(client, trunk.token, **body)
    assert r.status_code == 422, r.content
    assert r.json()["field"] == field
    assert not CallEvent.objects.exists() and not Call.objects.exists()


def test_a_malformed_payload_is_422_naming_the_field(client, trunk):
    r = client.post(
        "/api/v1/telephony/events",
        data={"event_id": "e1", "kind": "ringing", "call_id": "c1", "at": "not a time"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {trunk.token}",
    )
    assert r.status_code == 422 and "at" in r.content.decode()


def test_an_unknown_trunk_is_401_and_a_staff_token_403(client, trunk, users):
    from carecircle.core.services import token_create

    assert send(client, "not-a-trunk-token").status_code == 401
    trunk.active = False
    trunk.save()
    assert send(client, trunk.token).status_code == 401
    _t, staff = token_create(user=users["operator"], name="t")
    assert send(client, staff).status_code == 403
    assert not CallEvent.objects.exists()


def test_a_withheld_number_is_a_call_without_caller(client, trunk):
    r = send(client, trunk.token, caller="anonymous")
    assert r.status_code == 201
    assert Call.objects.get().caller == ""


def test_a_trunk_is_registered_by_a_supervisor_of_its_region_only(users):
    from carecircle.core.errors import NotFound

    with pytest.raises(NotFound):
        services.trunk_register(actor=users["district_b"], name="东湖交换机", region_code=DISTRICT_A)
    trunk, token = services.trunk_register(actor=users["district"], name="东湖交换机", region_code=DISTRICT_A)
    assert services.trunk_for_token(token) == trunk and trunk.token_hash != token
    assert AuditEvent.objects.filter(action=audit_actions.AuditAction.ALARMS_TRUNK_REGISTER).count() == 1


# -- the pop ------------------------------------------------------------------------------------------


def answer(client, trunk, *, caller="13912345678", call_id="c1", operator="operator", n=1):
    send(
        client,
        trunk.token,
        event_id=f"{call_id}-r",
        call_id=call_id,
        kind="ringing",
        caller=caller,
        at=at(-3),
    )
    r = send(
        client,
        trunk.token,
        event_id=f"{call_id}-a",
        call_id=call_id,
        kind="answered",
        caller=caller,
        operator=operator,
        at=at(-1),
    )
    assert r.status_code == 201, r.content
    return Call.objects.get(call_ref=call_id)


def test_the_operator_who_answered_sees_the_callers_card(client, client_for, trunk, users, make_person):
    mother = make_person(name="李母", phone="13912345678")
    call = answer(client, trunk)
    page = client_for(users["operator"])
    r = page.get("/alarms/calls/pop/")
    html = r.content.decode()
    assert r.status_code == 200 and "李母" in html and "139****5678" in html and "本人电话" in html
    assert "13912345678" not in html  # masked
    assert f'data-pop-key="{call.pk}-answered-0"' in html
    assert page.get(f"/alarms/calls/pop/?shown={call.pk}-answered-0").status_code == 204  # nothing new
    assert page.get(f"/alarms/calls/{call.pk}/").status_code == 200
    assert mother.pk in telephony.caller_card(user=users["operator"], call=call).person_ids


def test_a_contacts_call_shows_whose_contact_they_are(client, client_for, trunk, users, make_person):
    father = make_person(name="赵父", phone="13000000000")
    family_contact_add(actor=users["admin"], person=father, name="赵子", relation="儿子", phone="13912345678")
    answer(client, trunk)
    html = client_for(users["operator"]).get("/alarms/calls/pop/").content.decode()
    assert "赵父" in html and "赵子" in html and "儿子" in html


def test_an_unknown_number_pops_a_new_caller_card_not_an_error(client, client_for, trunk, users, make_person):
    make_person(name="王某", phone="13000000000")
    call = answer(client, trunk, caller="13899990000")
    page = client_for(users["operator"])
    r = page.get("/alarms/calls/pop/")
    assert r.status_code == 200 and "新来电人" in r.content.decode()
    r = page.get(f"/alarms/calls/{call.pk}/?q=王某")  # the new caller found by name
    assert r.status_code == 200 and "王某" in r.content.decode()


def test_nobody_else_sees_the_pop(client, client_for, trunk, users):
    call = answer(client, trunk)
    assert client_for(users["operator"]).get("/alarms/calls/pop/").content
    other = make_user("operator2", Role.OPERATOR, DISTRICT_A)
    assert client_for(other).get("/alarms/calls/pop/").content == b""  # not theirs
    assert client_for(other).get(f"/alarms/calls/{call.pk}/").status_code == 404
    assert client_for(users["district_b"]).get(f"/alarms/calls/{call.pk}/").status_code == 404
    assert (
        client_for(users["district"]).get(f"/alarms/calls/{call.pk}/").status_code == 404
    )  # not over the city
    assert (
        client_for(users["admin"]).get(f"/alarms/calls/{call.pk}/").status_code == 200
    )  # supervisor of the city


def test_an_operator_of_another_district_does_not_see_a_person_outside_their_scope(
    client, client_for, trunk, users, operator_b, make_person
):
    make_person(name="东湖李母", phone="13912345678")
    call = answer(client, trunk, operator="operator_b")
    html = client_for(operator_b).get("/alarms/calls/pop/").content.decode()
    assert "新来电人" in html and "东湖李母" not in html
    assert telephony.caller_card(user=operator_b, call=call).matches == ()
    r = client_for(operator_b).get(f"/alarms/calls/{call.pk}/?q=东湖李母")
    assert r.status_code == 200 and "未找到（仅显示您服务区域内的人员）" in r.content.decode()
    assert "东湖李母" not in r.content.decode().split('class="caller-found"')[1]


def test_one_click_turns_the_call_into_a_phone_incident_once(client, client_for, trunk, users, make_person):
    mother = make_person(name="李母", phone="13912345678")
    call = answer(client, trunk)
    page = client_for(users["operator"])
    r = page.post(
        f"/alarms/calls/{call.pk}/incident/", {"person_id": mother.pk, "note": "胸闷"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 302
    incident = Incident.objects.get()
    assert r["Location"] == f"/alarms/incidents/{incident.pk}/card/"
    assert (
        incident.source == Source.PHONE
        and incident.person == mother
        and incident.operator == users["operator"]
    )
    call.refresh_from_db()
    assert call.incident == incident
    assert "139****5678" in incident.timeline.last().text and "胸闷" in incident.timeline.last().text
    again = page.post(f"/alarms/calls/{call.pk}/incident/", {"person_id": mother.pk})
    assert again.status_code == 302 and Incident.objects.count() == 1  # a double click: the same incident
    assert (
        f'data-pop-key="{call.pk}-answered-{incident.pk}"' in page.get("/alarms/calls/pop/").content.decode()
    )


def test_opening_an_incident_without_a_person_is_422_on_the_card(client, client_for, trunk, users):
    call = answer(client, trunk, caller="13899990000")
    r = client_for(users["operator"]).post(f"/alarms/calls/{call.pk}/incident/", {})
    assert r.status_code == 422 and "请选择来电涉及的人员" in r.content.decode()
    assert not Incident.objects.exists()


def test_only_the_answering_operator_opens_an_incident_from_the_call(
    client, client_for, trunk, users, make_person
):
    mother = make_person(name="李母", phone="13912345678")
    call = answer(client, trunk)
    r = client_for(users["admin"]).post(f"/alarms/calls/{call.pk}/incident/", {"person_id": mother.pk})
    assert r.status_code == 403 and not Incident.objects.exists()


def test_closing_the_pop(client, client_for, trunk, users):
    call = answer(client, trunk)
    page = client_for(users["operator"])
    assert page.post(f"/alarms/calls/{call.pk}/dismiss/", HTTP_HX_REQUEST="true").content == b""
    assert page.get("/alarms/calls/pop/").content == b""
    assert page.post(f"/alarms/calls/{call.pk}/dismiss/").status_code == 302  # twice is once


def test_the_pop_stays_a_while_after_the_call_ends(client, trunk, users):
    call = answer(client, trunk)
    send(client, trunk.token, event_id="c1-e", call_id="c1", kind="ended", at=at(0))
    assert list(telephony.popped_calls(users["operator"])) == [Call.objects.get(pk=call.pk)]
    later = timezone.now() + telephony.POP_AFTER_END + datetime.timedelta(minutes=1)
    assert not telephony.popped_calls(users["operator"], now=later).exists()


def test_the_demo_has_a_week_of_calls_and_one_popping_for_the_operator(users, make_person, client_for, city):
    """The synthetic city's step: a trunk, the operator at 8001, a week of calls, and the call the
    operator is on now, whose card pops at sign-in."""
    import io
    import random

    from carecircle.alarms import demo_telephony
    from carecircle.core.demo import City

    for n in range(5):
        make_person(name=f"来电{n}", phone=f"1390000000{n}")
    town = City(seed=7, scale=0.001, today=timezone.localdate(), rng=random.Random(7), out=io.StringIO())
    town.city = city[CITY]
    demo_telephony.generate(town)
    calls = Call.objects.all()
    assert calls.count() == demo_telephony.DAYS * demo_telephony.CALLS_PER_DAY + 1
    assert {c.state for c in calls} >= {CallState.ENDED, CallState.ANSWERED}
    assert services.trunk_for_token(town.facts["telephony_trunk_token"]) is not None
    popped = telephony.popped_calls(users["operator"])
    assert popped.count() == 1 and popped.get().call_ref == "demo-now"
    html = client_for(users["operator"]).get("/alarms/calls/pop/").content.decode()
    assert "来电" in html and "转为警情" in html
