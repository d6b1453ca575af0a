"""Shared fixtures: a small hand-made city of two districts, users of every role, people.

    浙江省 330000000000
      示范市 339900000000
        东湖区 339901000000 ─ 文新街道 339901001000 ─ 桂花社区 339901001001, 丹枫社区 339901001002
                            └ 古荡街道 339901002000 ─ 星洲社区 339901002001
        西山区 339902000000 ─ 蒋村街道 339902001000 ─ 和睦社区 339902001001

Tests that need PostgreSQL, Redis or a browser skip with the reason when none is available;
CI sets CARECIRCLE_REQUIRE_SERVICES=1, which turns those skips into failures.
"""

import datetime
import os
import shutil
import time

import pytest
from django.db import connection
from django.utils import timezone

from carecircle.core.models import Region, RoleGrant, User
from carecircle.core.roles import Role
from carecircle.registry.identity import with_check_digit

PASSWORD = "Test#Passw0rd"
REGIONS = [
    ("330000000000", "浙江省", 30.27, 120.15),
    ("339900000000", "示范市", 30.27, 120.15),
    ("339901000000", "东湖区", 30.28, 120.13),
    ("339901001000", "文新街道", 30.29, 120.12),
    ("339901001001", "桂花社区", 30.291, 120.121),
    ("339901001002", "丹枫社区", 30.295, 120.125),
    ("339901002000", "古荡街道", 30.27, 120.14),
    ("339901002001", "星洲社区", 30.271, 120.141),
    ("339902000000", "西山区", 30.20, 120.05),
    ("339902001000", "蒋村街道", 30.21, 120.06),
    ("339902001001", "和睦社区", 30.211, 120.061),
]
COMMUNITY_A = "339901001001"  # 桂花社区, 文新街道, 东湖区
COMMUNITY_A2 = "339901001002"
COMMUNITY_B = "339902001001"  # 和睦社区, 西山区


