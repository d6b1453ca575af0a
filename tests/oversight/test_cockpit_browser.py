"""The cockpit's map and the public disclosure pages in a real browser: each unit a marker in its
credit grade's colour, open warnings and suspensions marked (map tiles cannot load here: the
markers show on a plain background); axe-core finds no critical or serious violation on the
public pages."""

import datetime

import pytest
from django.utils import timezone

from carecircle.oversight.models import EarlyWarning, Unit, WarningRule
from tests.conftest import COMMUNITY_A, COMMUNITY_A2, COMMUNITY_B, browser_login
from tests.oversight.factories import hazard_finding, make_unit

COLOURS = {"A": "#067647", "B": "#1d4ed8", "C": "#b45309", "D": "#b42318"}


def _units():
    made = {}
    for i, (grade, region) in enumerate(
        [("A", COMMUNITY_A), ("B", COMMUNITY_A), ("C", COMMUNITY_A2), ("D", COMMUNITY_A2)]
    ):
        u = make_unit(region, grade=grade, name=f"地图{grade}")
        Unit.objects.filter(pk=u.pk).update(latitude=30.29 + i / 500, longitude=120.12 + i / 500)
        made[grade] = u
    far = make_unit(COMMUNITY_B, grade="A", name="西山地图A")
    Unit.objects.filter(pk=far.pk).update(latitude=30.21, longitude=120.06)
    rule = WarningRule.objects.create(name="地图测试", subject_kind="unit", expression="true", level="high")
    today = timezone.localdate()
    EarlyWarning.objects.create(
        rule=rule,
        subject_kind="unit",
        subject_key=str(made["C"].pk),
        subject_name=made["C"].name,
        unit=made["C"],
        region_code=COMMUNITY_A2,
        period=today.strftime("%Y-%m"),
        level="high",
        raised_at=timezone.now(),
        deadline=today + datetime.timedelta(days=5),
    )
    hazard_finding(made["D"].kind, made["D"].source_id, COMMUNITY_A2)
    return made


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_cockpit_map_colours_the_units_by_grade(page, live_server, users):
    from playwright.sync_api import expect

    _units()
    browser_login(page, live_server.url, "district")
    page.goto(f"{live_server.url}/oversight/cockpit/")
    markers = page.locator("path.cockpit-marker")
    expect(markers).to_have_count(4)  # 东湖区's four; 西山区's unit is not on this district's map
    for grade, colour in COLOURS.items():
        one = page.locator(f"path.cockpit-marker.grade-{grade}")
        expect(one).to_have_count(1)
        assert one.get_attribute("fill") == colour, grade
    expect(page.locator("path.cockpit-marker.has-warnings")).to_have_count(1)
    assert "grade-C" in page.locator("path.cockpit-marker.has-warnings").get_attribute("class")
    expect(page.locator("path.cockpit-marker.suspended")).to_have_count(1)
    assert "grade-D" in page.locator("path.cockpit-marker.suspended").get_attribute("class")
    page.locator("path.cockpit-marker.grade-D").dispatch_event("click")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("地图D")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("因重大隐患暂停")
    # drill-down: a street's page from the table of regions below the map
    page.locator("#cockpit-regions a", has_text="文新街道").click()
    expect(page.locator("h1")).to_contain_text("文新街道")
    expect(page.locator("path.cockpit-marker")).to_have_count(4)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_critical_or_serious_axe_violation_on_the_public_pages(page, live_server, users):
    from tests.core.test_accessibility import _violations

    made = _units()
    problems = {}
    for url in ["/oversight/public/", "/oversight/public/units/", f"/oversight/public/units/{made['D'].pk}/"]:
        answer = page.goto(f"{live_server.url}{url}")
        assert answer is not None and answer.status == 200, url
        found = _violations(page)
        if found:
            problems[url] = found
    assert not problems, problems
