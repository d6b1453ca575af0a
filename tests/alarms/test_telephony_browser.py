"""The caller screen-pop in a real browser: the telephone system reports a call answered at the
operator's extension, the console pops the caller's card without a reload, and one click turns the
call into a phone incident shown in the console's panel."""

import json
import time
import urllib.request

import pytest
from django.utils import timezone

from carecircle.alarms import services
from carecircle.alarms.hub import hub
from carecircle.alarms.models import Call, Incident
from tests.conftest import browser_login


def post_event(url, token, **body):
    request = urllib.request.Request(
        f"{url}/api/v1/telephony/events",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


@pytest.mark.django_db(transaction=True)
def test_the_console_pops_the_callers_card_and_opens_the_incident(page, live_server, users, make_person):
    make_person(name="弹屏李母", phone="13912345678")
    trunk, token = services.trunk_register(
        actor=users["admin"], name="测试交换机", region_code="339900000000"
    )
    services.extension_assign(actor=users["admin"], trunk=trunk, number="8001", user=users["operator"])
    try:
        browser_login(page, live_server.url, "operator")
        page.goto(f"{live_server.url}/alarms/")
        page.wait_for_function("window.ccPop && window.ccPop.polls >= 1")
        assert page.locator("#screenpop").is_hidden()
        page.evaluate("window.__sameDocument = 42")

        now = timezone.now().isoformat()
        common = {"call_id": "b-1", "caller": "+86 139 1234 5678", "at": now}
        assert post_event(live_server.url, token, event_id="b-1-r", kind="ringing", **common) == 201
        assert (
            post_event(live_server.url, token, event_id="b-1-a", kind="answered", extension="8001", **common)
            == 201
        )

        page.locator("#screenpop .caller-match", has_text="弹屏李母").wait_for(timeout=10_000)
        assert "139****5678" in page.inner_text("#screenpop")
        assert page.evaluate("window.__sameDocument") == 42  # no reload
        assert page.evaluate("window.ccPop.pops") == 1

        page.fill("#screenpop .caller-match input[name=note]", "说头晕")
        page.locator("#screenpop .caller-match button", has_text="转为警情").click()
        page.locator("#panel", has_text="电话呼入").wait_for(timeout=10_000)
        page.locator("#panel", has_text="来电 139****5678 转为警情：说头晕").wait_for(timeout=10_000)
        incident = Incident.objects.get()
        assert Call.objects.get().incident_id == incident.pk
        page.locator("#screenpop .caller-done", has_text=f"#{incident.pk}").wait_for(timeout=10_000)
        page.locator("#screenpop button", has_text="关闭弹屏").click()
        page.locator("#screenpop").wait_for(state="hidden", timeout=10_000)
        page.screenshot(path="/tmp/alarms-screenpop.png", full_page=True)
    finally:
        page.close()
        end = time.monotonic() + 5
        while hub.count() and time.monotonic() < end:
            time.sleep(0.1)
