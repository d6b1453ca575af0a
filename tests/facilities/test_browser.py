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
        page.locator("path.facility-marker").first.click(force=True)
        page.wait_for_selector(".leaflet-popup-content .popup h3")
        assert "开放时间" in page.inner_text(".leaflet-popup-content")
        page.screenshot(path=str(tmp_path / "map.png"), full_page=True)
        page.goto(f"{live_server.url}/map/?kind=nursing_public")
        expected = Facility.objects.filter(status=FilingStatus.FILED, kind="nursing_public").count()
        assert expected > 0
        expect(page.locator("path.facility-marker")).to_have_count(expected)
    finally:
        page.close()
