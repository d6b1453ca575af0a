"""The overflow centre's operator, on shift at the second district's centre, sees a call of the first
district ring on their console live (no reload) once it has waited past the overflow threshold, and
answers it from the ringing panel."""

import datetime
import time

import pytest
from django.utils import timezone

from carecircle.alarms import routing, services
from carecircle.alarms.hub import hub
from carecircle.core.roles import Role
from tests.conftest import browser_login, make_user


@pytest.mark.django_db(transaction=True)
def test_the_overflow_operator_sees_the_call_ring_and_answers_it(page, live_server, users, make_person):
    admin = users["admin"]
    routing.clear_cache()
    b = services.centre_save(actor=admin, region_code="339902000000", name="西山区接警中心")
    services.centre_save(actor=admin, region_code="339901000000", name="东湖区接警中心", overflow=b)
    routing.clear_cache()
    operator_b = make_user("operator_b", Role.OPERATOR, "339902000000")
    services.shift_sign_on(actor=operator_b, centre=b)
    incident = services.incident_create(
        person=make_person(name="溢出老人"),
        source="device",
        kind="fall",
        title="跌倒：溢出老人",
        now=timezone.now() - datetime.timedelta(seconds=61),
    )
    try:
        browser_login(page, live_server.url, "operator_b")
        page.goto(f"{live_server.url}/alarms/")
        page.wait_for_selector("#live.on", timeout=10_000)
        assert "溢出老人" not in page.inner_text("#ringing-panel")
        page.evaluate("window.__sameDocument = 7")
        services.route_waiting()  # the periodic sweep: 61 s waited, the overflow centre rings
        ring = page.locator("#ringing li.ringing", has_text="溢出老人")
        ring.wait_for(timeout=10_000)
        assert page.evaluate("window.__sameDocument") == 7  # live, not reloaded
        assert page.evaluate("window.ccRinging.rings") >= 1
        ring.get_by_role("button", name="接警").click()
        page.wait_for_url(f"**/alarms/incidents/{incident.pk}/", timeout=10_000)
        incident.refresh_from_db()
        assert incident.operator_id == operator_b.pk
    finally:
        page.goto("about:blank")
        end = time.monotonic() + 5
        while hub.count() and time.monotonic() < end:
            time.sleep(0.1)
