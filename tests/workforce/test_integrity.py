"""Integrity records (个人诚信, Jiaxing 二(五)14–16): recorded with a source, appealed once, decided by
another official; an employer finds a candidate's records only by full ID number, audited with a
purpose, and cannot browse the records of people not applying to them."""

import datetime

import pytest
from django.urls import reverse

from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.models import AuditEvent, RoleGrant
from carecircle.workforce import integrity, services
from carecircle.workforce.models import IntegrityRecord
from tests.conftest import COMMUNITY_A, id_number

ID = id_number(datetime.date(1979, 4, 2), 5)
DAY = datetime.date(2026, 3, 1)


@pytest.fixture
def worker(users):
    RoleGrant.objects.filter(user=users["provider"]).update(
        organisation_kind="homecare_provider", organisation_id=7001
    )
    return services.worker_register(
        actor=users["admin"],
        organisation_id=7002,
        region_code=COMMUNITY_A,
        name="赵护理",
        employed_from=datetime.date(2023, 1, 1),
        id_number=ID,
    )


def record(users, worker, **kw):
    base = dict(
        actor=users["district"],
        worker=worker,
        kind="abuse",
        source="inspection",
        source_ref="东民检〔2026〕3号",
        occurred_on=DAY,
        summary="夜间推搡失能老人，经调查属实",
    )
    return integrity.integrity_record(**{**base, **kw})


def test_bad_input_and_once(users, worker):
    for field, kw, text in [
        ("kind", {"kind": "rude"}, "记录类别无效"),
        ("source_ref", {"source_ref": " "}, "来源文号"),
        ("summary", {"summary": ""}, "事实摘要"),
        ("occurred_on", {"occurred_on": datetime.date(2999, 1, 1)}, "不能晚于今天"),
    ]:
        with pytest.raises(InvalidInput) as err:
            record(users, worker, **kw)
        assert err.value.field == field and text in str(err.value.message)
    record(users, worker)
    with pytest.raises(Conflict):
        record(users, worker)
    with pytest.raises(NotFound):  # another district's official
        record(users, worker, actor=users["district_b"], source_ref="x")
    assert IntegrityRecord.objects.count() == 1


def test_appeal_decided_by_another_official(users, worker):
    row = record(users, worker)
    with pytest.raises(InvalidInput):
        integrity.integrity_appeal(actor=users["district"], record=row, reason="")
    integrity.integrity_appeal(actor=users["district"], record=row, reason="当晚不在岗，有排班记录为证")
    with pytest.raises(Conflict):
        integrity.integrity_appeal(actor=users["district"], record=row, reason="再次申诉")
    with pytest.raises(Forbidden) as err:
        integrity.integrity_decide(actor=users["district"], record=row, upheld=False, decision="撤销")
    assert "记录人以外" in str(err.value.message)
    with pytest.raises(InvalidInput):
        integrity.integrity_decide(actor=users["admin"], record=row, upheld=False, decision=" ")
    row = integrity.integrity_decide(
        actor=users["admin"], record=row, upheld=False, decision="排班记录证实不在岗"
    )
    assert row.status == "overturned" and row.decided_by == users["admin"]


def test_employer_lookup_audited_and_scoped(users, worker, client_for):
    record(users, worker)
    hired = integrity.integrity_lookup(
        actor=users["provider"],
        employer_kind="homecare_provider",
        organisation_id=7001,
        id_number=ID,
        purpose="应聘居家护理员",
    )
    assert [r.kind for r in hired] == ["abuse"]
    event = AuditEvent.objects.filter(action=AuditAction.INTEGRITY_LOOKUP).get()
    assert (
        event.purpose == "应聘居家护理员"
        and event.user == users["provider"]
        and ID not in str(event.object_id)
    )
    with pytest.raises(InvalidInput) as err:
        integrity.integrity_lookup(
            actor=users["provider"],
            employer_kind="homecare_provider",
            organisation_id=7001,
            id_number="123",
            purpose="x",
        )
    assert err.value.field == "id_number"
    with pytest.raises(Forbidden):  # not an admin of that employer
        integrity.integrity_lookup(
            actor=users["provider"],
            employer_kind="homecare_provider",
            organisation_id=7002,
            id_number=ID,
            purpose="x",
        )
    # pages: the employer has no list of records (403); an official of the district sees it
    client = client_for(users["provider"])
    assert client.get(reverse("workforce:integrity_list")).status_code == 403
    page = client.post(
        reverse("workforce:integrity_lookup"),
        {"employer": "homecare_provider:7001", "id_number": ID, "purpose": "应聘"},
    )
    assert page.status_code == 200 and "虐待/侵害认定" in page.content.decode()
    bad = client.post(
        reverse("workforce:integrity_lookup"),
        {"employer": "homecare_provider:7001", "id_number": "1", "purpose": "应聘"},
    )
    assert bad.status_code == 422 and "身份证号无效" in bad.content.decode()
    client = client_for(users["district"])
    assert "赵护理" in client.get(reverse("workforce:integrity_list")).content.decode()
    assert client.get(reverse("workforce:integrity_lookup")).status_code == 403  # no employer
    client = client_for(users["district_b"])
    assert "赵护理" not in client.get(reverse("workforce:integrity_list")).content.decode()


def test_worker_page_records_appeals_and_decides(users, worker, client_for):
    url = reverse("workforce:worker_integrity", args=[worker.pk])
    district = client_for(users["district"])
    bad = district.post(url, {"action": "record", "kind": "abuse", "source": "inspection", "source_ref": "x"})
    assert bad.status_code == 422 and IntegrityRecord.objects.count() == 0
    future = {
        "action": "record",
        "kind": "complaint",
        "source": "complaint",
        "source_ref": "投诉单 7",
        "occurred_on": "2999-01-01",
        "summary": "服务态度恶劣",
    }
    refused = district.post(url, future)
    assert refused.status_code == 422 and "不能晚于今天" in refused.content.decode()
    assert district.post(url, {**future, "occurred_on": "2026-02-01"}).status_code == 302
    row = IntegrityRecord.objects.get()
    assert district.post(url, {"action": "appeal", "record": row.pk, "reason": "有证据"}).status_code == 302
    same = district.post(url, {"action": "decide", "record": row.pk, "upheld": "1", "decision": "维持"})
    assert same.status_code == 403 and "记录人以外" in same.content.decode()
    admin = client_for(users["admin"])
    assert (
        admin.post(url, {"action": "decide", "record": row.pk, "upheld": "0", "decision": "撤销"}).status_code
        == 302
    )
    row.refresh_from_db()
    assert row.status == "overturned" and row.decided_by == users["admin"]
    # outside the worker's district: refused; the worker's employer admin (region.view only): refused
    assert client_for(users["district_b"]).get(url).status_code == 404
    assert client_for(users["provider"]).get(url).status_code in (403, 404)
