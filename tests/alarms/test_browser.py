"""The console in a real browser receives a new incident through its live connection (no reload)."""

import json
import time
import urllib.request

import pytest

from carecircle.alarms.hub import hub
from tests.conftest import browser_login


@pytest.mark.django_db(transaction=True)
def test_console_receives_new_incident_live(browser, live_server, users, make_person, make_device):
    person = make_person(name="实时老人", age=88)
    _device, token = make_device(person, kind="fall")
    page = browser.new_page()
    try:
        browser_login(page, live_server.url, "operator")
        page.goto(f"{live_server.url}/alarms/")
        page.wait_for_selector("#live.on", timeout=10_000)
        assert "实时老人" not in page.inner_text("#queue")
        page.evaluate("window.__sameDocument = 42")

        body = json.dumps({"event_id": "live-1", "kind": "fall", "device_time": "2026-03-10T10:00:00+08:00"})
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/alarms",
            data=body.encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201

        page.locator("#queue tr.row", has_text="实时老人").wait_for(timeout=10_000)
        assert page.evaluate("window.__sameDocument") == 42  # the page was not reloaded
        assert page.evaluate("window.ccLive.events") >= 1
        assert page.evaluate("window.ccLive.last.alarm.event_id") == "live-1"

        page.locator("#queue tr.row", has_text="实时老人").click()
        page.locator("#panel button", has_text="接警").click()
        page.locator("#panel .tag", has_text="已接警").wait_for(timeout=10_000)
        page.screenshot(path="/tmp/alarms-console.png", full_page=True)
    finally:
        page.close()
        # Let the server's streaming thread notice the closed page while the test database is still open.
        end = time.monotonic() + 5
        while hub.count() and time.monotonic() < end:
            time.sleep(0.1)
