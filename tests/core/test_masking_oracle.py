"""The masking oracle (issue 13, High 1): an attacker who reads everything one user sees without
unmasking — every page, every API GET operation and every export — tries to rebuild each person's
ID number, phone and address, and must fail.

What is shown is discovered, not hand-picked: the pages and operations are the ones the scope walk
walks (tests/test_scope_walk.py: every URL pattern and every operation of the OpenAPI document, path
parameters filled by each module's scope factories), walked as a user of every staff role, with
each person's own pages opened for every person in the database. Audited unmasking (the unmask
page and endpoint, a caregiver's service address, the bank file, which all take a purpose and write
an audit row) is the one way to the clear values and is not walked.

The attacker is generous: they are assumed to know each person's sex, the region part of the ID
number and the birth year and month (what masked views may show, core/vault.py), and every masked
value that agrees with a person's true value is attributed to that person. From what the responses
show they enumerate the ID numbers with a valid GB 11643 check digit consistent with all of it;
at least 1,000 must remain for every person (core/vault.py proves 14,000 by counting). Phones:
10 ** (digits never shown) candidates, at least 1,000. Addresses: no three consecutive characters
of the part of the address below the region names are shown, and no coordinate within ~200 m.
"""

import calendar
import collections
import datetime
import html
import io
import itertools
import json
import re
from types import SimpleNamespace

import openpyxl
import pytest

from carecircle.core.models import AuditEvent, Region
from carecircle.registry.identity import with_check_digit
from carecircle.registry.models import Person
from tests.conftest import COMMUNITY_A2
from tests.scopewalk import PARAM, api_operations, core_factories, factories, page_routes

ROLES = ["admin", "district", "street", "community", "operator", "inspector", "provider", "caregiver"]
# The unmask page and endpoint (POST with a purpose), and the live console stream, which never ends.
NOT_WALKED = ("unmask", "alarms/stream/")
# A response that wrote one of these audit rows was an unmasking for a purpose (a caregiver's
# service address, the location of an open alarm, the bank file): the attacker does not count it.
UNMASKING = {"pii.unmask", "payroll.export"}
FORMATS = ("csv", "xlsx")
ENOUGH = 1000
MASK = "*＊•×"
ID_TOKEN = re.compile(rf"(?<![0-9A-Za-z{MASK}])[0-9{MASK}]{{17}}[0-9Xx{MASK}](?![0-9A-Za-z{MASK}])")
PHONE_TOKEN = re.compile(rf"(?<![0-9{MASK}])[0-9{MASK}]{{7,13}}(?![0-9{MASK}])")
NUMBER = re.compile(r"\d{2,3}\.\d{2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")
HOME = (30.3137, 120.0837)  # far from every region centre, facility and network point of the test city


def _birth_in_this_month(years: int, later: bool) -> datetime.date:
    """A birth date in this month `years` ago, after today's day of the month when `later` (so that
    the exact age and an age counted from the birth month differ) and before it otherwise."""
    today = datetime.date.today()
    last = calendar.monthrange(today.year - years, today.month)[1]
    day = min(last, today.day + 3) if later else max(1, today.day - 3)
    return datetime.date(today.year - years, today.month, day)


@pytest.fixture
def walk_ctx(users, make_person):
    """A handful of people with every kind of personal data, in two communities of region A."""
    today = datetime.date.today()
    person = make_person(
        name="甲老人",
        birth=_birth_in_this_month(73, later=True),
        sex="F",
        phone="13912345678",
        address="翠微里17幢3单元602室",
        latitude=HOME[0],
        longitude=HOME[1],
    )
    make_person(
        name="乙老人",
        birth=_birth_in_this_month(86, later=False),
        sex="M",
        phone="0571-88123456",
        address="青藤巷9号后院东厢房",
        region_code=COMMUNITY_A2,
    )
    make_person(
        name="丙宝宝",
        birth=today - datetime.timedelta(days=640),
        sex="M",
        phone="13755551212",
        address="松风苑2幢1单元303室",
    )
    serial = itertools.count(1)

    def make_more(**kw):  # the people the scope factories make: their own phone and address too
        n = next(serial)
        kw.setdefault("phone", f"1366666{n:04d}")
        kw.setdefault("address", f"鹤鸣坊{n}号楼{n}{n}户")
        return make_person(**kw)

    return SimpleNamespace(users=users, make_person=make_more, person=person)


