"""Call quality audit (issue 18, item 6): each month a reproducible random sample of at least two
handled incidents per operator, drawn once (unique month), reviewed by a supervisor against the
checklist (data) through the form and the service, with the audit trail; the list with its count,
filters and export; an operator sees only their own results; scope from both sides."""

import datetime
import io

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import load_workbook

from carecircle.alarms import call_audit, services
from carecircle.alarms.models import (
    CallAudit,
    CallAuditDraw,
    CallAuditItem,
    CallAuditState,
    Incident,
    IncidentState,
    Source,
)
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Forbidden, InvalidInput
from carecircle.core.models import AuditEvent
from carecircle.core.roles import Role
from tests.conftest import COMMUNITY_B, make_user

pytestmark = pytest.mark.django_db

FEB = datetime.date(2026, 2, 1)


def _handled(person, operator, at, n):
    return [
        Incident.objects.create(
            person=person,
            region_code=person.region_code,
            source=Source.PHONE,
            kind="phone",
            title=f"电话求助{k}",
            opened_at=at,
            acknowledged_at=at,
            resolved_at=at + datetime.timedelta(minutes=10),
            state=IncidentState.RESOLVED,
            outcome="help",
            operator=operator,
        )
        for k in range(n)
    ]


@pytest.fixture
def month(users, make_person):
    """February: operator A handled 7 incidents, a second operator 3, one operator only 1; an
    incident closed by the system (no operator) and one of March do not count."""
    tz = timezone.get_current_timezone()
    at = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=tz)
    person = make_person(name="质检老人")
    second = make_user("operator2", Role.OPERATOR, "339901000000")
    third = make_user("operator3", Role.OPERATOR, "339901000000")
    made = {
        "a": _handled(person, users["operator"], at, 7),
        "second": _handled(person, second, at, 3),
        "third": _handled(person, third, at, 1),
    }
    _handled(person, None, at, 2)
    _handled(person, users["operator"], datetime.datetime(2026, 3, 2, 9, 0, tzinfo=tz), 2)
    return {"made": made, "second": second, "third": third, "person": person}


def test_at_least_two_per_operator_drawn_once_per_month(users, month):
    draw, created = services.call_audit_draw(actor=users["district"], month=FEB)
    assert created and draw.handled == 11 and draw.per_operator == 2
    sampled = list(CallAudit.objects.filter(draw=draw))
    per_op = {}
    for a in sampled:
        per_op.setdefault(a.operator_id, []).append(a.incident_id)
    assert {k: len(v) for k, v in per_op.items()} == {
        users["operator"].pk: 2,
        month["second"].pk: 2,
        month["third"].pk: 1,  # handled only one: that one
    }
    assert set(per_op[users["operator"].pk]) <= {i.pk for i in month["made"]["a"]}
    # a second draw of the month gives the first back; nothing is drawn twice
    again, created_again = services.call_audit_draw(actor=users["admin"], month=datetime.date(2026, 2, 17))
    assert again == draw and not created_again
    assert CallAudit.objects.count() == 5
    with pytest.raises(IntegrityError), transaction.atomic():
        CallAuditDraw.objects.create(month=FEB, seed="x", drawn_at=timezone.now())
    assert AuditEvent.objects.filter(action=AuditAction.ALARMS_CALL_AUDIT_DRAW).count() == 1


def test_the_sample_is_reproducible_from_its_seed(users, month):
    draw, _ = services.call_audit_draw(actor=users["district"], month=FEB)
    handled = call_audit.handled_in(FEB).values_list("id", "operator_id")
    again = call_audit.draw_sample(draw.seed, handled, draw.per_operator)
    assert {i for i, _o, _t in again} == set(CallAudit.objects.values_list("incident_id", flat=True))
    other = call_audit.draw_sample("another seed", handled, draw.per_operator)
    assert len(other) == 5  # the same sizes from any seed


