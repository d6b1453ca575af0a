"""The public map in a real browser, filled by the demo generator: every facility in operation is
drawn as a marker although map tiles cannot load here."""

import datetime
import random

import pytest

from carecircle.core.demo import City
from carecircle.facilities.models import FilingStatus


def small_demo_city():
    from carecircle.core.management.commands import generate as gen
    from carecircle.facilities import demo as facilities_demo
    from carecircle.registry import demo as registry_demo

    class Quiet:
        def write(self, text):
            pass

        def flush(self):
            pass

    from carecircle.core import plugins

    for module in plugins.optional_submodules("reference"):  # the waiting rule, after an earlier flush
        module.ensure()
    city = City(seed=7, scale=0.0004, today=datetime.date.today(), rng=random.Random(7), out=Quiet())
    gen.build_regions(city)
    gen.build_accounts(city)
    registry_demo.generate(city)
    facilities_demo.generate(city)
    return city


@pytest.mark.django_db(transaction=True)
def test_public_map_shows_demo_facilities(browser, live_server, tmp_path):
    from playwright.sync_api import expect

    from carecircle.facilities.models import Facility

    small_demo_city()
    operating = Facility.objects.filter(status=FilingStatus.FILED).count()
    assert operating > 20 and Facility.objects.exclude(status=FilingStatus.FILED).exists()
    page = browser.new_page()
    try:
        page.goto(f"{live_server.url}/map/")
        page.wait_for_selector("path.facility-marker")
        # locator waits, not wait_for_function: Playwright evaluates a string predicate with eval,
        # which the page's Content-Security-Policy (script-src 'self') refuses
        expect(page.locator("path.facility-marker")).to_have_count(operating)
        assert page.locator("#facility-table tbody tr").count() == operating
        # the marker itself gets the click: a click at its centre may land on a map control over it
        page.locator("path.facility-marker").first.dispatch_event("click")
        page.wait_for_selector(".leaflet-popup-content .popup h3")
        assert "开放时间" in page.inner_text(".leaflet-popup-content")
        page.screenshot(path=str(tmp_path / "map.png"), full_page=True)
        page.goto(f"{live_server.url}/map/?kind=nursing_public")
        expected = Facility.objects.filter(status=FilingStatus.FILED, kind="nursing_public").count()
        assert expected > 0
        expect(page.locator("path.facility-marker")).to_have_count(expected)
    finally:
        page.close()


@pytest.mark.django_db(transaction=True)
def test_facility_operator_finds_an_applicant_by_id_number_and_admits_them(page, live_server):
    """The demo's `facility` account (the operator of a 公建民营 institution with a waiting list)
    signs in, finds the applicant the rule puts next by ID number, admits them to a free bed, and the
    stay is listed on the facility's page."""
    from playwright.sync_api import expect

    from carecircle.core.demo import DEMO_PASSWORD
    from carecircle.core.models import User
    from carecircle.facilities import admission
    from carecircle.facilities.models import Stay, WaitingEntry
    from tests.conftest import browser_login

    small_demo_city()
    user = User.objects.get(username="facility")
    own = admission.admitting_facilities(user)
    entries = WaitingEntry.objects.filter(facility__in=own, state="waiting").select_related("person")
    assert entries.count() >= 3, "the demo facility has a waiting list"
    assert WaitingEntry.objects.filter(facility__in=own, state="offered").exists(), "and an offer out"
    rows = [row for e in entries for row in admission.find(user=user, facilities=own, q=e.person.id_number)]
    row = next(r for r in rows if r.entry and not r.offer and not r.blocked)  # the one the rule puts next
    person, facility = row.entry.person, row.facility

    browser_login(page, live_server.url, "facility", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="查找申请人并办理入住 →").click()  # the home page leads with it
    page.fill("#id_q", person.id_number)
    page.locator("#find-form button").click()
    results = page.locator("#find-results")
    expect(results).to_contain_text(person.name)
    expect(results).to_contain_text(person.id_masked)
    bed = results.locator("select[name=bed] option").first.inner_text().split(" ")[0]
    results.get_by_role("button", name="入住").click()
    expect(page.locator("main")).to_contain_text(f"已入住：{person.name}，床位 {bed}")
    assert page.url.endswith(f"/map/facilities/{facility.pk}/")
    expect(page.locator("main table").first).to_contain_text(person.name)  # 在住老人
    stay = Stay.objects.get(person=person, discharged_on__isnull=True)
    assert stay.facility == facility and stay.bed.code == bed
