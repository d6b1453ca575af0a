"""Output encoding (issue 13, finding High 6): data reaches scripts only as JSON data blocks
(`json_script`), no page carries an inline script or event handler, and every response has a
Content-Security-Policy whose script-src is 'self' alone — so a region name such as
`</script><script>…` imported by an official is shown as text and never runs."""

import csv
import datetime
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver

from carecircle.core.models import Region
from tests.conftest import browser_login

EVIL = "</script><script>window.__pwned=1</script>"
EVIL_IMG = '<img src=x onerror="window.__pwned=2">'
DISTRICT, STREET = "339901000000", "339901001000"
NEW_STREET, NEW_COMMUNITY = "339901003000", "339901001003"
SRC = Path(__file__).resolve().parents[2] / "src" / "carecircle"


class ScriptAudit(HTMLParser):
    """What a page would run: inline scripts, event-handler attributes, javascript: URLs; and the
    JSON data blocks it carries."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inline, self.handlers, self.js_urls, self.data_blocks = [], [], [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.js_urls.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            kind = (attrs.get("type") or "").lower()
            self._in = "data" if kind == "application/json" else ("src" if attrs.get("src") else "inline")
            self._text = []

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in:
            text = "".join(self._text)
            if self._in == "data":
                self.data_blocks.append(json.loads(text))
            elif self._in == "inline" or text.strip():
                self.inline.append(text[:200])
            self._in = None


def audit_html(html: str) -> ScriptAudit:
    parser = ScriptAudit()
    parser.feed(html)
    parser.close()
    assert not parser.inline, f"inline script: {parser.inline}"
    assert not parser.handlers, f"inline event handlers: {parser.handlers}"
    assert not parser.js_urls, f"javascript: URLs: {parser.js_urls}"
    return parser


def assert_shown_as_text(html: str, *names: str):
    """The name is on the page only escaped (as text) or inside a JSON data block, never as markup."""
    blocks = json.dumps(audit_html(html).data_blocks, ensure_ascii=False)
    for name in names:
        assert name not in html, f"{name!r} is in the page unescaped"
    return blocks


@pytest.fixture
def evil_regions(users, client_for):
    """A district official imports, through the regions page, a street and a community with hostile names."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["区划代码", "名称", "纬度", "经度"])
    w.writerow([NEW_STREET, EVIL, "30.28", "120.13"])
    w.writerow([NEW_COMMUNITY, EVIL_IMG, "30.271", "120.141"])
    upload = SimpleUploadedFile("regions.csv", out.getvalue().encode("utf-8"), content_type="text/csv")
    r = client_for(users["district"]).post("/regions/", {"file": upload})
    assert r.status_code == 200
    assert Region.objects.get(code=NEW_STREET).name == EVIL
    assert Region.objects.get(code=NEW_COMMUNITY).name == EVIL_IMG
    return users


@pytest.fixture
def planning_pages(evil_regions, make_person):
    """The indicator, coverage and siting pages, each showing the hostile names."""
    from carecircle.planning import coverage_services, services
    from carecircle.planning.network import synthetic

    users = evil_regions
    services.indicators_load_defaults()
    for _ in range(3):  # uncovered homes beside the hostile community: the siting picks it
        make_person(NEW_COMMUNITY, age=75, latitude=30.271, longitude=120.141)
    net = synthetic([(30.291, 120.121), (30.271, 120.141)], spacing_m=150, reach_m=800, seed=1)
    row = coverage_services.network_store(
        actor=None, network=net, region_code=DISTRICT, name="walk", source="test"
    )
    run = coverage_services.coverage_run(
        actor=users["district"],
        region_code=STREET,
        group="elder",
        kind="community_centre",
        day=datetime.date.today(),
        network=row,
        extra_sites=[(30.291, 120.121)],
    )
    siting = coverage_services.siting_run(actor=users["district"], coverage_run_id=run.pk, new_sites=1)
    assert [s["label"] for s in siting.result["sites"]] == [EVIL_IMG]
    return SimpleNamespace(
        users=users,
        indicator=f"/planning/region/{DISTRICT}/indicator/E07/",
        coverage=f"/planning/coverage/{run.pk}/",
        siting=f"/planning/siting/{siting.pk}/",
    )


def test_hostile_region_names_never_become_markup_or_script(planning_pages, client_for):
    admin = client_for(planning_pages.users["admin"])
    html = admin.get(planning_pages.indicator).content.decode()
    data = assert_shown_as_text(html, EVIL)
    assert json.dumps(EVIL, ensure_ascii=False) in data  # the map still gets the name, as data
    html = admin.get(planning_pages.coverage).content.decode()
    assert_shown_as_text(html, EVIL_IMG)
    assert "&lt;img src=x onerror=" in html  # the child community in the table, escaped
    html = admin.get(planning_pages.siting).content.decode()
    data = assert_shown_as_text(html, EVIL_IMG)
    assert json.dumps(EVIL_IMG, ensure_ascii=False) in data
    html = admin.get(f"/regions/?parent={DISTRICT}").content.decode()
    assert_shown_as_text(html, EVIL)


