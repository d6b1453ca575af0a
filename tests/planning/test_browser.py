"""The dashboard, an indicator's chart and map, and a coverage map in a real browser."""

import datetime
import os

import pytest

from tests.conftest import COMMUNITY_A, COMMUNITY_A2, browser_login
from tests.planning.conftest import today

DISTRICT = "339901000000"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport={"width": 1280, "height": 900})
def test_dashboard_chart_and_coverage_map(page, live_server, users, make_person):
    from carecircle.planning import services
    from tests.planning.scope_factories import _run

    services.indicators_load_defaults()
    services.targets_adopt(actor=users["admin"], from_region="330100000000", to_region="339900000000")
    for code, age in ((COMMUNITY_A, 70), (COMMUNITY_A, 81), (COMMUNITY_A2, 66)):
        make_person(code, age=age, latitude=30.291, longitude=120.121)
    for back, v in ((300, 82.4), (120, 82.9), (0, 83.3)):
        services.value_enter(
            actor=users["district"],
            indicator_code="E07",
            region_code=DISTRICT,
            day=today() - datetime.timedelta(days=back),
            value=v,
            source="公报",
        )

    class Ctx:
        pass

    ctx = Ctx()
    ctx.users = users
    run = _run(ctx)
    shots = os.environ.get("CARECIRCLE_SCREENSHOTS", "")
    browser_login(page, live_server.url, "district")
    page.goto(f"{live_server.url}/planning/region/{DISTRICT}/")
    assert page.locator("#ind-E07 .st").count() == 1
    # 2035 target "持续提升" and 83.3 > 82.9 the snapshot before: green
    assert page.locator("#ind-E07").get_attribute("data-status") == "green"
    if shots:
        page.screenshot(path=f"{shots}/planning-dashboard.png", full_page=True)
    page.goto(f"{live_server.url}/planning/region/{DISTRICT}/indicator/E07/")
    assert page.locator("svg.chart circle").count() == 3
    page.wait_for_selector(".leaflet-container")
    if shots:
        page.screenshot(path=f"{shots}/planning-indicator.png", full_page=True)
    page.goto(f"{live_server.url}/planning/coverage/{run.pk}/")
    page.wait_for_selector(".leaflet-container")
    if run.population - run.covered:
        assert page.locator("path.leaflet-interactive").count() >= 1
    if shots:
        page.screenshot(path=f"{shots}/planning-coverage.png", full_page=True)
