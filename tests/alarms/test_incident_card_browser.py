"""As an operator would (issue 18, "One screen for the incident"): an SOS arrives from a device, the
operator answers it, sees the address and the emergency contact's full number without leaving the
console, records a call, dispatches and closes. The audit trail holds one unmasking row per field
shown, tied to the incident; another operator sees the same card masked; the map stays in its box
(its zoom buttons inside it) through every state — after 接警 it used to lose its Leaflet classes and
its zoom buttons landed on the page's logo."""

import json
import time
import urllib.request

import pytest

from carecircle.alarms.hub import hub
from carecircle.alarms.models import Incident
from carecircle.core.models import AuditEvent
from carecircle.core.roles import Role
from carecircle.registry.services import family_contact_add
from tests.conftest import browser_login, make_user

ADDRESS = "桂花苑5幢1单元302室"
PHONE = "13912345678"
SON = "13787654321"


def _send_sos(url: str, token: str) -> None:
    body = json.dumps({"event_id": "card-1", "kind": "sos", "device_time": "2026-03-10T10:00:00+08:00"})
    request = urllib.request.Request(
        f"{url}/api/v1/alarms",
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201


def _map_in_place(page, when: str) -> None:
    """The card's map is shown, is a Leaflet map, and its zoom buttons lie inside its box."""
    page.wait_for_timeout(300)  # past htmx's settle delay, when the bug showed
    box = page.locator("#map")
    assert box.count() == 1, f"{when}: one map element"
    assert box.is_visible(), f"{when}: the map is visible"
    assert "leaflet-container" in (box.get_attribute("class") or ""), f"{when}: the map is a Leaflet map"
    outer = box.bounding_box()
    zoom = page.locator("#map .leaflet-control-zoom")
    assert zoom.count() == 1 and zoom.is_visible(), f"{when}: one zoom control, visible"
    inner = zoom.bounding_box()
    assert outer["height"] > 100 and outer["width"] > 100, f"{when}: the map has its size {outer}"
    assert (
        outer["x"] <= inner["x"]
        and outer["y"] <= inner["y"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"]
    ), f"{when}: the zoom control {inner} lies inside the map {outer}"


def _state(page, label: str) -> None:
    page.locator("#panel h2 .tag", has_text=label).wait_for(timeout=10_000)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_operator_handles_an_sos_on_one_screen(page, browser, live_server, users, make_person, make_device):
    person = make_person(
        name="卡片周奶奶", age=86, phone=PHONE, address=ADDRESS, latitude=30.2915, longitude=120.1212
    )
    family_contact_add(actor=users["admin"], person=person, name="周大强", relation="儿子", phone=SON)
    _device, token = make_device(person, kind="sos")
    make_user("operator2", Role.OPERATOR, "339901000000")
    try:
        browser_login(page, live_server.url, "operator")
        page.goto(f"{live_server.url}/alarms/")
        page.wait_for_selector("#live.on", timeout=10_000)
        _send_sos(live_server.url, token)
        row = page.locator("#queue tr.row", has_text="卡片周奶奶")
        row.wait_for(timeout=10_000)
        incident = Incident.objects.get(person=person)

        row.click()
        _state(page, "待接警")
        panel = page.locator("#panel")
        assert ADDRESS not in panel.inner_text() and SON not in panel.inner_text()
        assert person.address_masked in panel.inner_text()
        _map_in_place(page, "new")

        page.locator("#panel button", has_text="接警").click()
        _state(page, "已接警")
        _map_in_place(page, "acknowledged")
        assert page.locator("#map .leaflet-marker-icon").count() == 1, "the handler's map marks the home"
        text = panel.inner_text()
        assert ADDRESS in text and PHONE in text, "the handler sees the full address and phone"
        assert SON in text and "儿子" in text, "and the emergency contact's full number and relation"
        page.evaluate("window.__sameDocument = 18")

        # Another operator of the same centre opens the same incident: masked.
        other = browser.new_context()
        try:
            other_page = other.new_page()
            browser_login(other_page, live_server.url, "operator2")
            other_page.goto(f"{live_server.url}/alarms/incidents/{incident.pk}/")
            other_text = other_page.locator("main").inner_text()
            assert "卡片周奶奶" in other_text and person.address_masked in other_text
            assert ADDRESS not in other_page.content() and SON not in other_page.content()
            assert PHONE not in other_page.content()
            _map_in_place(other_page, "another operator's page")  # the community, not the home
            assert other_page.locator("#map .leaflet-marker-icon").count() == 0
        finally:
            other.close()

        panel.locator("form[hx-post$='/call/'] select[name=target]").select_option("person")
        panel.locator("form[hx-post$='/call/'] select[name=outcome]").select_option("reached")
        panel.locator("form[hx-post$='/call/'] input[name=note]").fill("老人摔倒，意识清楚")
        panel.locator("form[hx-post$='/call/'] button").click()
        _state(page, "处置中")
        _map_in_place(page, "in progress")
        assert SON in panel.inner_text()

        panel.locator("form[hx-post$='/dispatch/'] button").click()
        _state(page, "已派员")
        _map_in_place(page, "dispatched")

        panel.locator("form[hx-post$='/resolve/'] select[name=outcome]").select_option("help")
        panel.locator("form[hx-post$='/resolve/'] button").click()
        _state(page, "已结案")
        _map_in_place(page, "resolved")
        closed = panel.inner_text()
        assert ADDRESS not in closed and SON not in closed and PHONE not in closed, "masked again"
        assert person.address_masked in closed
        assert page.evaluate("window.__sameDocument") == 18, "all on the console, no page left"

        rows = AuditEvent.objects.filter(action="pii.unmask", detail__incident=incident.pk)
        fields = sorted(r.detail["field"] for r in rows)
        assert fields == ["address", "contact_phone", "location", "phone"], fields
        assert {r.username for r in rows} == {"operator"}
        assert all(str(incident.pk) in r.purpose for r in rows)
        page.screenshot(path="/tmp/alarms-incident-card.png", full_page=True)
    finally:
        page.close()
        end = time.monotonic() + 5
        while hub.count() and time.monotonic() < end:
            time.sleep(0.1)