def require_services() -> bool:
    return os.environ.get("CARECIRCLE_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str):
    if require_services():
        pytest.fail(f"required by CI but unavailable: {reason}")
    pytest.skip(reason)


@pytest.fixture
def city(db):
    from carecircle.core.services import region_upsert

    for code, name, lat, lng in REGIONS:
        region_upsert(actor=None, code=code, name=name, latitude=lat, longitude=lng)  # the system
    return {r.code: r for r in Region.objects.all()}


def make_user(username: str, role: str, region_code: str, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username, **extra)
    RoleGrant.objects.create(user=user, role=role, region_id=region_code)
    return user


@pytest.fixture
def users(city):
    """One user per role; the '_b' users hold the same roles over 西山区 (the other region)."""
    return {
        "admin": make_user("admin", Role.CITY_ADMIN, "339900000000"),
        "district": make_user("district", Role.DISTRICT_OFFICIAL, "339901000000"),
        "street": make_user("street", Role.STREET_WORKER, "339901001000"),
        "community": make_user("community", Role.COMMUNITY_WORKER, COMMUNITY_A),
        "operator": make_user("operator", Role.OPERATOR, "339901000000"),
        "inspector": make_user("inspector", Role.INSPECTOR, "339901000000"),
        "provider": make_user("provider", Role.PROVIDER_ADMIN, "339901000000"),
        "caregiver": make_user("caregiver", Role.CAREGIVER, "339901000000"),
        "resident": make_user("resident", Role.RESIDENT, COMMUNITY_A),
        "district_b": make_user("district_b", Role.DISTRICT_OFFICIAL, "339902000000"),
        "street_b": make_user("street_b", Role.STREET_WORKER, "339902001000"),
        "community_b": make_user("community_b", Role.COMMUNITY_WORKER, COMMUNITY_B),
    }


def id_number(birth: datetime.date, seq: int = 1, place: str = "330106") -> str:
    return with_check_digit(f"{place}{birth:%Y%m%d}{seq:03d}")


@pytest.fixture
def make_person(users):
    from carecircle.registry.services import person_create

    counter = {"n": 0}

    def make(region_code=COMMUNITY_A, age=75, name=None, birth=None, sex="F", **kw):
        counter["n"] += 1
        today = timezone.localdate()  # the app's date (Beijing), not the host's
        # the anniversary `age` years ago (a 29 February today has none: the 28th)
        anniversary = today.replace(
            year=today.year - age, day=min(today.day, 28) if today.month == 2 else today.day
        )
        birth = birth or anniversary - datetime.timedelta(days=10)
        seq = counter["n"] * 2 + (1 if sex == "M" else 0)
        return person_create(
            actor=users["admin"],
            name=name or f"测试{counter['n']}",
            id_number=id_number(birth, seq),
            region_code=region_code,
            phone=kw.pop("phone", "13800001234"),
            address=kw.pop("address", "桂花苑3幢2单元501室"),
            **kw,
        )

    return make


@pytest.fixture
def client_for(client):
    """client_for(user) -> a Django test client signed in as `user`."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        mark_signed_in(c, user)
        return c

    return make


def mark_signed_in(client, user):
    """A test client's forced login, marked as if it had come through the sign-in with its second
    factor (core/signin.py refuses sessions the sign-in did not make). The sign-in itself is tested
    in tests/core/test_signin*.py."""
    from carecircle.core import signin

    session = client.session
    signin.mark(session, user, second_factor=True)
    session.save()


@pytest.fixture
def postgres():
    # A plain skip even in CI: the database is the run's choice, not a missing service, and
    # .ci/run runs the whole suite a second time on PostgreSQL, where this test is required.
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")


@pytest.fixture
def redis_url():
    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001
        skip_or_fail(f"needs a Redis server at {url}: {exc}")
    return url


BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (it cannot download its own browser here)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        skip_or_fail("needs Debian's chromium package (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("needs the playwright Python package")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=BROWSER_FLAGS)
        yield b
        b.close()


# "Now" for tests that compute expected values from the date: the last day of a month, half an hour
# after midnight in Beijing (a UTC host's date is still the day before), so that a test which mixes
# the host's date with the app's, or steps over a month's end, fails on every day it runs.
FROZEN_NOW = datetime.datetime(2026, 3, 31, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def frozen_now():
    """The clock pinned at FROZEN_NOW (time-machine; it keeps ticking from there, so durations and
    timeouts still pass). Not for live servers, threads or leases that need the real time."""
    import time_machine

    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


# Test packages run on the frozen clock (every test in them gets the same day on every day it runs: a
# month's end, 29 February, 00:00–08:00 Beijing on a UTC host). A package joins when its tests pass on
# it (every date a test builds is read from the app's date while it runs, never at import).
# `real_clock` opts a test out: live servers, threads and leases need the real time;
# browser tests (`page`, `live_server`) keep it.
FROZEN_PACKAGES = {
    "alarms",
    "assessment",
    "benefits",
    "careathome",
    "carevisits",
    "childcare",
    "facilities",
    "homecare",
    "oversight",
    "planning",
    "portal",
    "registry",
    "timebank",
    "workforce",
}


@pytest.fixture(autouse=True)
def _frozen_clock_where_dates_matter(request):
    package = request.node.path.parent.name
    if (
        package not in FROZEN_PACKAGES
        or request.node.get_closest_marker("real_clock")
        or {"live_server", "page", "frozen_now"} & set(request.fixturenames)
    ):
        yield
        return
    import time_machine

    with time_machine.travel(FROZEN_NOW, tick=True):
        yield


@pytest.fixture
def page(browser, request):
    """A fresh Playwright page (in a context of its own) on the session's browser. Console errors,
    uncaught script errors and Content-Security-Policy violations are collected in `page.problems`
    and must be none when the test ends; a test that provokes them on purpose says
    @pytest.mark.page_errors_allowed. @pytest.mark.page_context(viewport=..., ...) passes options to
    browser.new_context (a phone's width, permissions, geolocation)."""
    marker = request.node.get_closest_marker("page_context")
    context = browser.new_context(**(marker.kwargs if marker else {}))
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    opened = context.new_page()
    problems: list[str] = []

    def console(m) -> None:
        where = m.location.get("url", "")
        if m.type == "error" and not where.endswith(
            "/favicon.ico"
        ):  # the browser's own guess, not the page's
            problems.append(f"console {m.type}: {m.text} ({where})")

    opened.on("console", console)
    opened.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    opened.problems = problems
    yield opened
    context.close()
    if not request.node.get_closest_marker("page_errors_allowed"):
        assert problems == [], f"the page logged errors or CSP violations: {problems}"


def browser_login(page, live_server_url: str, username: str, password: str = PASSWORD):
    """Sign in through the real pages; an account that must have a second factor gets one (as
    its owner would have set up) and types the code from it."""
    import pyotp

    from carecircle.core import services

    user = User.objects.get(username=username)
    if services.totp_required(user) and not user.totp_enabled:
        user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
        user.save(update_fields=["totp_secret", "totp_enabled"])
    page.goto(f"{live_server_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    totp = pyotp.TOTP(user.totp_secret or pyotp.random_base32())
    for _attempt in range(2):
        if "/accounts/otp/" not in page.url:
            break
        if _attempt:  # the code was used by a sign-in moments ago (a replay is refused): the next one
            time.sleep(totp.interval - time.time() % totp.interval + 0.5)
        page.fill("input[name=code]", totp.now())
        page.click("main button[type=submit]")
        page.wait_for_load_state()


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (live server, browser, Celery worker) ends with a flush of the whole
    database, which also empties the reference data that migrations load. Load it again once the
    test's fixtures are torn down — after the flush: a fixture's own teardown could run before it —
    so the tests after it see the database as migrations left it."""
    yield
    if nextitem is not None and _transactional(item):  # after the last test the database is gone
        from pytest_django.plugin import blocking_manager_key

        from carecircle.core import plugins

        with item.config.stash[blocking_manager_key].unblock():
            for module in plugins.optional_submodules("reference"):
                module.ensure()


@pytest.fixture(autouse=True, scope="session")
def _flush_may_empty_the_audit_trail():
    """A transactional test ends with a flush of every table, the audit trail too, which the
    database refuses to any connection that has not marked itself (migration core/0005). The
    suite's flush marks itself, as `carecircle generate --fresh` does; nothing else does."""
    from contextlib import ExitStack

    from django.test import TransactionTestCase

    from carecircle.core import audit

    original = TransactionTestCase._fixture_teardown

    def teardown(self):
        with ExitStack() as stack:
            for alias in self._databases_names(include_mirrors=False):
                stack.enter_context(audit.purge_allowed(alias))
            return original(self)

    TransactionTestCase._fixture_teardown = teardown
    yield
    TransactionTestCase._fixture_teardown = original
