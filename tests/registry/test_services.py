import datetime

import pytest
from django.db import connection
from django.utils import timezone

from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.models import AuditEvent
from carecircle.registry import selectors, services
from tests.conftest import COMMUNITY_A, COMMUNITY_B, id_number


def test_create_derives_birth_and_sex_and_encrypts(users, make_person):
    person = make_person(age=82, sex="M", phone="13912345678", address="桂花苑3幢2单元501室")
    person.refresh_from_db()
    assert person.sex == "M"
    assert person.id_masked[:6] == "330106" and "*" in person.id_masked and len(person.id_masked) == 18
    assert person.phone_masked == "139****5678"
    with connection.cursor() as cursor:  # read what is stored, past the field's decryption
        cursor.execute("SELECT id_number, phone, address FROM registry_person WHERE id = %s", [person.pk])
        stored = cursor.fetchone()
    row = dict(zip(["id_number", "phone", "address"], stored, strict=True))
    # What the database holds is ciphertext, never the plain values.
    assert row["id_number"].startswith("v1:") and person.id_number not in row["id_number"]
    assert row["phone"].startswith("v1:") and "13912345678" not in row["phone"]
    assert row["address"].startswith("v1:")
    assert AuditEvent.objects.filter(action="person.create", object_id=str(person.pk)).exists()


def test_duplicate_id_number_refused_with_clear_message(users, make_person):
    person = make_person(name="李秀英")
    with pytest.raises(Conflict, match="李秀英"):
        services.person_create(
            actor=users["admin"], name="别人", id_number=person.id_number, region_code=COMMUNITY_A
        )


def test_working_age_person_is_not_registered(users, frozen_now):
    today = timezone.localdate()
    birth = today.replace(year=today.year - 40)
    with pytest.raises(InvalidInput, match="仅登记"):
        services.person_create(
            actor=users["admin"], name="王五", id_number=id_number(birth), region_code=COMMUNITY_A
        )


def test_person_must_be_registered_at_community_level(users):
    birth = datetime.date(1950, 1, 1)
    with pytest.raises(InvalidInput, match="社区"):
        services.person_create(
            actor=users["admin"], name="王五", id_number=id_number(birth), region_code="339901001000"
        )
    with pytest.raises(InvalidInput, match="未知"):
        services.person_create(
            actor=users["admin"], name="王五", id_number=id_number(birth), region_code="339901001099"
        )


def test_worker_cannot_register_outside_their_region(users):
    with pytest.raises(NotFound):
        services.person_create(
            actor=users["street"],
            name="王五",
            id_number=id_number(datetime.date(1950, 1, 1)),
            region_code=COMMUNITY_B,
        )


def test_statuses_have_periods_and_answer_as_of_a_date(users, make_person):
    person = make_person()
    services.status_add(
        actor=users["street"],
        person=person,
        kind="dibao",
        valid_from=datetime.date(2026, 3, 1),
        source="民政低保系统",
    )
    s = person.statuses.get()
    services.status_end(actor=users["street"], status=s, valid_to=datetime.date(2026, 8, 31))
    in_march = selectors.person_search(user=users["street"], status="dibao", day=datetime.date(2026, 3, 15))
    in_october = selectors.person_search(user=users["street"], status="dibao", day=datetime.date(2026, 10, 1))
    assert list(in_march) == [person] and list(in_october) == []


def test_overlapping_status_refused(users, make_person):
    person = make_person()
    services.status_add(
        actor=users["street"],
        person=person,
        kind="living_alone",
        valid_from=datetime.date(2025, 1, 1),
        source="走访",
    )
    with pytest.raises(Conflict, match="重叠"):
        services.status_add(
            actor=users["street"],
            person=person,
            kind="living_alone",
            valid_from=datetime.date(2026, 1, 1),
            source="走访",
        )
    with pytest.raises(InvalidInput, match="来源"):
        services.status_add(
            actor=users["street"],
            person=person,
            kind="dibao",
            valid_from=datetime.date(2026, 1, 1),
            source=" ",
        )


def test_deceased_people_leave_the_active_lists(users, make_person):
    person = make_person()
    services.status_add(
        actor=users["street"],
        person=person,
        kind="deceased",
        valid_from=datetime.date(2026, 5, 2),
        source="殡葬系统",
    )
    assert person in selectors.person_search(user=users["street"], day=datetime.date(2026, 5, 1))
    assert person not in selectors.person_search(user=users["street"], day=datetime.date(2026, 5, 2))
    assert person in selectors.person_search(
        user=users["street"], include_inactive=True, day=datetime.date(2026, 5, 2)
    )


