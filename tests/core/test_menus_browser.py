"""As a person would (issue 17, item 4): the call-centre operator and the provider admins (of a
home-care provider, of a facility operator) sign in and click every entry of their menu, opening
each drop-down as a mouse would; no entry answers 403 (or any error) and no page logs a console
error (the `page` fixture fails the test on one)."""

import pytest

from tests.conftest import browser_login
from tests.core.test_menus import PERSONAS


def _walk(page, base: str) -> tuple[list[str], list[str]]:
    """Click every menu entry from the home page: (entries opened, refusals met)."""
    refused: list[str] = []
    page.on(
        "response",
        lambda r: (
            refused.append(f"{r.status} {r.url}")
            if r.request.is_navigation_request() and r.status >= 400
            else None
        ),
    )
    page.goto(f"{base}/")
    entries = page.locator(".mainnav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    opened = []
    for href in entries:
        page.goto(f"{base}/")
        link = page.locator(f".mainnav a[href='{href}']")
        if not link.is_visible():  # inside a drop-down: it opens on hover
            page.locator(".navgroup", has=page.locator(f"a[href='{href}']")).locator(".navlabel").hover()
        link.click()
        page.wait_for_load_state()
        assert page.locator("h1").count(), f"{href}: no heading"
        opened.append(href)
    return opened, refused


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "persona", ["operator", "provider_admin of a home-care provider", "provider_admin of a facility operator"]
)
def test_every_menu_entry_opens_in_the_browser(persona, page, live_server, users) -> None:
    user = PERSONAS[persona](users)
    browser_login(page, live_server.url, user.username)
    opened, refused = _walk(page, live_server.url)
    assert len(opened) >= 3, opened
    assert not refused, f"{persona}: {refused}"
