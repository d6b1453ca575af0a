"""Registering a person as a district worker does it: the community picked by its name ("耀桂社区"),
the home clicked on the map, no code or coordinate typed (core/widgets.py RegionField, the person
form's map); without a click the home is placed at the community's centre."""

import pytest

from carecircle.core.services import region_upsert
from carecircle.registry.models import Person
from tests.conftest import COMMUNITY_A, browser_login, id_number

YAOGUI = "339901001003"


@pytest.fixture
def yaogui(city):
    region_upsert(actor=None, code=YAOGUI, name="耀桂社区", latitude=30.293, longitude=120.123)
    return YAOGUI


def _severe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['impact']} {v['id']}: {v['help']}" for v in found if v.get("impact") in {"critical", "serious"}
    ]


def _birth():
    import datetime

    return datetime.date(1946, 5, 4)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_a_person_picking_the_community_by_name_and_the_home_on_the_map(
    page, live_server, users, yaogui
):
    from playwright.sync_api import expect

    browser_login(page, live_server.url, "street")
    page.goto(f"{live_server.url}/people/new/")
    page.get_by_label("姓名").fill("王耀桂")
    page.get_by_label("身份证号").fill(id_number(_birth(), 31))
    box = page.get_by_role("combobox", name="社区")
    box.fill("耀桂")
    option = page.get_by_role("option", name="耀桂社区")
    expect(option).to_be_visible()
    assert "东湖区 / 文新街道" in option.inner_text()
    assert _severe_violations(page) == []  # axe-core with the list open
    box.press("Enter")  # the only match is highlighted: the keyboard picks it
    expect(box).to_have_value("东湖区 / 文新街道 / 耀桂社区")
    assert page.locator("input[type=hidden][name=region_code]").input_value() == YAOGUI
    # the map moved to the community; a click off its centre places the home there
    page.locator("#home-map").scroll_into_view_if_needed()  # a coordinate click needs it on screen
    map_box = page.locator("#home-map").bounding_box()
    page.mouse.click(map_box["x"] + map_box["width"] * 0.75, map_box["y"] + map_box["height"] * 0.25)
    expect(page.locator("#home-location-status")).to_have_text("已在地图上选定住址位置")
    expect(page.locator("path.home-marker")).to_have_count(1)
    page.click("button.primary:has-text('保存')")
    expect(page.locator("h1")).to_contain_text("王耀桂")
    person = Person.objects.get(name="王耀桂")
    assert person.region_code == YAOGUI
    assert person.latitude > 30.293 and person.longitude > 120.123  # north-east of the centre
    assert abs(person.latitude - 30.293) < 0.01 and abs(person.longitude - 120.123) < 0.01


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_drilling_down_to_a_community_with_the_keyboard(page, live_server, users, yaogui):
    from playwright.sync_api import expect

    browser_login(page, live_server.url, "district")
    page.goto(f"{live_server.url}/people/new/")
    box = page.get_by_role("combobox", name="社区")
    box.click()
    expect(page.get_by_role("option", name="东湖区")).to_be_visible()
    box.press("ArrowRight")  # into 东湖区
    expect(page.get_by_role("option", name="文新街道")).to_be_visible()
    box.press("Enter")  # a street cannot be picked for a person: Enter opens it
    expect(page.get_by_role("option", name="桂花社区")).to_be_visible()
    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("东湖区 / 文新街道 / 耀桂社区")


def test_without_a_map_click_the_home_is_at_the_community_centre(users, client_for, yaogui):
    response = client_for(users["street"]).post(
        "/people/new/", {"name": "李桂英", "id_number": id_number(_birth(), 33), "region_code": "耀桂社区"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(name="李桂英")
    assert (person.region_code, person.latitude, person.longitude) == (YAOGUI, 30.293, 120.123)


def test_form_offers_the_users_communities_by_name_without_codes_to_type(users, client_for, yaogui):
    body = client_for(users["street"]).get("/people/new/").content.decode()
    assert "东湖区 / 文新街道 / 耀桂社区" in body and "和睦社区" not in body
    assert 'name="latitude"' in body and 'type="hidden" name="latitude"' in body
    assert "社区代码" not in body and "纬度" not in body


def test_a_name_outside_scope_or_unknown_is_a_422_naming_the_field(users, client_for, yaogui):
    c = client_for(users["street"])
    for name in ("和睦社区", "没有这个社区"):
        r = c.post(
            "/people/new/", {"name": "某人", "id_number": id_number(_birth(), 35), "region_code": name}
        )
        assert r.status_code == 422 and f"没有名为“{name}”的区划" in r.content.decode()
    assert not Person.objects.filter(name="某人").exists()


def test_moving_to_another_community_without_a_click_takes_its_centre(users, client_for, make_person, yaogui):
    person = make_person(region_code=COMMUNITY_A, latitude=30.2915, longitude=120.1215)
    c = client_for(users["street"])
    same = c.post(f"/people/{person.pk}/edit/", {"name": person.name, "region_code": COMMUNITY_A})
    assert same.status_code == 302
    person.refresh_from_db()
    assert (person.latitude, person.longitude) == (30.2915, 120.1215)  # kept
    moved = c.post(f"/people/{person.pk}/edit/", {"name": person.name, "region_code": "耀桂社区"})
    assert moved.status_code == 302
    person.refresh_from_db()
    assert (person.region_code, person.latitude, person.longitude) == (YAOGUI, 30.293, 120.123)


def test_a_child_is_registered_to_a_community_picked_by_name(users, client_for, yaogui):
    import datetime

    from django.utils import timezone

    c = client_for(users["street"])
    form = c.get("/people/children/new/").content.decode()
    assert "东湖区 / 文新街道 / 耀桂社区" in form and "所属社区代码" not in form
    birth = timezone.localdate() - datetime.timedelta(days=365 * 10)
    response = c.post(
        "/people/children/new/",
        {
            "name": "小耀",
            "id_number": id_number(birth, 41),
            "region_code": "耀桂社区",
            "kind": "orphan",
            "valid_from": timezone.localdate().isoformat(),
            "source": "社区排查",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Person.objects.get(name="小耀").region_code == YAOGUI
