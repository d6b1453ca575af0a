"""The registry's pages follow the page pattern (docs/directory-guide.md, "Writing a page"): what the
person page offers is `selectors.person_actions`, which the services apply too; a bad value comes
back on the page with its form (422, the message naming the field); a refusal is the 403 page and
a clash the 409 page, never a flash message; the audit row is written once, by the service."""

import datetime

import pytest

from carecircle.core.errors import Forbidden
from carecircle.core.models import AuditEvent
from carecircle.registry import selectors, services
from carecircle.registry.models import FamilyContact, PersonStatus
from carecircle.registry.selectors import PersonAction
from tests.conftest import COMMUNITY_B


@pytest.fixture
def elder(make_person):
    return make_person(age=82, name="页面老人")


def test_the_person_page_offers_what_person_actions_allows_and_the_services_refuse_the_rest(
    users, client_for, elder
):
    assert selectors.person_actions(users["community"], elder) == {PersonAction.EDIT, PersonAction.UNMASK}
    assert selectors.person_actions(users["operator"], elder) == {PersonAction.UNMASK}
    assert selectors.person_actions(users["inspector"], elder) == frozenset()
    staff = client_for(users["community"]).get(f"/people/{elder.pk}/").content.decode()
    assert f"/people/{elder.pk}/edit/" in staff and f"/people/{elder.pk}/unmask/" in staff
    assert f"/people/{elder.pk}/statuses/" in staff and f"/people/{elder.pk}/contacts/" in staff
    operator = client_for(users["operator"]).get(f"/people/{elder.pk}/").content.decode()
    assert f"/people/{elder.pk}/unmask/" in operator
    assert f"/people/{elder.pk}/edit/" not in operator and f"/people/{elder.pk}/statuses/" not in operator
    with pytest.raises(Forbidden):
        services.status_add(
            actor=users["operator"],
            person=elder,
            kind="living_alone",
            valid_from=datetime.date(2026, 1, 1),
            source="走访",
        )
    with pytest.raises(Forbidden):
        services.person_update(actor=users["operator"], person=elder, name="改名")
    refused = client_for(users["operator"]).post(
        f"/people/{elder.pk}/statuses/",
        {"kind": "living_alone", "valid_from": "2026-01-01", "source": "走访"},
    )
    assert refused.status_code == 403 and "无法完成" in refused.content.decode()


def test_an_ended_status_offers_no_end_button(users, client_for, elder):
    open_one = services.status_add(
        actor=users["community"],
        person=elder,
        kind="living_alone",
        valid_from=datetime.date(2025, 1, 1),
        source="走访",
    )
    ended = services.status_add(
        actor=users["community"],
        person=elder,
        kind="empty_nest",
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2024, 6, 30),
        source="走访",
    )
    rows = dict(selectors.status_rows(users["community"], elder))
    assert rows == {open_one: True, ended: False}
    assert not any(selectors.status_rows(users["operator"], elder)[i][1] for i in range(2))
    page = client_for(users["community"]).get(f"/people/{elder.pk}/").content.decode()
    assert f"/statuses/{open_one.pk}/end/" in page and f"/statuses/{ended.pk}/end/" not in page


def test_a_bad_status_comes_back_on_the_page_naming_the_field(users, client_for, elder):
    client = client_for(users["community"])
    response = client.post(
        f"/people/{elder.pk}/statuses/", {"kind": "living_alone", "valid_from": "不是日期", "source": "走访"}
    )
    body = response.content.decode()
    assert response.status_code == 422 and "起始日期：" in body and not PersonStatus.objects.exists()
    assert 'value="走访"' in body  # what was typed is kept
    response = client.post(
        f"/people/{elder.pk}/statuses/", {"kind": "living_alone", "valid_from": "2026-01-01", "source": "  "}
    )
    assert response.status_code == 422 and "来源：" in response.content.decode()


