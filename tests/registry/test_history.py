"""A person's history reads as Chinese sentences (issue 17 item 1): the action in words, a status by
its name, the actor by role and name; no `status.add`, no `living_alone`, no login name alone."""

import datetime

import pytest
from django.utils import timezone

from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.registry import history, selectors, services
from carecircle.registry.models import PersonStatus


@pytest.fixture
def elder(make_person):
    return make_person(age=82, name="历史老人")


def test_the_history_names_actions_statuses_and_actors_in_words(users, client_for, elder):
    community = users["community"]
    community.display_name = "张三"
    community.save(update_fields=["display_name"])
    day = timezone.localdate()
    services.status_add(actor=community, person=elder, kind="living_alone", valid_from=day, source="社区走访")
    status = PersonStatus.objects.get(person=elder, kind="living_alone")
    services.status_end(actor=community, status=status, valid_to=day + datetime.timedelta(days=30))
    services.person_update(actor=community, person=elder, phone="13900001111", address="新地址1号")
    services.family_contact_add(
        actor=community, person=elder, name="李四", relation="儿子", phone="13800002222"
    )
    services.person_unmask(actor=users["admin"], person=elder, purpose="核对补贴")

    rows = selectors.person_history_entries(elder)
    texts = [f"{r.actor} {r.text}" for r in rows]
    assert f"社区工作人员张三 新增状况：独居（自{day:%Y-%m-%d}起，来源：社区走访）" in texts
    assert f"社区工作人员张三 终止状况：独居（至{day + datetime.timedelta(days=30):%Y-%m-%d}止）" in texts
    assert "社区工作人员张三 修改了联系电话、居住地址" in texts
    assert "社区工作人员张三 添加家属联系人（儿子）" in texts
    assert "市级管理员admin 查看了完整个人信息（事由：核对补贴）" in texts
    assert "市级管理员admin 登记人员信息" in texts

    page = client_for(community).get(f"/people/{elder.pk}/").content.decode()
    shown = page.split('<ol class="history">')[1].split("</ol>")[0]
    assert "社区工作人员张三 新增状况：独居" in shown
    for raw in ("status.add", "living_alone", "person.update", "pii.unmask", "contact.add", ">community<"):
        assert raw not in shown, raw


def test_the_system_and_unknown_actions_read_in_words(elder):
    audit.record(actor=None, action=AuditAction.PAYEE_SET, obj=elder, system="benefits")
    audit.record(actor=None, action="some.retired_action", obj=elder, system="nightly")
    rows = selectors.person_history_entries(elder)
    assert [(r.actor, r.text) for r in rows[:2]] == [
        ("系统", "其他操作"),
        ("系统（津贴补贴（免申即享））", "设置收款账户"),
    ]


def test_each_sentence_names_no_code():
    assert history.sentence("status.add", {"kind": "tekun"}) == "新增状况：特困"
    assert history.sentence("status.add", {"kind": "gone"}) == "新增状况：其他状况"
    assert history.sentence("person.update", {"fields": ["latitude", "longitude", "region_code"]}) == (
        "修改了住址位置、所属社区"
    )
    assert history.sentence("person.update", {"fields": ["shoe_size"]}) == "修改了其他信息"
    assert history.sentence("guardianship.assess", {"outcome": "lacking"}) == "登记监护评估：监护缺失"
    assert history.sentence("assessment.record", {}) == "登记能力评估"
