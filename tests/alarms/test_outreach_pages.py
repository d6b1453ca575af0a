"""The proactive calls' pages: the operator's worklist (list component, script, on-time rate), an
outcome through the form (a double submit is one attempt; a bad value 422 naming the field), needs a
service -> the order page prefilled, scope (outsider refused, insider served), generation."""

import datetime

import pytest
from django.utils import timezone

from carecircle.alarms import outreach
from carecircle.alarms.models import OutreachAttempt, OutreachCall, OutreachRule, OutreachState
from carecircle.core.roles import Role
from carecircle.homecare import selectors as homecare_selectors
from carecircle.registry.models import StatusKind
from tests.alarms.conftest import add_status
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(users, alone):
    rule = OutreachRule.objects.get(code="living-alone-weekly")
    today = timezone.localdate()
    return OutreachCall.objects.create(
        rule=rule,
        person=alone,
        region_code=alone.region_code,
        slot_start=outreach.slot_start(today, 7),
        scheduled_for=today,
        due_at=outreach.due_at(today, rule.due_hour),
        assignee=users["operator"],
    )


def test_the_worklist_shows_the_operators_calls_with_the_script_and_the_rate(users, call, client_for):
    page = client_for(users["operator"]).get("/alarms/outreach/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "共 1 条" in body or "共1条" in body
    assert "独居张" in body and "独居老人每周问候" in body
    assert "您好，独居张" in body  # the script, with the person's name
    assert 'id="on-time"' in body and "按时完成率" in body
    assert 'name="idempotency_key"' in body
    other = make_user("operator2", Role.OPERATOR, "339901000000")
    assert "独居张" not in client_for(other).get("/alarms/outreach/").content.decode()  # not theirs


def test_the_worklist_exports_to_excel(users, call, client_for):
    r = client_for(users["operator"]).post("/alarms/outreach/", {"purpose": "关怀回访"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_outcome_posted_twice_is_one_attempt(users, call, client_for):
    c = client_for(users["operator"])
    data = {"result": "well", "idempotency_key": "page-key", "note": "身体不错", "next": "/alarms/outreach/"}
    first = c.post(f"/alarms/outreach/{call.pk}/record/", data)
    second = c.post(f"/alarms/outreach/{call.pk}/record/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == "/alarms/outreach/"
    assert OutreachAttempt.objects.filter(call=call).count() == 1
    call.refresh_from_db()
    assert call.state == OutreachState.WELL
    again = c.post(f"/alarms/outreach/{call.pk}/record/", data | {"idempotency_key": "new-key"})
    assert again.status_code == 409 and "不能重复记录" in again.content.decode()
    assert OutreachAttempt.objects.filter(call=call).count() == 1


def test_a_missing_result_is_422_naming_it(users, call, client_for):
    r = client_for(users["operator"]).post(f"/alarms/outreach/{call.pk}/record/", {"idempotency_key": "k"})
    assert r.status_code == 422
    assert "请选择通话结果" in r.content.decode()
    assert not OutreachAttempt.objects.exists()


def test_needs_a_service_leads_to_the_order_page_prefilled(users, call, client_for):
    item = next(i for c in homecare_selectors.catalogue() for i in c.active_items)
    r = client_for(users["operator"]).post(
        f"/alarms/outreach/{call.pk}/record/",
        {"result": "service", "service_item": item.code, "idempotency_key": "svc", "note": "想要助餐"},
    )
    assert r.status_code == 302
    call.refresh_from_db()
    assert (call.state, call.service_item) == (OutreachState.SERVICE, item.code)
    page = client_for(users["community"]).get(f"/alarms/outreach/{call.pk}/").content.decode()
    assert f"/homecare/new/?person_id={call.person_id}&amp;item={item.code}" in page
    assert (
        "/homecare/new/"
        not in client_for(users["operator"]).get(f"/alarms/outreach/{call.pk}/").content.decode()
    )


def test_scope_outsiders_are_refused_insiders_served(users, call, client_for):
    outsider = make_user("operator_b", Role.OPERATOR, "339902000000")
    for user in (outsider, users["district_b"]):
        c = client_for(user)
        assert c.get(f"/alarms/outreach/{call.pk}/").status_code == 404
        data = {"result": "well", "idempotency_key": f"o-{user.pk}"}
        assert c.post(f"/alarms/outreach/{call.pk}/record/", data).status_code == 404
    assert not OutreachAttempt.objects.exists()
    insider = client_for(users["operator"])
    assert insider.get(f"/alarms/outreach/{call.pk}/").status_code == 200
    ok = insider.post(f"/alarms/outreach/{call.pk}/record/", {"result": "no_answer", "idempotency_key": "i"})
    assert ok.status_code == 302
    assert client_for(users["district"]).get("/alarms/outreach/all/").status_code == 200
    assert client_for(users["operator"]).get("/alarms/outreach/all/").status_code == 403


def test_a_supervisor_generates_todays_calls_once(users, make_person, client_for):
    people = [make_person(age=80, name=f"独居{i}") for i in range(7)]
    for p in people:
        add_status(p, StatusKind.LIVING_ALONE)
    c = client_for(users["district"])
    r = c.post("/alarms/outreach/generate/")
    assert r.status_code == 302 and r["Location"] == "/alarms/outreach/all/"
    today = timezone.localdate()
    offset = (today - outreach.slot_start(today, 7)).days  # whose day of the week has come
    expected = sum(1 for p in people if p.pk % 7 <= offset)
    assert expected > 0
    assert OutreachCall.objects.count() == expected
    c.post("/alarms/outreach/generate/")
    assert OutreachCall.objects.count() == expected
    listing = c.get("/alarms/outreach/all/?day_from=" + (today - datetime.timedelta(days=1)).isoformat())
    assert listing.status_code == 200


def test_the_worklists_read_a_fixed_number_of_queries(users, make_person, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rule = OutreachRule.objects.get(code="living-alone-weekly")
    today = timezone.localdate()
    pages = {
        "/alarms/outreach/": client_for(users["operator"]),
        "/alarms/outreach/all/": client_for(users["district"]),
    }

    def add(n):
        for _ in range(n):
            p = make_person(age=80)
            OutreachCall.objects.create(
                rule=rule,
                person=p,
                region_code=p.region_code,
                slot_start=outreach.slot_start(today, 7),
                scheduled_for=today,
                due_at=outreach.due_at(today, rule.due_hour),
                assignee=users["operator"],
            )

    def counts():
        found = {}
        for url, c in pages.items():
            c.get(url)  # warm the caches
            with CaptureQueriesContext(connection) as captured:
                assert c.get(url).status_code == 200
            found[url] = len(captured.captured_queries)
        return found

    add(1)
    once = counts()
    add(4)
    assert counts() == once


def test_the_operator_sees_the_full_number_on_the_call_page_audited(users, call, client_for):
    from carecircle.core.audit_actions import AuditAction
    from carecircle.core.models import AuditEvent

    c = client_for(users["operator"])
    assert "13800001234" not in c.get(f"/alarms/outreach/{call.pk}/").content.decode()
    r = c.post(f"/alarms/outreach/{call.pk}/phone/")
    assert r.status_code == 200 and 'id="phone-clear">13800001234<' in r.content.decode()
    row = AuditEvent.objects.get(action=AuditAction.PII_UNMASK, object_id=str(call.person_id))
    assert f"#{call.pk}" in row.purpose and row.user == users["operator"]
    assert client_for(users["community"]).post(f"/alarms/outreach/{call.pk}/phone/").status_code == 403
    outsider = make_user("operator_b", Role.OPERATOR, "339902000000")
    assert client_for(outsider).post(f"/alarms/outreach/{call.pk}/phone/").status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.PII_UNMASK).count() == 1