def _urls(ctx) -> tuple[list[str], list[str]]:
    """(urls without a person, url templates with {person_id}) for every page and GET operation."""
    makers = core_factories() | factories()
    made: dict[str, str] = {}

    def value(name: str) -> str:
        if name not in made:
            made[name] = str(makers[name](ctx))
        return made[name]

    templates = ["/" + route for route in page_routes()]
    templates += [path for method, path, _body in api_operations() if method == "GET"]
    plain, per_person = [], []
    for template in templates:
        if any(part in template for part in NOT_WALKED):
            continue
        names = [m.group("name") for m in PARAM.finditer(template)] + re.findall(r"\{(\w+)\}", template)
        variants = [template]
        if "fmt" in names:
            variants = [re.sub(r"<(?:str:)?fmt>|\{fmt\}", f, template) for f in FORMATS]
        for url in variants:
            url = PARAM.sub(
                lambda m: "{person_id}" if m.group("name") == "person_id" else value(m.group("name")), url
            )
            url = re.sub(
                r"\{(\w+)\}", lambda m: "{person_id}" if m.group(1) == "person_id" else value(m.group(1)), url
            )
            (per_person if "{person_id}" in url else plain).append(url)
    return plain, per_person


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    ctype = response.get("Content-Type", "")
    if "spreadsheetml" in ctype or body[:2] == b"PK":
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    text = body.decode("utf-8-sig", errors="replace")
    if "json" in ctype:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return html.unescape(text)


def _responses(client, plain: list[str], per_person: list[str], person_ids: list[int]) -> dict[str, str]:
    """url -> what it showed, for every url that answered 200 without unmasking."""
    client.raise_request_exception = False  # a page that fails shows nothing; other tests catch 500s
    urls = plain + [u.replace("{person_id}", str(pid)) for u in per_person for pid in person_ids]
    shown = {}
    for url in urls:
        last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(url)
        if response.status_code != 200:
            continue
        if AuditEvent.objects.filter(pk__gt=last, action__in=UNMASKING).exists():
            continue
        if _handled_incident(url) in _incidents_unmasked_for(response.wsgi_request.user):
            continue  # the handler's card: unmasked once per field for the incident, audited then
        shown[url] = _text(response)
    return shown


INCIDENT_PAGE = re.compile(r"alarms/incidents/(\d+)/")


def _handled_incident(url: str) -> int | None:
    found = INCIDENT_PAGE.search(url)
    return int(found.group(1)) if found else None


def _incidents_unmasked_for(user) -> set[int]:
    """Incidents whose card the user was shown in clear as the handler (alarms/card.py writes one
    pii.unmask row per field, naming the incident, the first time; a redraw writes none)."""
    rows = AuditEvent.objects.filter(user_id=getattr(user, "pk", None), action="pii.unmask")
    return {
        d["incident"]
        for d in rows.values_list("detail", flat=True)
        if isinstance(d, dict) and d.get("incident")
    }


def _seen_by(client, plain: list[str], per_person: list[str], person_ids: list[int]) -> str:
    return "".join(
        f"\n#### {url}\n{text}" for url, text in _responses(client, plain, per_person, person_ids).items()
    )


def _masks(tokens: list[str], value: str) -> list[tuple[str, str]]:
    """The (shown prefix, shown suffix) of each token that agrees with `value` (a mask or the value)."""
    found = []
    for token in tokens:
        m = re.fullmatch(rf"([0-9Xx]*)[{MASK}]*([0-9Xx]*)", token)
        if m is None:
            continue
        head, tail = m.group(1).upper(), m.group(2).upper()
        if not any(ch in MASK for ch in token):
            if token.upper() == value:
                found.append((value, ""))
            continue
        if len(head) + len(tail) <= len(value) and value.startswith(head) and value.endswith(tail):
            found.append((head, tail))
    return found


