"""The residents' and public pages in Chromium (issue 19, "Done when"): at 390×844 and 1366×900,
in 长辈模式 every element of every resident and public page meets the MIIT 适老化 numbers (text
≥ 18 px, the main function's ≥ 30 px, line height ≥ 1.3, paragraph spacing ≥ 1.3 × the line height,
contrast ≥ 4.5:1 or 3:1 for large text, tap targets ≥ 60×60 px), and outside it tap targets are
≥ 44×44 px; axe-core finds no critical or serious violation on any of them in either mode; the
switch works from the sign-in page, 读给我听 shows only where the browser can speak, and a resident
raises 一键呼叫 end to end with the keyboard alone. The measuring is tests/portal/measure.js."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from carecircle.registry.models import FamilyContact
from tests.conftest import browser_login

MEASURE = (Path(__file__).parent / "measure.js").read_text(encoding="utf-8")
ELDER = {"text": 18, "main": 30, "lineHeight": 1.3, "paragraph": 1.3, "target": 60}
PLAIN = {"text": 16, "main": 0, "lineHeight": 1.3, "paragraph": 0, "target": 44}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PUBLIC = [
    "core:login",
    "portal:public_index",
    "portal:public_facilities",
    "portal:public_policies",
    "portal:signin",
]
# the resident pages of the portal's accounts and messages (their own tests drive them; measured here)
OTHERS = [
    "portal:messages",
    "portal:message_settings",
    "portal:account",
    "portal:account_password",
    "portal:apply_assessment",
    "portal:apply_waiting",
    "portal:apply_childcare",
]
SEVERE = {"critical", "serious"}


def _city(users, make_person):
    """A resident account linked to an 82-year-old mother with a home service today, a facility
    with free beds, an allowance programme: every resident page has something to show."""
    from carecircle.benefits import defaults
    from tests.facilities.scope_factories import make_filing
    from tests.homecare import scope_factories as homecare

    mother = make_person(age=82, name="王奶奶", latitude=30.28, longitude=120.13)
    FamilyContact.objects.create(
        person=mother,
        region_code=mother.region_code,
        user=users["resident"],
        name="王小明",
        relation="子女",
        link_state="active",
    )
    # a parent's side too: an infant linked to the same account (the child's checks and reminder)
    baby = make_person(age=1, name="王小宝", latitude=30.28, longitude=120.13)
    FamilyContact.objects.create(
        person=baby,
        region_code=baby.region_code,
        user=users["resident"],
        name="王小明",
        relation="父母",
        link_state="active",
    )
    defaults.install(actor=users["admin"], region_code="339900000000", valid_from=mother.birth_date)
    ctx = type("Ctx", (), {"users": users, "make_person": make_person, "person": mother})()
    make_filing(ctx)
    order = homecare._order(ctx)
    local = timezone.localtime()
    start = max(local, local.replace(hour=20, minute=0, second=0, microsecond=0))
    order.window_start = start
    order.window_end = start + datetime.timedelta(hours=1)
    order.save(update_fields=["window_start", "window_end"])
    return mother, order


def _resident_pages(order):
    return [
        reverse("portal:home"),
        reverse("portal:sos_confirm"),
        reverse("portal:nearby"),
        reverse("portal:apply"),
        "/benefits/mine/",
        "/map/my-waiting/",
        "/homecare/new/",
        reverse("homecare:order_detail", args=[order.pk]),
        *_existing(OTHERS),
    ]


def _existing(names):
    from django.urls import NoReverseMatch

    found = []
    for name in names:
        try:
            found.append(reverse(name))
        except NoReverseMatch:
            continue
    return found


def _switch(page, live_server, on: bool):
    """The switch as a user presses it, on the sign-in page (the cookie then holds the choice). The
    press posts a form and the page comes back: wait for that navigation, then for the new page's
    switch (a bare wait_for_load_state could return on the old page and read its switch)."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/accounts/login/")
    pressed = page.locator(".elder-toggle").get_attribute("aria-pressed") == "true"
    if pressed != on:
        with page.expect_navigation():
            page.click(".elder-toggle")
        page.wait_for_load_state()
    expect(page.locator(".elder-toggle")).to_have_attribute("aria-pressed", "true" if on else "false")