def test_only_an_ended_month_is_drawn_and_only_by_a_supervisor(users, month):
    with pytest.raises(InvalidInput) as e:
        services.call_audit_draw(actor=users["district"], month=timezone.localdate())
    assert e.value.field == "month"
    with pytest.raises(Forbidden):
        services.call_audit_draw(actor=users["operator"], month=FEB)
    assert not CallAuditDraw.objects.exists()


def _all_pass(**changes):
    data = {f"item_{i.code}": "pass" for i in CallAuditItem.objects.filter(active=True)}
    return data | changes


def test_a_supervisor_reviews_against_the_checklist(users, client_for, month):
    assert CallAuditItem.objects.filter(active=True).count() >= 5  # loaded by the migration
    services.call_audit_draw(actor=users["district"], month=FEB)
    audit = CallAudit.objects.filter(operator=users["operator"]).first()
    c = client_for(users["district"])
    page = c.get(f"/alarms/call-audits/{audit.pk}/").content.decode()
    assert "规范问候并核实身份" in page and "确认地址与所在位置" in page and "保存评审" in page
    # an item left unanswered: 422 naming it, nothing saved
    partial = _all_pass()
    partial.pop("item_address")
    r = c.post(f"/alarms/call-audits/{audit.pk}/review/", partial)
    assert r.status_code == 422 and "确认地址与所在位置" in r.content.decode()
    audit.refresh_from_db()
    assert audit.state == CallAuditState.PENDING and not audit.answers.exists()
    # address (weight 2 of 10) and closing (1) failed: 70, below the pass mark
    r = c.post(
        f"/alarms/call-audits/{audit.pk}/review/",
        _all_pass(item_address="fail", item_closing="fail", comment="未核对门牌"),
    )
    assert r.status_code == 302
    audit.refresh_from_db()
    assert audit.state == CallAuditState.REVIEWED and audit.score == 70 and audit.passed is False
    assert audit.reviewer == users["district"] and audit.comment == "未核对门牌"
    assert {a.item.code: a.passed for a in audit.answers.all()}["address"] is False
    event = AuditEvent.objects.get(action=AuditAction.ALARMS_CALL_AUDIT_REVIEW)
    assert event.detail["score"] == 70 and event.detail["results"]["address"] is False
    # corrected: every item passes
    c.post(f"/alarms/call-audits/{audit.pk}/review/", _all_pass())
    audit.refresh_from_db()
    assert audit.score == 100 and audit.passed and audit.answers.count() == CallAuditItem.objects.count()
    assert AuditEvent.objects.filter(action=AuditAction.ALARMS_CALL_AUDIT_REVIEW).count() == 2


def test_an_operator_sees_only_their_own_results_and_reviews_none(users, client_for, month):
    services.call_audit_draw(actor=users["district"], month=FEB)
    mine = CallAudit.objects.filter(operator=users["operator"]).first()
    theirs = CallAudit.objects.filter(operator=month["second"]).first()
    op = client_for(users["operator"])
    html = op.get("/alarms/call-audits/").content.decode()
    assert "共 2 条" in html and "抽取月度样本" not in html
    assert op.get(f"/alarms/call-audits/{mine.pk}/").status_code == 200
    assert "保存评审" not in op.get(f"/alarms/call-audits/{mine.pk}/").content.decode()
    assert op.get(f"/alarms/call-audits/{theirs.pk}/").status_code == 404
    assert op.post(f"/alarms/call-audits/{mine.pk}/review/", _all_pass()).status_code == 403
    # the operator's own export: their rows only
    r = op.post("/alarms/call-audits/", {"purpose": "自查"})
    rows = list(
        load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0].iter_rows(values_only=True)
    )
    assert len(rows) == 1 + 2
    # a supervisor who handled an incident does not review their own call
    mine.operator = users["district"]
    mine.save()
    with pytest.raises(Forbidden):
        services.call_audit_review(actor=users["district"], call_audit_id=mine.pk, results={})


