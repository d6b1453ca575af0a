"""Issue 17 item 5: the community worklist read on a phone (390 px). Each visit plan is a card whose
fields each take a full line (no table squeezed to one or two characters a line), and nothing on
the page is wider than the screen."""

import pytest

from carecircle.carevisits import services
from tests.carevisits.conftest import this_month
from tests.conftest import browser_login

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def long_plans(users, make_person, rules, with_status):
    y, m = this_month()
    for i in range(3):
        person = make_person(age=81, name=f"欧阳慧敏{i}")
        for kind in ("living_alone", "tekun"):  # a long 列入原因
            with_status(person, kind)
    services.plans_generate(actor=users["district"], region_code="339901000000", year=y, month=m)


def _no_overflow(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for box in (cell.bounding_box() for cell in page.locator("main td").all()):
        if box is not None:  # a field on a line of its own, not a sliver of a column
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            assert box["width"] >= 200, box


@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport=PHONE)
def test_the_community_worklist_is_cards_at_390_px(page, live_server, users, long_plans):
    browser_login(page, live_server.url, "community")
    page.goto(f"{live_server.url}/carevisits/")
    assert "欧阳慧敏0" in page.content()
    _no_overflow(page)
    name = page.locator("main td", has_text="欧阳慧敏0").first.bounding_box()
    reasons = page.locator("main tr", has_text="欧阳慧敏0").locator("td").nth(1).bounding_box()
    assert name is not None and reasons is not None
    assert reasons["y"] >= name["y"] + name["height"] - 1  # one field under the other, not side by side
    page.goto(f"{live_server.url}/carevisits/?all=1")  # the whole area, with the reassign form per row
    assert "欧阳慧敏1" in page.content()
    _no_overflow(page)
    page.goto(f"{live_server.url}/carevisits/overdue/")
    _no_overflow(page)
    page.screenshot(path="/tmp/carevisits_worklist_390.png")


@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport=PHONE)
def test_the_street_worklist_with_reassign_forms_fits_390_px(page, live_server, users, long_plans):
    browser_login(page, live_server.url, "street")
    page.goto(f"{live_server.url}/carevisits/?all=1")
    assert "欧阳慧敏2" in page.content() and page.locator("main form input[name=username]").count() >= 3
    _no_overflow(page)
    page.screenshot(path="/tmp/carevisits_worklist_street_390.png")
