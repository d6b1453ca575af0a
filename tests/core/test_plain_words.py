"""Plain words on every page (issue 17, "Done when": "No page shows a 12-digit code without its name,
or an internal English code, on a Chinese page"). Signed in as the city's administrator and as a
community worker, the crawl opens every page route (parameters filled with records of region A, as
the CSP crawl and the scope walk do) and every link the menu pages offer, and reads what a person
sees: the text of the page, not its attributes, scripts or the text an editor types into a
<textarea>. It finds
- a region's 12-digit code with the region's name nowhere near it, and
- an internal code: a snake_case word (`living_alone`, `activity_centre`), an audit action
  (`alarms.incident_acknowledge`, `status.add`) or an object label (`registry.person #3410`).

The rule editor's reference (the CEL facts and examples a programme's editor writes rules with,
`.rule-syntax` on the programme page) is the one place where identifiers are the content.
"""

import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.urls import get_resolver

from carecircle.core.models import Region
from tests.core.test_menus import HREF, MAIN, menu

SKIP_TAGS = {"script", "style", "textarea", "template", "noscript"}
SKIP_CLASSES = {"rule-syntax"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

CODE_PATTERNS = [
    # snake_case identifiers: status kinds, facility kinds, roles, computations
    re.compile(r"(?<![A-Za-z0-9_./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_./-])"),
    # an audit action or a model label: module.action, registry.person #12
    re.compile(
        r"(?<![A-Za-z0-9_./-])(?:admin|alarms|appeal|assessment|benefits|carevisits|childcare|core|facilities|"
        r"homecare|planning|registry|workforce|person|status|order|contact|pii|payroll|fund|filing)"
        r"\.[a-z_]+(?:\s*#\d+)?(?![A-Za-z0-9_./-])"
    ),
]
REGION_CODE = re.compile(r"(?<!\d)\d{12}(?!\d)")
NEAR = 60  # characters either side of a code where its region's name must be


class _Visible(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts, styles or textarea contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []  # the open tags inside a skipped element, innermost last

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        if self.skipping or tag in SKIP_TAGS or classes & SKIP_CLASSES:
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping and tag in self.skipping:
            while self.skipping and self.skipping.pop() != tag:
                pass
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parts for parts in parser.parts))


def findings(text: str, names: dict[str, str]) -> list[str]:
    found = []
    for pattern in CODE_PATTERNS:
        found += [f"code {m.group(0)!r}" for m in pattern.finditer(text)]
    for m in REGION_CODE.finditer(text):
        name = names.get(m.group(0))
        around = text[max(0, m.start() - NEAR) : m.end() + NEAR]
        if name is not None and name not in around:
            found.append(f"region code {m.group(0)} without {name}")
    return sorted(set(found))


def test_the_scanner_finds_what_the_issue_lists_and_nothing_in_attributes():
    names = {"339901001001": "桂花社区"}
    html = (
        "<main><p>状况：<code>status.add</code> living_alone</p>"
        '<select><option value="living_alone">独居</option></select>'
        "<p>alarms.incident_acknowledge · registry.person #3410 · activity_centre</p><p>新增状况dibao_edge</p>"
        '<textarea name="target_rule">"dibao_edge" in statuses</textarea>'
        '<div class="rule-syntax"><code>capability_level</code></div>'
        "<p>桂花社区 339901001001 · 人员.csv · admin@example.org</p></main>"
    )
    assert findings(visible_text(html), names) == [
        "code 'activity_centre'",
        "code 'alarms.incident_acknowledge'",
        "code 'dibao_edge'",
        "code 'living_alone'",
        "code 'registry.person #3410'",
        "code 'status.add'",
    ]
    assert findings(visible_text("<p>339901001001</p>" + "。" * 80 + "<p>桂花社区</p>"), names) == [
        "region code 339901001001 without 桂花社区"
    ]


# Pages still showing codes that another engineer owns and is changing, left out of the crawl by
# route with the owner and what the page shows: route -> (owner, what it shows); the lead finishes
# them. Empty: the filing page (declared figures by field name), a provider's service areas and a
# caregiver's community (codes without names), left out at first, were put in words by their owners.
KNOWN: dict[str, tuple[str, str]] = {}


def _pages(users, make_person) -> list[str]:
    from tests.scopewalk import PARAM, core_factories, factories, fill, page_routes

    person = make_person(age=82, name="白话老人")
    ctx = SimpleNamespace(users=users, make_person=make_person, person=person)
    makers = core_factories() | factories()
    urls = []
    for route in page_routes():
        names = {m.group("name") for m in PARAM.finditer(route)}
        if names - set(makers) or "(?P" in route or route in KNOWN:
            continue
        urls.append("/" + fill(route, ctx, makers))
    return urls


def _walk_menus(client, seen: set[str]) -> list[str]:
    links, _groups = menu(client.get("/").content.decode())
    more = list(links)
    for url in links:
        body = MAIN.search(client.get(url, follow=True).content.decode())
        for link in HREF.findall(body.group(1) if body else ""):
            link = link.replace("&amp;", "&")
            if link.startswith("/") and not link.startswith(("/static/", "/api/")):
                more.append(link)
    return [u for u in dict.fromkeys(more) if u not in seen]


def _known(url: str) -> bool:
    path = url.split("?")[0].lstrip("/")
    return any(re.fullmatch(re.sub(r"<[^>]+>", r"[^/]+", route), path) for route in KNOWN)


@pytest.mark.parametrize("username", ["admin", "community"])
def test_no_page_shows_a_bare_region_code_or_an_internal_code(username, users, make_person, client_for):
    from carecircle.benefits import defaults
    from carecircle.registry.services import status_add

    defaults.install(actor=users["admin"], region_code="339900000000")
    names = dict(Region.objects.values_list("code", "name"))
    urls = _pages(users, make_person)
    person = make_person(age=90, name="独居老人")
    status_add(
        actor=users["community"],
        person=person,
        kind="living_alone",
        valid_from=person.birth_date,
        source="走访",
    )
    client = client_for(users[username])
    urls += _walk_menus(client, set(urls))
    problems: dict[str, list[str]] = {}
    read = 0
    for url in urls:
        if _known(url):
            continue
        r = client.get(url)
        if getattr(r, "streaming", False):
            r.close()
            continue
        if r.status_code != 200 or not r["Content-Type"].startswith("text/html"):
            continue
        read += 1
        found = findings(visible_text(r.content.decode()), names)
        if found:
            problems[url] = found
    assert read >= 30, read
    assert not problems, f"{username}: pages with codes instead of words\n" + "\n".join(
        f"{url}: {', '.join(f)}" for url, f in sorted(problems.items())
    )


def test_every_known_offender_names_a_route_that_exists():
    from tests.scopewalk import page_routes

    assert set(KNOWN) <= set(page_routes()), set(KNOWN) - set(page_routes())
    assert get_resolver() is not None
