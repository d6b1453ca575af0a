"""axe-core over the main staff pages of every module (issue 17: "axe-core reports no critical or
serious violation on the staff pages"), signed in as the city's administrator and as a community
worker. axe-core comes with axe-playwright-python (the test extras), injected into the page by
Playwright, so nothing is fetched from outside.

A page another engineer is still changing is left out only by name in `LEFT_OUT`, with its owner's
reason; none is left out today."""

import pytest
from django.urls import reverse

from tests.conftest import browser_login

# (url name, args) of the main staff pages; "person" and "programme" are the records the test makes.
PAGES = [
    ("core:home", ()),
    ("registry:person_list", ()),
    ("registry:person_detail", ("person",)),
    ("assessment:list", ()),
    ("benefits:programme_list", ()),
    ("benefits:programme_detail", ("programme",)),
    ("benefits:payroll_index", ()),
    ("benefits:funds", ()),
    ("homecare:order_list", ()),
    ("alarms:console", ()),
    ("facilities:list", ()),
    ("childcare:classes", ()),
    ("planning:index", ()),
    ("planning:indicator", ("339900000000", "E03")),
    ("core:audit", ()),
]
# Pages a role does not open (its menu does not offer them: tests/core/test_menus.py).
# A community worker's dashboard is their own community (planning:index), not the city's indicator page.
NOT_FOR = {
    "community": {
        "core:audit",
        "benefits:funds",
        "benefits:payroll_index",
        "alarms:console",
        "planning:indicator",
    }
}
LEFT_OUT: dict[str, str] = {}
SEVERE = {"critical", "serious"}


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['impact']} {v['id']}: {v['help']} — "
        + "; ".join(
            " ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
            for n in v["nodes"][:5]
        )
        for v in found
        if v.get("impact") in SEVERE
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["admin", "community"])
def test_no_critical_or_serious_axe_violation_on_the_staff_pages(
    page, live_server, users, make_person, username
):
    from carecircle.benefits import defaults
    from carecircle.registry.services import status_add

    person = make_person(age=82, name="无障碍老人")
    status_add(
        actor=users["admin"],
        person=person,
        kind="living_alone",
        valid_from=person.birth_date,
        source="社区走访",
    )
    programme = defaults.install(
        actor=users["admin"], region_code="339900000000", valid_from=person.birth_date
    )[0]
    made = {"person": person.pk, "programme": programme.pk}
    browser_login(page, live_server.url, username)
    problems: dict[str, list[str]] = {}
    for name, args in PAGES:
        if name in NOT_FOR.get(username, set()) or name in LEFT_OUT:
            continue
        url = reverse(name, args=[made.get(a, a) for a in args])
        answer = page.goto(f"{live_server.url}{url}")
        assert answer is not None and answer.status == 200, (url, answer and answer.status)
        page.wait_for_load_state("networkidle")
        found = _violations(page)
        if found:
            problems[page.url.removeprefix(live_server.url)] = found
    assert not problems, "axe-core: critical or serious violations\n" + "\n".join(
        f"{url}\n  " + "\n  ".join(v) for url, v in problems.items()
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_first_tab_offers_a_skip_to_the_content(page, live_server, users):
    browser_login(page, live_server.url, "community")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    assert page.locator("a.skiplink").bounding_box()["x"] >= 0  # shown once focused
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