def test_the_audit_list_counts_filters_exports_and_keeps_to_scope(users, client_for, month, make_person):
    services.call_audit_draw(actor=users["district"], month=FEB)
    c = client_for(users["district"])
    html = c.get("/alarms/call-audits/").content.decode()
    assert "共 5 条" in html and "2026年2月" in html
    assert "共 5 条" in c.get("/alarms/call-audits/?month=2026-02&state=pending").content.decode()
    assert "共 0 条" in c.get("/alarms/call-audits/?state=reviewed").content.decode()
    assert c.get("/alarms/call-audits/?month=2025-13").status_code == 422
    assert c.get("/alarms/call-audits/?region=" + COMMUNITY_B).status_code == 422
    r = c.post("/alarms/call-audits/?state=pending", {"purpose": "月度质检"})
    rows = list(
        load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0].iter_rows(values_only=True)
    )
    assert rows[0][0] == "月份" and len(rows) == 6
    assert AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).latest("id").detail["rows"] == 5
    # district B's supervisor sees none of district A's audits, and cannot open or review one
    b = client_for(users["district_b"])
    assert "共 0 条" in b.get("/alarms/call-audits/").content.decode()
    audit = CallAudit.objects.first()
    assert b.get(f"/alarms/call-audits/{audit.pk}/").status_code == 404
    assert b.post(f"/alarms/call-audits/{audit.pk}/review/", _all_pass()).status_code == 404
    assert client_for(users["community"]).get("/alarms/call-audits/").status_code == 403


def test_the_draw_through_the_page(users, client_for, month):
    c = client_for(users["district"])
    assert c.post("/alarms/call-audits/draw/", {"month": "2026-02"}).status_code == 302
    assert c.post("/alarms/call-audits/draw/", {"month": "2026-02"}).status_code == 302  # the same draw
    assert CallAuditDraw.objects.count() == 1 and CallAudit.objects.count() == 5
    r = c.post("/alarms/call-audits/draw/", {"month": "不是月份"})
    assert r.status_code == 422 and "月份格式不正确" in r.content.decode()
    assert c.post("/alarms/call-audits/draw/", {"month": "2026-03"}).status_code == 422  # not ended yet


def test_the_demo_has_device_tests_and_a_partly_reviewed_sample(users, month, make_device):
    """The synthetic city's step: tests over the last months (some devices never test), a waiting,
    a passed and a failed test call, last month's sample drawn and partly reviewed."""
    import random

    from carecircle.alarms import demo_care
    from carecircle.alarms.models import DeviceTest, DeviceTestCall
    from carecircle.core.demo import City

    devices = [make_device(month["person"])[0] for _ in range(40)]
    city = City(seed=7, scale=0.001, today=timezone.localdate(), rng=random.Random(7), out=io.StringIO())
    demo_care.generate(city, devices)
    tested = set(DeviceTest.objects.values_list("device_id", flat=True))
    assert 20 <= len(tested) < 40  # most devices test; some never do (the device-care list's rows)
    assert {c.state for c in DeviceTestCall.objects.all()} == {"waiting", "passed", "failed"}
    draw = CallAuditDraw.objects.get(month=FEB)
    states = set(CallAudit.objects.filter(draw=draw).values_list("state", flat=True))
    assert states == {CallAuditState.PENDING, CallAuditState.REVIEWED}


def test_the_monthly_task_draws_the_month_just_ended_once(users, month):
    from carecircle.alarms import tasks

    due = datetime.datetime(2026, 3, 1, 7, 0, tzinfo=timezone.get_current_timezone())
    tasks.call_audit_draw(due=due)
    tasks.call_audit_draw(due=due)  # a second run of the slot (a retry): the same draw
    assert list(CallAuditDraw.objects.values_list("month", flat=True)) == [FEB]
    assert CallAudit.objects.count() == 5