def test_no_template_carries_inline_script_handlers_or_safe_data():
    """The rule, checked on the sources: every script is a static file; data goes through json_script."""
    problems = []
    for path in SRC.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(SRC)
        for m in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in m.group(1) and "application/json" not in m.group(1):
                problems.append(f"{rel}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            problems.append(f"{rel}: inline event handler")
        if re.search(r"\|\s*safe\b", text) or "autoescape off" in text:
            problems.append(f"{rel}: |safe / autoescape off")
        if "javascript:" in text:
            problems.append(f"{rel}: javascript: URL")
    assert not problems, problems


def csp_directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_strict_csp(response):
    d = csp_directives(response)
    path = response.request["PATH_INFO"]
    assert d.get("script-src") == ["'self'"], f"{path}: script-src {d.get('script-src')}"
    assert d.get("object-src") == ["'none'"] and d.get("base-uri") == ["'self'"], path
    assert d.get("frame-ancestors") == ["'none'"], path
    assert d.get("default-src") == ["'self'"], path
    assert "'unsafe-eval'" not in " ".join(sum(d.values(), [])), path
    assert set(d.get("img-src", [])) <= {"'self'", "data:"}, path  # no tile server named in the tests


OPEN_PAGES = [
    "/",
    "/accounts/login/",
    "/healthz",
    "/map/",
    "/admin/login/",
    "/api/v1/docs",
    "/api/v1/openapi.json",
]


def test_every_page_of_a_crawl_has_a_strict_csp(client, users, make_person, client_for):
    """Anonymous open pages, then every page route (parameters filled with objects of region A) as
    the city administrator: each response has the policy, and each HTML page runs no inline script."""
    from tests.scopewalk import PARAM, core_factories, factories, fill, walk

    for url in OPEN_PAGES:
        r = client.get(url, follow=True)
        assert_strict_csp(r)
        if r["Content-Type"].startswith("text/html"):
            audit_html(r.content.decode())
    ctx = SimpleNamespace(users=users, make_person=make_person, person=make_person())
    makers = core_factories() | factories()
    admin = client_for(users["admin"])
    crawled = 0
    for route, _pattern in walk(get_resolver().url_patterns):
        route = route.lstrip("^").rstrip("$")
        names = {m.group("name") for m in PARAM.finditer(route)}
        if route.startswith(("api/", "static/", "lang/")) or (names - set(makers)) or "(?P" in route:
            continue
        url = "/" + fill(route, ctx, makers)
        r = admin.get(url)
        assert_strict_csp(r)
        if r.streaming:
            r.close()
        elif r.status_code == 200 and r["Content-Type"].startswith("text/html"):
            audit_html(r.content.decode())
        crawled += 1
    for url in (
        "/admin/",
        "/admin/core/user/",
        f"/admin/core/user/{users['street'].pk}/change/",
        "/admin/core/region/",
    ):
        users["admin"].is_staff = users["admin"].is_superuser = True
        users["admin"].save()
        r = client_for(users["admin"]).get(url)
        assert r.status_code == 200, url
        assert_strict_csp(r)
        audit_html(r.content.decode())
    assert crawled >= 40


# ---- in a real browser: nothing injected runs, nothing the pages need is blocked ----


def _watch_csp(page) -> list[str]:
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: blocked.append(f"page error: {e}"))
    return blocked


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_hostile_names_do_not_run_in_the_browser(browser, live_server, planning_pages):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked = _watch_csp(page)
    try:
        browser_login(page, live_server.url, "admin")
        page.goto(live_server.url + planning_pages.indicator)
        page.wait_for_selector(".leaflet-container")
        page.wait_for_selector(".leaflet-tooltip")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert EVIL in page.locator(".leaflet-tooltip", has_text="window.__pwned").first.inner_text()
        for url in (planning_pages.coverage, planning_pages.siting):
            page.goto(live_server.url + url)
            page.wait_for_selector(".leaflet-container")
            assert page.evaluate("typeof window.__pwned") == "undefined"
        page.dispatch_event(
            "path.leaflet-interactive >> nth=0", "mouseover"
        )  # the site's marker (its circle lies over it)
        page.wait_for_selector(".leaflet-tooltip")
        assert page.locator(".leaflet-tooltip img").count() == 0  # the label is text, not markup
        assert EVIL_IMG in page.locator(".leaflet-tooltip").first.inner_text()
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert not blocked, blocked
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_work_under_the_policy(browser, live_server, users):
    """htmx, the menus, the print button, auto-submitting filters and the admin run with script-src 'self'."""
    users["admin"].is_staff = users["admin"].is_superuser = True
    users["admin"].save()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked = _watch_csp(page)
    try:
        browser_login(page, live_server.url, "admin")
        assert page.evaluate("typeof htmx") == "object"
        assert page.evaluate("htmx.config.includeIndicatorStyles") is False
        assert page.evaluate("htmx.config.allowEval") is False
        page.goto(f"{live_server.url}/carevisits/vulnerable/")
        page.select_option("select[name=population]", "child")  # data-autosubmit: the form is sent
        page.wait_for_url(re.compile(r"population=child"))
        page.goto(f"{live_server.url}/admin/core/region/")
        page.wait_for_selector("#result_list, #changelist")
        page.goto(f"{live_server.url}/admin/core/user/{users['street'].pk}/change/")
        page.wait_for_selector("#user_form")
        page.goto(f"{live_server.url}/api/v1/docs")  # Swagger UI from the server's own static files
        page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
        page.goto(f"{live_server.url}/map/")
        page.wait_for_selector(".leaflet-container")
        assert not blocked, blocked
    finally:
        page.close()


def test_a_named_tile_service_is_the_only_other_image_origin(settings, client, city):
    from carecircle.core.csp import content_security_policy

    policy = content_security_policy("https://tiles.city.example:8443/osm/{z}/{x}/{y}.png")
    assert policy["img-src"] == ["'self'", "data:", "https://tiles.city.example:8443"]
    assert policy["script-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]
    assert content_security_policy("/tiles/{z}/{x}/{y}.png")["img-src"] == [
        "'self'",
        "data:",
    ]  # on the server itself
    settings.CARECIRCLE_MAP_TILES = "/tiles/{z}/{x}/{y}.png"
    html = client.get("/map/").content.decode()
    assert '<meta name="carecircle-map-tiles" content="/tiles/{z}/{x}/{y}.png">' in html
    assert "openstreetmap" not in html
