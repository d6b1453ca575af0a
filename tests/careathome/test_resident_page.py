"""The resident page 居家照护: an older person's family sees her LTC level and plan, family bed (its
schedule and next visit), adaptation case and rentals; a family of another person sees only their
own and is refused hers (404); the home page has the tile. In Chromium at phone size in 长辈模式 the
page meets the portal's 适老化 numbers (tests/portal/measure.js) and axe-core finds nothing severe."""

import pytest
from django.urls import reverse

from carecircle.portal import tiles
from tests.careathome.resident_helpers import home_world
from tests.conftest import browser_login
from tests.portal.test_resident_browser import ELDER, PHONE, _axe, _measure, _switch

URL = "/careathome/mine/"


def test_family_sees_her_care_at_home_and_no_one_else(users, client_for, make_person):
    w = home_world(users, make_person)
    html = client_for(w["son"]).get(URL).content.decode()
    assert "王奶奶" in html and "重度失能Ⅰ级" in html and "周一、周三、周五 09:00" in html
    assert "本月已用 0.0 小时，每月可用 25 小时" in html
    assert "每7天至少上门一次" in html and "下次上门：" in html and "施工中" in html
    assert "轮椅：每月自付 ¥30.00" in html
    assert "李爷爷" not in html and "中度失能" not in html
    assert client_for(w["son"]).get(f"{URL}?person={w['mother'].pk}").status_code == 200
    # the family of another person: their own only, hers refused
    stranger = client_for(w["stranger"])
    own = stranger.get(URL).content.decode()
    assert "李爷爷" in own and "中度失能" in own and "王奶奶" not in own and "轮椅" not in own
    assert stranger.get(f"{URL}?person={w['mother'].pk}").status_code == 404
    assert stranger.get(f"{URL}?person=abc").status_code == 404
    # staff have no family here: an empty page, nobody's data
    assert "王奶奶" not in client_for(users["community"]).get(URL).content.decode()


def test_the_home_page_has_the_tile(users, make_person):
    w = home_world(users, make_person)
    found = {t.key: t.url for t in tiles.tiles(tiles.linked(w["son"]), 0)}
    assert found["carehome"] == reverse("careathome:care_home") == URL


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport=PHONE)
def test_the_page_in_elder_mode_on_a_phone(page, live_server, users, make_person):
    home_world(users, make_person)
    _switch(page, live_server, True)
    browser_login(page, live_server.url, "son_cp")
    page.goto(f"{live_server.url}{reverse('portal:home')}")
    with page.expect_navigation():
        page.click("#tile-carehome")
    page.wait_for_load_state("networkidle")
    text = page.inner_text("main")
    assert "重度失能Ⅰ级" in text and "家庭养老床位" in text and "轮椅" in text
    found = _measure(page, ELDER) + _axe(page)
    assert not found, "\n  ".join(found[:25])