def test_an_overlapping_status_is_the_conflict_page(users, client_for, elder):
    services.status_add(
        actor=users["community"],
        person=elder,
        kind="living_alone",
        valid_from=datetime.date(2025, 1, 1),
        source="走访",
    )
    response = client_for(users["community"]).post(
        f"/people/{elder.pk}/statuses/",
        {"kind": "living_alone", "valid_from": "2026-01-01", "source": "走访"},
    )
    assert response.status_code == 409 and "时间重叠" in response.content.decode()


def test_ending_a_status_reads_the_date_like_the_import(users, client_for, elder, make_person):
    status = services.status_add(
        actor=users["community"],
        person=elder,
        kind="living_alone",
        valid_from=datetime.date(2025, 1, 1),
        source="走访",
    )
    client = client_for(users["community"])
    bad = client.post(f"/people/{elder.pk}/statuses/{status.pk}/end/", {"valid_to": "明天"})
    assert bad.status_code == 422 and "日期格式不正确" in bad.content.decode()
    assert (
        client.post(f"/people/{elder.pk}/statuses/{status.pk}/end/", {"valid_to": "2026-02-01"}).status_code
        == 302
    )
    status.refresh_from_db()
    assert status.valid_to == datetime.date(2026, 2, 1)
    assert AuditEvent.objects.filter(action="status.end", object_id=str(elder.pk)).count() == 1
    others = services.status_add(
        actor=users["admin"],
        person=make_person(),
        kind="empty_nest",
        valid_from=datetime.date(2025, 1, 1),
        source="走访",
    )
    # another person's status through this person's address: not found, as if it did not exist
    assert (
        client.post(f"/people/{elder.pk}/statuses/{others.pk}/end/", {"valid_to": "2026-02-01"}).status_code
        == 404
    )


def test_unmasking_without_a_purpose_is_said_on_the_page_and_nothing_is_shown(users, client_for, elder):
    client = client_for(users["community"])
    response = client.post(f"/people/{elder.pk}/unmask/", {"purpose": ""})
    body = response.content.decode()
    assert response.status_code == 422 and "查看完整信息须填写事由" in body and elder.id_number not in body
    assert not AuditEvent.objects.filter(action="pii.unmask").exists()
    shown = client.post(f"/people/{elder.pk}/unmask/", {"purpose": "上门核实"})
    assert shown.status_code == 200 and elder.id_number in shown.content.decode()
    assert AuditEvent.objects.filter(action="pii.unmask", object_id=str(elder.pk)).count() == 1


def test_a_contact_with_an_unknown_account_comes_back_on_the_form(users, client_for, elder):
    response = client_for(users["community"]).post(
        f"/people/{elder.pk}/contacts/", {"name": "某人", "relation": "儿子", "username": "nobody"}
    )
    body = response.content.decode()
    assert response.status_code == 422 and "没有这个居民/家属账号：nobody" in body
    assert "<details open>" in body and 'value="某人"' in body and not FamilyContact.objects.exists()
    missing = client_for(users["community"]).post(f"/people/{elder.pk}/contacts/", {"name": "某人"})
    assert missing.status_code == 422 and "关系：" in missing.content.decode()


def test_moving_a_person_out_of_scope_is_the_refusal_page_not_a_form_message(users, client_for, elder):
    response = client_for(users["community"]).post(
        f"/people/{elder.pk}/edit/", {"name": elder.name, "region_code": COMMUNITY_B}
    )
    assert response.status_code in (403, 404) and "无法完成" in response.content.decode()
    elder.refresh_from_db()
    assert elder.region_code != COMMUNITY_B


def test_editing_keeps_blank_fields_and_audits_once(users, client_for, elder):
    client = client_for(users["community"])
    response = client.post(
        f"/people/{elder.pk}/edit/",
        {"name": "新名字", "region_code": elder.region_code, "phone": "", "address": ""},
    )
    assert response.status_code == 302
    elder.refresh_from_db()
    assert elder.name == "新名字" and elder.phone == "13800001234"
    assert AuditEvent.objects.filter(action="person.update", object_id=str(elder.pk)).count() == 1
    bad = client.post(f"/people/{elder.pk}/edit/", {"name": "新名字", "region_code": "123"})
    assert bad.status_code == 422 and "未知的区划代码" in bad.content.decode()