def _birth_forms(b: datetime.date) -> list[str]:
    return [
        f"{b:%Y-%m-%d}",
        f"{b:%Y/%m/%d}",
        f"{b:%Y.%m.%d}",
        f"{b:%Y%m%d}",
        f"{b.year}-{b.month}-{b.day}",
        f"{b.year}/{b.month}/{b.day}",
        f"{b.year}年{b.month}月{b.day}日",
        f"{b:%b}. {b.day}, {b.year}",
        f"{b:%B} {b.day}, {b.year}",
    ]


def id_candidates(person: Person, corpus: str, limit: int = ENOUGH) -> int:
    """ID numbers consistent with what the corpus shows about `person` (stops at `limit`)."""
    number = person.id_number
    masks = _masks(ID_TOKEN.findall(corpus), number)
    birth = person.birth_date
    if any(form in corpus for form in _birth_forms(birth)):
        days = [birth]
    else:  # the birth year and month are assumed known
        days = [birth.replace(day=d) for d in range(1, calendar.monthrange(birth.year, birth.month)[1] + 1)]
    odd = person.sex == "M"
    count = 0
    for day in days:
        for seq in range(1 if odd else 0, 1000, 2):
            candidate = with_check_digit(f"{number[:6]}{day:%Y%m%d}{seq:03d}")
            if all(candidate.startswith(h) and candidate.endswith(t) for h, t in masks):
                count += 1
                if count >= limit:
                    return count
    return count


def phone_candidates(phone: str, corpus: str) -> int:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not digits:
        return ENOUGH
    masks = _masks(PHONE_TOKEN.findall(corpus), digits)
    shown = min(
        len(digits), max((len(h) for h, _t in masks), default=0) + max((len(t) for _h, t in masks), default=0)
    )
    return 10 ** (len(digits) - shown)


def address_leaks(address: str, corpus: str, region_names: list[str]) -> list[str]:
    private = address
    for name in sorted(region_names, key=len, reverse=True):
        private = private.replace(name, "\0")
    grams = {private[i : i + 3] for i in range(len(private) - 2)}
    return sorted(g for g in grams if "\0" not in g and CJK.search(g) and g in corpus)


def location_leak(person: Person, corpus: str) -> bool:
    if person.latitude is None or person.longitude is None:
        return False
    numbers = [float(x) for x in NUMBER.findall(corpus)]
    return any(abs(x - person.latitude) < 0.002 for x in numbers) and any(
        abs(x - person.longitude) < 0.002 for x in numbers
    )


def findings(corpus: str, people: list[Person], region_names: list[str]) -> list[str]:
    found = []
    for p in people:
        n = id_candidates(p, corpus)
        if n < ENOUGH:
            found.append(f"{p.name}: ID number narrowed to {n} candidates")
        contacts = [(p.name, p.phone)] + [(f"{p.name}'s contact {c.name}", c.phone) for c in p.contacts.all()]
        for who, phone in contacts:
            if phone and phone_candidates(phone, corpus) < ENOUGH:
                found.append(f"{who}: phone narrowed to {phone_candidates(phone, corpus)} candidates")
        leaks = address_leaks(p.address, corpus, region_names)
        if leaks:
            found.append(f"{p.name}: address shown in part ({'、'.join(leaks[:5])})")
        if location_leak(p, corpus):
            found.append(f"{p.name}: home located within 200 m")
    return found