def _measure(page, limits) -> list[str]:
    return page.evaluate(MEASURE, limits)


def _axe(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['impact']} {v['id']}: {v['help']} — "
        + "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:4])
        for v in found
        if v.get("impact") in SEVERE
    ]


def _walk(page, live_server, urls, limits) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for url in urls:
        answer = page.goto(f"{live_server.url}{url}")
        assert answer is not None and answer.status == 200, (url, answer and answer.status)
        page.wait_for_load_state("networkidle")
        found = _measure(page, limits) + _axe(page)
        if found:
            problems[url] = found
    return problems


def _report(problems) -> str:
    return "\n".join(f"{url}\n  " + "\n  ".join(v[:25]) for url, v in problems.items())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("elder_on", [True, False], ids=["elder", "plain"])
def test_every_resident_and_public_page_meets_the_numbers_and_axe(
    browser, live_server, users, make_person, viewport, elder_on
):
    _mother, order = _city(users, make_person)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        _switch(page, live_server, elder_on)
        limits = ELDER if elder_on else PLAIN
        problems = _walk(page, live_server, _existing(PUBLIC), limits)
        browser_login(page, live_server.url, "resident")
        assert page.url.endswith(reverse("portal:home"))  # a resident lands on the tiles
        problems |= _walk(page, live_server, _resident_pages(order), limits)
        assert not problems, f"{'长辈模式' if elder_on else '普通模式'} {viewport}:\n" + _report(problems)
        assert errors == []
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport=PHONE)
def test_a_resident_raises_sos_with_the_keyboard_and_sees_its_state(page, live_server, users, make_person):
    from carecircle.alarms.models import Incident

    mother, _order = _city(users, make_person)
    browser_login(page, live_server.url, "resident")
    page.goto(f"{live_server.url}{reverse('portal:home')}")
    page.focus("#tile-sos")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("portal:sos_confirm"))
    assert Incident.objects.count() == 0  # the tile only asks
    page.focus(".sos-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    incident = Incident.objects.get()
    assert incident.person_id == mother.pk
    assert page.url.endswith(reverse("portal:sos_state", args=[incident.pk]))
    assert "已收到呼叫" in page.inner_text("main")
    assert page.locator("li[aria-current=step]").inner_text().startswith("✔")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_read_aloud_shows_only_where_the_browser_can_speak(browser, live_server):
    def shown(init: str | None) -> bool:
        context = browser.new_context()
        if init:
            context.add_init_script(init)
        page = context.new_page()
        page.goto(f"{live_server.url}{reverse('portal:public_index')}")
        page.wait_for_load_state("load")
        visible = page.locator("#read-aloud").is_visible()
        context.close()
        return visible

    speaking = "window.speechSynthesis = {speaking: false, speak() {}, cancel() {}};" + (
        "window.SpeechSynthesisUtterance = function (t) { this.text = t; };"
    )
    assert shown(speaking) is True
    assert shown("Object.defineProperty(window, 'speechSynthesis', {value: undefined});") is False


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport=PHONE)
def test_the_measuring_fails_a_page_drawn_without_elder_mode(page, live_server):
    """The same page outside 长辈模式 falls short of the elder numbers: the measuring can fail."""
    _switch(page, live_server, False)
    page.goto(f"{live_server.url}{reverse('portal:public_facilities')}")
    found = _measure(page, ELDER)
    assert any(p.startswith("target ") for p in found)
    assert any(p.startswith("text ") for p in found)
    _switch(page, live_server, True)
    page.goto(f"{live_server.url}{reverse('portal:public_facilities')}")
    assert _measure(page, ELDER) == []
