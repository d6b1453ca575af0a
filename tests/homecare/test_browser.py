"""The caregiver's phone page in a real browser: the phone's position goes with the check-in."""

import datetime

import pytest
from django.utils import timezone

from carecircle.homecare.models import OrderStatus, VisitCheck
from tests.conftest import browser_login
from tests.homecare.conftest import MOTHER_LAT, MOTHER_LNG


@pytest.mark.django_db(transaction=True)
def test_caregiver_checks_in_from_the_phone_page(browser, live_server, world, monkeypatch):
    from playwright.sync_api import expect

    from carecircle.homecare import services, services_dispatch

    monkeypatch.setattr("carecircle.homecare.services.quotes._entitlements", lambda person, day: [])
    w = world
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=20)
    order = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["bath"],
        provider=w["provider"],
        window_start=start,
        idempotency_key="browser-1",
    )
    services_dispatch.order_reassign(actor=w["admin_p"], order=order, caregiver=w["carer"])
    services_dispatch.order_accept(actor=w["carer_user"], order=order)
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        permissions=["geolocation"],
        geolocation={"latitude": MOTHER_LAT + 0.0003, "longitude": MOTHER_LNG, "accuracy": 12},
    )
    page = context.new_page()
    try:
        browser_login(page, live_server.url, "caregiver")
        day = timezone.localtime(start).date().isoformat()
        page.goto(f"{live_server.url}/homecare/visits/?day={day}")
        # a locator wait: Playwright's string predicates use eval, which the page's CSP refuses
        expect(page.locator("form.evv input[name=latitude]").first).not_to_have_value("")
        assert "上门助浴" in page.content()
        page.click("form.evv button:has-text('签到')")
        page.wait_for_load_state()
        check = VisitCheck.objects.get(visit__order=order)
        assert check.kind == "in" and check.distance_m < 60 and check.accuracy_m == 12
        order.refresh_from_db()
        assert order.status == OrderStatus.IN_SERVICE
        assert "服务中" in page.content()
        page.screenshot(path="/tmp/homecare_phone_checkin.png")
    finally:
        context.close()