def test_no_role_can_rebuild_an_id_number_phone_or_address(walk_ctx, users, client_for):
    plain, per_person = _urls(walk_ctx)
    people = list(Person.objects.order_by("pk"))
    assert len(people) >= 5 and len(plain) >= 100 and per_person
    region_names = list(Region.objects.values_list("name", flat=True))
    problems = {}
    for role in ROLES:
        corpus = _seen_by(client_for(users[role]), plain, per_person, [p.pk for p in people])
        if role in ("admin", "street", "community"):  # they see people at all: the walk reached them
            assert walk_ctx.person.name in corpus
        found = findings(corpus, people, region_names)
        if found:
            problems[role] = found
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_the_attacker_finds_what_the_old_mask_gave_away(db):
    """The enumeration itself can fail: the old mask next to a clear birth date leaves one number."""
    birth = datetime.date(1950, 3, 17)
    number = with_check_digit(f"330106{birth:%Y%m%d}123")
    person = SimpleNamespace(id_number=number, birth_date=birth, sex="M", name="x")
    old = f"{number[:6]}********{number[-4:]} 出生日期 {birth:%Y-%m-%d}"
    assert id_candidates(person, old) == 1
    assert id_candidates(person, f"{number[:6]}********{number[-4:]}") < ENOUGH  # even without the date
    assert id_candidates(person, f"{number[:6]}{'*' * 12}") >= ENOUGH
    assert phone_candidates("13912345678", "139****5678") == 10**4
    assert phone_candidates("88123456", "881****3456") == 10  # the old mask of a landline
    assert set(address_leaks("翠微里17幢3单元602室", "翠微里1****", [])) == {"翠微里", "微里1"}
    assert address_leaks("桂花社区翠微里", "桂花社区****", ["桂花社区"]) == []


# Responses that change between two walks whatever the data: the walk's own audit rows and request
# counters, clock times, CSRF tokens; and population projections, statistics by single year of age
# over a whole region (an aggregate, not a view of a person).
# the wallboard's figures are live: the longest wait grows by the second while the walk runs
CHANGING_URLS = (
    "/audit",
    "/api/v1/audit",
    "/metrics",
    "/api/v1/projection",
    "/planning/region/",
    "/alarms/wallboard/",
)
CHANGING = re.compile(r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2})?|\b[0-9A-Za-z]{32,}\b")


def _tokens(text: str) -> collections.Counter:
    return collections.Counter(re.split(r"[\s,;:<>\"'=(){}\[\]]+", CHANGING.sub("", text)))


def test_nothing_shown_depends_on_the_day_of_birth(walk_ctx, users, client_for):
    """Every figure a masked view shows about a birth is a function of its year and month
    (core/vault.py): move a person's birthday to another day of the same month — across today's
    day of the month, so that the exact age changes — and nothing the city administrator (the role
    that sees every module) is shown may change. A first walk twice over measures what changes
    anyway (the walk's own audit rows in a person's history, clock times); only changes beyond it
    count."""
    from carecircle.core.vault import blind_index

    plain, per_person = _urls(walk_ctx)
    people = [p.pk for p in Person.objects.order_by("pk")]
    plain = [u for u in plain if not u.startswith(CHANGING_URLS)]
    per_person = [u for u in per_person if not u.endswith("/history")]  # audit rows, numbered
    client = client_for(users["admin"])
    first = _responses(client, plain, per_person, people)
    second = _responses(client, plain, per_person, people)
    person = walk_ctx.person
    today = datetime.date.today()
    other = _birth_in_this_month(73, later=False) if today.day > 1 else person.birth_date.replace(day=28)
    assert other != person.birth_date and other.strftime("%Y-%m") == person.birth_date.strftime("%Y-%m")
    number = with_check_digit(f"{person.id_number[:6]}{other:%Y%m%d}{person.id_number[14:17]}")
    Person.objects.filter(pk=person.pk).update(
        birth_date=other, id_number=number, id_hash=blind_index(number)
    )
    moved = _responses(client, plain, per_person, people)
    assert set(first) == set(second) == set(moved), "a page opened for one birthday and not for the other"
    assert any(person.name in text for text in moved.values())
    changed = {}
    for url in first:
        a, b, c = _tokens(first[url]), _tokens(second[url]), _tokens(moved[url])
        gone, new = (b - c) - (a - b), (c - b) - (b - a)
        if gone or new:
            changed[url] = {"before": sorted(gone)[:10], "after": sorted(new)[:10]}
    assert not changed, json.dumps(changed, ensure_ascii=False, indent=1)
