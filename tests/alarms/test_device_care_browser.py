"""Device care in a real browser: the operator starts a test call on a device's page, the device
sends its test signal, the page shows the call passed and the month's test done; a supervisor
reviews a sampled call against the checklist."""

import datetime
import json
import urllib.request

import pytest
from django.utils import timezone

from carecircle.alarms import services
from carecircle.alarms.models import CallAudit, CallAuditItem, Incident, IncidentState, Source
from tests.conftest import browser_login


@pytest.mark.django_db(transaction=True)
def test_a_test_call_passes_when_the_device_tests(page, live_server, users, make_person, make_device):
    device, token = make_device(make_person(name="测试呼叫老人"))
    browser_login(page, live_server.url, "operator")
    page.goto(f"{live_server.url}/alarms/devices/{device.pk}/")
    assert "未按月测试" in page.inner_text("#device-problems")
    page.get_by_role("button", name="发起测试呼叫").click()
    page.locator("#test-call-waiting").wait_for(timeout=10_000)

    body = json.dumps({"test_id": "press-1", "device_time": timezone.now().isoformat(), "battery": 88})
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/devices/test",
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201 and json.load(response)["test_call_passed"] is True

    page.reload()
    assert page.locator("td", has_text="测试通过").count() == 1
    assert "本月已测试" in page.content()
    assert "未按月测试" not in page.inner_text("#device-problems")  # still never sent a heartbeat: offline
    assert not Incident.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_supervisor_reviews_a_sampled_call(page, live_server, users, make_person):
    person = make_person(name="质检浏览器")
    at = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=timezone.get_current_timezone())
    for k in range(3):
        Incident.objects.create(
            person=person,
            region_code=person.region_code,
            source=Source.PHONE,
            kind="phone",
            title=f"电话求助{k}",
            opened_at=at,
            resolved_at=at,
            state=IncidentState.RESOLVED,
            operator=users["operator"],
        )
    services.call_audit_draw(actor=users["district"], month=datetime.date(2026, 2, 1))
    audit = CallAudit.objects.order_by("id").first()
    browser_login(page, live_server.url, "district")
    page.goto(f"{live_server.url}/alarms/call-audits/")
    assert "共 2 条" in page.content()
    page.goto(f"{live_server.url}/alarms/call-audits/{audit.pk}/")
    for item in CallAuditItem.objects.filter(active=True):
        verdict = "不通过" if item.code == "closing" else "通过"
        page.get_by_label(f"{item.label} {verdict}", exact=True).check()
    page.get_by_role("button", name="保存评审").click()
    page.locator("#audit-score").wait_for(timeout=10_000)
    assert page.inner_text("#audit-score").startswith("90")
