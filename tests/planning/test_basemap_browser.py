"""Maps with the network cut off (a government intranet): every request to a host other than the
platform's own server is aborted, and the pages still show a basemap — the platform's own tiles."""

import os
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from tests.conftest import COMMUNITY_A, browser_login


def _cut_off(page, live_server_url: str) -> list[str]:
    """Abort every request that leaves the test server; returns the URLs that tried."""
    own = urlsplit(live_server_url).netloc
    outside: list[str] = []

    def route(r):
        if urlsplit(r.request.url).netloc == own:
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return outside


def _tiles_loaded(page) -> int:
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.leaflet-tile')].some(i => i.complete && i.naturalWidth > 0)",
        timeout=20000,
    )
    return page.evaluate(
        "() => [...document.querySelectorAll('img.leaflet-tile')]"
        ".filter(i => i.complete && i.naturalWidth > 0 && i.src.includes('/planning/tiles/')).length"
    )


@pytest.fixture
def walk(users, make_person):
    from carecircle.planning import coverage_services
    from carecircle.planning.network import synthetic

    for i in range(6):
        make_person(COMMUNITY_A, age=70, latitude=30.291 + 0.001 * i, longitude=120.121)
    net = synthetic([(30.291, 120.121), (30.271, 120.141)], spacing_m=150, reach_m=1200, seed=1)
    row = coverage_services.network_store(
        actor=None, network=net, region_code="339900000000", name="walk", source="test"
    )
    return coverage_services.coverage_run(
        actor=users["district"],
        region_code="339901000000",
        group="elder",
        kind="community_centre",
        day=timezone.localdate(),
        network=row,
        extra_sites=[(30.291, 120.121)],
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport={"width": 1280, "height": 900})
def test_the_coverage_map_shows_the_platforms_basemap_offline(page, live_server, walk):
    outside = _cut_off(page, live_server.url)
    browser_login(page, live_server.url, "district")
    page.goto(f"{live_server.url}/planning/coverage/{walk.pk}/")
    page.wait_for_selector(".leaflet-container")
    assert _tiles_loaded(page) >= 1
    shots = os.environ.get("CARECIRCLE_SCREENSHOTS", "")
    if shots:
        page.wait_for_load_state("networkidle")
        page.locator("#map").screenshot(path=f"{shots}/planning-basemap-offline.png")
    assert outside == []  # nothing tried to leave (and the `page` fixture saw no console error)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport={"width": 1280, "height": 900})
def test_the_public_facility_map_shows_the_basemap_offline_without_sign_in(page, live_server, walk):
    outside = _cut_off(page, live_server.url)
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector(".leaflet-container")
    assert _tiles_loaded(page) >= 1
    assert outside == []
