"""Service levels of issue 18: per-incident times, the live wallboard, the monthly report by district
and alarm type (Excel, audited) and the staffing page; scope from both sides. The alarms package runs
on the frozen clock of tests/conftest.py (2026-03-31 00:30 Beijing), so "today" is its first half hour."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from carecircle.alarms import policy, reports, selectors, services, wallboard
from carecircle.alarms.models import Incident, IncidentState, Policy
from carecircle.core.models import AuditEvent
from carecircle.registry.models import FamilyContact
from tests.conftest import COMMUNITY_B

pytestmark = pytest.mark.django_db
S = datetime.timedelta(seconds=1)


def call(person, opened, answered_after=None, operator=None, kind="sos"):
    i = services.incident_create(person=person, source="device", kind=kind, title="t", now=opened)
    if answered_after is not None:
        services.incident_acknowledge(actor=operator, incident_id=i.pk, now=opened + answered_after * S)
    return i


@pytest.fixture
def day(users, make_person):
    """A test day counted by hand. Today (from 00:00 to now, 00:30): answered after 30, 90 and 200 s,
    one waiting since 00:10 (past both limits), one waiting for 10 s (decided for neither), a phone
    call (never waits); earlier this month two answered in 10 s; last month one (not counted);
    西山区 one waiting. Per target: today 60 s 1/4 = 25.0 %, 180 s 2/4 = 50.0 %; month 60 s 3/6 = 50.0 %,
    180 s 4/6 = 66.7 %."""
    now = timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    a = make_person(name="东湖老人")
    b = make_person(region_code=COMMUNITY_B, name="西山老人")
    op = users["operator"]
    call(a, midnight + 300 * S, 30, op)
    call(a, midnight + 360 * S, 90, op, kind="fall")
    call(a, midnight + 420 * S, 200, op)
    call(a, midnight + 600 * S)
    call(a, now - 10 * S)
    services.incident_open_by_phone(actor=op, person=a, note="来电", now=midnight + 500 * S)
    call(a, midnight - datetime.timedelta(days=20), 10, op)
    call(a, midnight - datetime.timedelta(days=10), 10, op)
    call(a, midnight - datetime.timedelta(days=40), 500, op)
    call(b, midnight + 700 * S)
    return {"now": now, "a": a, "b": b}


def test_incident_times_to_answer_reach_the_person_on_site_and_close(users, make_person, t0):
    person = make_person()
    FamilyContact.objects.create(
        person=person, region_code=person.region_code, name="李女儿", relation="女儿"
    )
    op = users["operator"]
    i = call(person, t0, 20, op)
    services.incident_call(actor=op, incident_id=i.pk, target="family", outcome="reached", now=t0 + 40 * S)
    services.incident_call(actor=op, incident_id=i.pk, target="person", outcome="no_answer", now=t0 + 50 * S)
    services.incident_call(actor=op, incident_id=i.pk, target="person", outcome="reached", now=t0 + 70 * S)
    services.incident_call(actor=op, incident_id=i.pk, target="person", outcome="reached", now=t0 + 80 * S)
    services.responder_dispatch(actor=op, incident_id=i.pk, now=t0 + 90 * S)
    services.incident_advance(actor=op, incident_id=i.pk, state=IncidentState.ON_SITE, now=t0 + 600 * S)
    services.incident_resolve(actor=op, incident_id=i.pk, outcome="help", now=t0 + 900 * S)
    expected = {"answer": 20.0, "first_contact": 70.0, "on_site": 600.0, "close": 900.0}
    assert selectors.incident_times(Incident.objects.get(pk=i.pk)) == expected
    annotated = selectors.with_first_contact(Incident.objects.filter(pk=i.pk)).get()
    assert selectors.incident_times(annotated) == expected
    waiting = call(person, t0 + 1000 * S)
    assert selectors.incident_times(waiting) == dict.fromkeys(expected)


def test_targets_are_the_policys_settings(users):
    assert selectors.centre_targets(users["district"]) == ((60, 98.5), (180, 99.0))
    Policy.objects.create(region_prefix="339901", answer_target_seconds=30, answer_target_percent=90.0)
    policy.clear_cache()  # policy_for caches a region's row for a few seconds
    assert selectors.centre_targets(users["district"]) == ((30, 90.0), (180, 99.0))
    assert selectors.centre_targets(users["district_b"]) == ((60, 98.5), (180, 99.0))


def _by_id(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}">(.*?)</section>', html, re.S)
    assert m, element_id
    return re.sub(r"<[^>]+>", " ", m.group(1))


def test_wallboard_figures_match_the_hand_count(day, users, client_for):
    board = wallboard.wallboard(user=users["district"])
    assert board["waiting"] == 2
    assert 1200 <= board["longest_wait_seconds"] <= 1200 + (board["now"] - day["now"]).total_seconds() + 1
    assert [(c["seconds"], c["within"], c["decided"], c["share"], c["ok"]) for c in board["today"]] == [
        (60, 1, 4, 25.0, False),
        (180, 2, 4, 50.0, False),
    ]
    assert [(c["within"], c["decided"], c["share"]) for c in board["month"]] == [(3, 6, 50.0), (4, 6, 66.7)]
    assert board["today_calls"] == 5 and board["month_calls"] == 7
    assert board["operators"] == ["operator"]
    # The database count agrees with the supervisor page's rule (selectors.target_checks).
    levels = selectors.service_levels(user=users["district"], day=timezone.localdate(), now=board["now"])
    assert levels["total"]["checks"] == board["today"]

    c = client_for(users["district"])
    html = c.get("/alarms/wallboard/").content.decode()
    assert 'hx-get="/alarms/wallboard/figures/"' in html and 'hx-trigger="every 5s"' in html
    assert re.search(r"\b2\b", _by_id(html, "wb-waiting"))
    today60 = _by_id(html, "wb-today-60")
    assert "25.0" in today60 and "✖" in today60 and "未达标" in today60 and "目标 98.5%" in today60
    assert "66.7" in _by_id(html, "wb-month-180")
    assert "operator" in _by_id(html, "wb-operators")
    fragment = c.get("/alarms/wallboard/figures/").content.decode()
    assert "<html" not in fragment and 'id="wb-today-180"' in fragment and "50.0" in fragment


def test_wallboard_of_the_other_district_shows_nothing_of_this_one(day, users, client_for):
    board = wallboard.wallboard(user=users["district_b"])
    assert board["waiting"] == 1 and board["today_calls"] == 1 and board["month_calls"] == 1
    assert board["operators"] == []
    html = client_for(users["district_b"]).get("/alarms/wallboard/figures/").content.decode()
    assert "operator" not in _by_id(html, "wb-operators") and "25.0" not in html and "东湖老人" not in html


def test_met_targets_read_as_met(users, make_person, client_for):
    now = timezone.now()
    person = make_person()
    call(person, now - 100 * S, 5, users["operator"])
    html = client_for(users["district"]).get("/alarms/wallboard/figures/").content.decode()
    tile = _by_id(html, "wb-today-60")
    assert "100.0" in tile and "✔" in tile and "达标" in tile and "未达标" not in tile


@pytest.mark.parametrize(
    "url",
    ["/alarms/wallboard/", "/alarms/wallboard/figures/", "/alarms/staffing/", "/alarms/reports/monthly/"],
)
def test_operators_without_supervise_are_refused(users, client_for, url):
    assert client_for(users["operator"]).get(url).status_code == 403
    assert client_for(users["community"]).get(url).status_code == 403


def test_monthly_report_by_district_and_type_exports_to_excel_audited(day, users, client_for):
    rows = reports.by_district_and_type(user=users["admin"], month=timezone.localdate())
    assert [(r["district"], r["source"], r["kind"], r["total"]) for r in rows] == [
        ("东湖区", "设备报警", "跌倒", 1),
        ("东湖区", "设备报警", "紧急呼叫", 6),
        ("东湖区", "电话呼入", "电话呼入", 1),
        ("西山区", "设备报警", "紧急呼叫", 1),
    ]
    sos = rows[1]
    assert [(c["within"], c["decided"]) for c in sos["checks"]] == [(3, 5), (3, 5)]
    assert rows[2]["checks"] == []  # a phone call never waits for an operator
    c = client_for(users["district"])
    html = c.get("/alarms/reports/monthly/?month=2026-03").content.decode()
    assert "按区县和警情类型" in html and "跌倒" in html and "西山区" not in html
    before = AuditEvent.objects.filter(action="alarms.report_export").count()
    response = c.get("/alarms/reports/monthly/?month=2026-03&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = [list(r) for r in book["按区县和类型"].iter_rows(values_only=True)]
    assert sheet[0][:5] == ["区县", "来源", "类型", "警情数", "已结案"]
    assert "60秒内接警率%（目标98.5%）" in sheet[0]
    assert [r[:4] for r in sheet[1:]] == [
        ["东湖区", "设备报警", "跌倒", 1],
        ["东湖区", "设备报警", "紧急呼叫", 6],
        ["东湖区", "电话呼入", "电话呼入", 1],
    ]
    assert sheet[1][5:8] == [0, 0.0, "未达标"]  # answered after 90 s
    events = AuditEvent.objects.filter(action="alarms.report_export")
    assert events.count() == before + 1
    event = events.latest("id")
    assert event.user == users["district"] and event.region_code == "339901000000"
    assert event.detail["format"] == "xlsx" and event.detail["rows"] == 3
    west = client_for(users["district_b"]).get("/alarms/reports/monthly/?month=2026-03&format=xlsx")
    west_rows = list(
        load_workbook(io.BytesIO(west.content), read_only=True)["按区县和类型"].iter_rows(values_only=True)
    )
    assert [r[0] for r in west_rows[1:]] == ["西山区"]


def test_staffing_page_prefills_the_measured_load(day, users, client_for):
    c = client_for(users["district"])
    html = c.get("/alarms/staffing/").content.decode()
    assert 'id="staffing-result"' in html and "每班至少需要" in html
    load = wallboard.measured_load(
        user=users["district"],
        start=timezone.localdate() - datetime.timedelta(days=27),
        end=timezone.localdate(),
    )
    assert (
        load["incidents"] == 8 and load["hours"] == 28 * 24
    )  # this month's 8 in 东湖区; February's is older
    assert f'name="rate" value="{load["calls_per_hour"]:g}"' in html
    html = c.get("/alarms/staffing/?rate=360&handling=100").content.decode()
    assert "每班至少需要 15 名坐席" in html and "10.00" in html


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("rate=abc", "rate", "每小时警情数"),
        ("rate=-1", "rate", "每小时警情数"),
        ("handling=0", "handling", "平均处置时长"),
        ("handling=nan", "handling", "平均处置时长"),
        ("hour_from=25", "hour_from", "开始时刻"),
        ("hour_from=8&hour_to=8", "hour_to", "结束时刻"),
        ("start=2026-13-01", "start", "日期格式不正确"),
        ("start=2026-03-20&end=2026-03-01", "start", "开始日期不能晚于结束日期"),
        ("rate=100000&handling=86400", "rate", "话务量"),
    ],
)
def test_staffing_bad_input_is_422_naming_the_field(users, client_for, query, field, words):
    response = client_for(users["district"]).get(f"/alarms/staffing/?{query}")
    assert response.status_code == 422
    html = response.content.decode()
    assert words in html and f'name="{field}"' in html
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', html)
    assert 'id="staffing-result"' not in html


@pytest.mark.django_db(transaction=True)
def test_wallboard_refreshes_in_place_in_a_browser(page, live_server, users, make_person):
    from tests.conftest import browser_login

    person = make_person(name="大屏老人")
    browser_login(page, live_server.url, "district")
    page.goto(f"{live_server.url}/alarms/wallboard/")
    assert page.inner_text("#wb-waiting .big").startswith("0")
    page.evaluate("window.__sameDocument = 42")
    services.incident_create(person=person, source="device", kind="fall", title="跌倒", publish=False)
    page.locator("#wb-waiting .big", has_text="1起").wait_for(timeout=15_000)
    assert page.evaluate("window.__sameDocument") == 42  # swapped in place, not reloaded
    assert (
        float(page.evaluate("getComputedStyle(document.querySelector('#wb-waiting .big')).fontSize")[:-2])
        >= 48
    )
    page.screenshot(path="/tmp/alarms-wallboard.png", full_page=True)
    from tests.core.test_accessibility import _violations

    for url in ("/alarms/wallboard/", "/alarms/staffing/", "/alarms/reports/monthly/", "/alarms/supervisor/"):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        assert _violations(page) == [], url
    page.goto(f"{live_server.url}/alarms/staffing/")
    page.screenshot(path="/tmp/alarms-staffing.png", full_page=True)