def test_derived_groups_are_computed(users, make_person, frozen_now):
    today = timezone.localdate()
    old = make_person(birth=today.replace(year=today.year - 100))
    young = make_person(age=61)
    baby = make_person(birth=today - datetime.timedelta(days=300))
    assert "百岁老人" in selectors.derived_groups(old) and "高龄" in selectors.derived_groups(old)
    assert selectors.derived_groups(young) == ["老年人"]
    assert list(selectors.person_search(user=users["admin"], group="infant")) == [baby]
    assert set(selectors.person_search(user=users["admin"], group="senior80")) == {old}


def test_unmask_needs_purpose_permission_and_is_audited(users, make_person):
    person = make_person()
    with pytest.raises(InvalidInput, match="事由"):
        services.person_unmask(actor=users["street"], person=person, purpose="")
    with pytest.raises(Forbidden):
        services.person_unmask(actor=users["inspector"], person=person, purpose="检查")
    plain = services.person_unmask(actor=users["street"], person=person, purpose="上门走访核实")
    assert plain["id_number"] == person.id_number
    event = AuditEvent.objects.get(action="pii.unmask")
    assert (
        event.username == "street" and event.purpose == "上门走访核实" and event.object_id == str(person.pk)
    )


def test_search_by_full_id_number_uses_the_blind_index(users, make_person):
    person = make_person(name="赵桂兰")
    make_person(name="钱秀英")
    found = selectors.person_search(user=users["street"], text=person.id_number)
    assert list(found) == [person]
    # a part of the number finds nobody: searching by the last four would tell the hidden digits
    assert list(selectors.person_search(user=users["street"], text=person.id_number[-4:])) == []
    assert list(selectors.person_search(user=users["street"], text=person.id_number[:6])) == []
    assert list(selectors.person_search(user=users["street"], text="桂兰")) == [person]


def test_update_records_fields_not_values(users, make_person):
    person = make_person()
    services.person_update(actor=users["community"], person=person, phone="13700000000", name="新名字")
    event = AuditEvent.objects.get(action="person.update")
    assert set(event.detail["fields"]) == {"phone", "name"}
    assert "13700000000" not in str(event.detail)
    with pytest.raises(InvalidInput):
        services.person_update(actor=users["community"], person=person, birth_date="1900-01-01")


def test_family_account_sees_their_parent(users, make_person):
    parent = make_person()
    contact = services.family_contact_add(
        actor=users["community"],
        person=parent,
        name="女儿",
        relation="女儿",
        phone="13600000000",
        user=users["resident"],
    )
    # a pending link until consent: the person confirms, or a worker records the evidence seen (portal)
    assert list(selectors.family_persons(users["resident"])) == []
    from carecircle.portal.services import link_verify

    link_verify(actor=users["community"], link=contact, evidence="hukou", note="户口簿：与户主关系 女")
    assert list(selectors.family_persons(users["resident"])) == [parent]
    with pytest.raises(Conflict):
        services.family_contact_add(
            actor=users["community"], person=parent, name="女儿", relation="女儿", user=users["resident"]
        )


def test_contact_page_links_a_family_account(users, make_person, client_for):
    parent = make_person()
    client = client_for(users["community"])
    client.post(
        f"/people/{parent.pk}/contacts/",
        {"name": "王女儿", "relation": "女儿", "phone": "13600000001", "username": "resident"},
    )
    link = parent.contacts.get(user=users["resident"])
    assert link.link_state == "pending"  # counts once verified with the evidence (portal)
    assert list(selectors.family_persons(users["resident"])) == []
    response = client.post(
        f"/people/{parent.pk}/contacts/",
        {"name": "某人", "relation": "儿子", "username": "street"},
        follow=True,
    )
    assert "没有这个居民/家属账号" in response.content.decode()


def test_person_page_links_to_other_modules(users, make_person, client_for):
    elder = make_person(age=82)
    body = client_for(users["street"]).get(f"/people/{elder.pk}/").content.decode()
    assert "相关业务" in body
    assert "能力等级：未评估或已过期" in body and f"/assessment/new/{elder.pk}/" in body
    assert f"/benefits/people/{elder.pk}/" in body
    assert f"?person_id={elder.pk}" in body
