"""Visit plans on the list component (core/lists.py): the managers' register of plans and the
overdue plans — count, filters (group, month, status, worker), a bad parameter refused with 422
naming it, an export of exactly the filtered set with names and its audit row, scope from both
sides. The community worker's phone worklist is not a list of the component (test_worklist_phone)."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from carecircle.carevisits import services
from carecircle.carevisits.models import VisitPlan
from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent
from tests.carevisits.conftest import this_month, today
from tests.conftest import COMMUNITY_B, browser_login

pytestmark = pytest.mark.django_db


def sheet(body: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def plans(users, make_person, rules, with_status):
    """This month's plans: two 独居 (monthly) and one 特困 (weekly) in district A, one 独居 in B."""
    y, m = this_month()
    alone = [make_person(age=70, name=f"独居{i}") for i in range(2)]
    for p in alone:
        with_status(p, "living_alone")
    poor = make_person(age=72, name="特困甲")
    with_status(poor, "tekun")
    far = make_person(age=70, name="西山独居", region_code=COMMUNITY_B)
    with_status(far, "living_alone")
    services.plans_generate(actor=users["admin"], region_code="339900000000", year=y, month=m)
    return {"alone": alone, "poor": poor, "far": far}


def test_the_register_counts_and_filters(users, client_for, plans):
    c = client_for(users["district"])
    mine = VisitPlan.objects.filter(region_code__startswith="339901")
    weekly = mine.filter(person=plans["poor"]).count()
    assert weekly >= 4
    html = c.get("/carevisits/plans/").content.decode()
    assert f"共 {mine.count()} 条" in html and "独居0" in html and "西山独居" not in html
    body = html.split("<tbody>")[1]
    assert "文新街道 桂花社区" in body and "339901001001" not in body and "待探访" in body
    assert f"共 {weekly} 条" in c.get("/carevisits/plans/?group=tekun").content.decode()
    assert "共 2 条" in c.get("/carevisits/plans/?group=living_alone").content.decode()
    y, m = this_month()
    assert f"共 {mine.count()} 条" in c.get(f"/carevisits/plans/?month={y}-{m:02d}").content.decode()
    assert "共 0 条" in c.get(f"/carevisits/plans/?month={y - 1}-{m:02d}").content.decode()
    plan = mine.get(person=plans["alone"][0])
    services.visit_record(
        actor=users["community"],
        plan=plan,
        person=None,
        visited_at=timezone.now(),
        place="home",
        seen="self",
        condition="good",
        idempotency_key="lists-1",
    )
    done = c.get("/carevisits/plans/?status=done").content.decode()
    assert "共 1 条" in done and "独居0" in done and "独居1" not in done.split("<tbody>")[1]
    assert f"共 {mine.count()} 条" in c.get("/carevisits/plans/?worker=community").content.decode()
    assert "共 0 条" in c.get("/carevisits/plans/?worker=未分配").content.decode()


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("month=2026-13", "month"),
        ("status=lost", "status"),
        ("group=rich", "group"),
        ("region=" + COMMUNITY_B, "region"),
        ("sort=reasons", "sort"),
    ],
)
def test_a_bad_parameter_is_a_422_naming_it(users, client_for, plans, query, param):
    r = client_for(users["district"]).get(f"/carevisits/plans/?{query}")
    assert r.status_code == 422 and f"参数 {param}" in r.content.decode()


def test_the_export_is_the_filtered_set_with_names_and_audited(users, client_for, plans):
    c = client_for(users["district"])
    r = c.post("/carevisits/plans/?group=living_alone", {"purpose": "月度探访核对"})
    assert r.status_code == 200
    rows = sheet(r.content)
    assert rows[0][0] == "对象" and rows[0][-1] == "所属社区"
    assert sorted(row[0] for row in rows[1:]) == ["独居0", "独居1"]
    assert {row[-1] for row in rows[1:]} == {"文新街道 桂花社区"}
    event = AuditEvent.objects.get(action=AuditAction.LIST_EXPORT)
    assert event.detail["rows"] == 2 and event.purpose == "月度探访核对"


def test_scope_from_both_sides(users, client_for, plans):
    other = client_for(users["district_b"]).get("/carevisits/plans/").content.decode()
    far = VisitPlan.objects.filter(person=plans["far"]).count()
    assert f"共 {far} 条" in other and "西山独居" in other and "独居0" not in other
    rows = sheet(client_for(users["district_b"]).post("/carevisits/plans/", {"purpose": "核对"}).content)
    assert {row[0] for row in rows[1:]} == {"西山独居"}
    assert client_for(users["community"]).get("/carevisits/plans/").status_code == 403
    assert 'href="/carevisits/plans/"' in client_for(users["district"]).get("/").content.decode()
    assert 'href="/carevisits/plans/"' not in client_for(users["community"]).get("/").content.decode()


@pytest.fixture
def late(plans):
    """The first 独居's plan moved to last month's end: overdue; the B plan too."""
    due = today().replace(day=1) - datetime.timedelta(days=1)
    VisitPlan.objects.filter(person__in=[plans["alone"][0], plans["far"]]).update(
        period_start=due.replace(day=1), period_end=due
    )
    return due


def test_overdue_plans_on_the_component(users, client_for, plans, late):
    overdue = VisitPlan.objects.filter(
        region_code__startswith="339901", status="planned", period_end__lt=today()
    )
    weekly = overdue.filter(person=plans["poor"]).count()  # the 特困's past weeks of this month
    c = client_for(users["community"])
    html = c.get("/carevisits/overdue/").content.decode()
    assert f"共 {weekly + 1} 条" in html and "独居0" in html and "西山独居" not in html
    assert "补记探访" in html and "探访发现需跟进" in html
    assert 'id="list-export"' not in html  # a community worker does not export
    assert c.post("/carevisits/overdue/", {"purpose": "核对"}).status_code == 403
    assert c.get("/carevisits/overdue/?due_from=last-week").status_code == 422
    assert f"共 {weekly} 条" in c.get("/carevisits/overdue/?group=tekun").content.decode()
    assert "共 1 条" in c.get(f"/carevisits/overdue/?due_to={late.isoformat()}").content.decode()
    d = client_for(users["district"])
    rows = sheet(d.post("/carevisits/overdue/?group=living_alone", {"purpose": "督办"}).content)
    assert [row[0] for row in rows[1:]] == ["独居0"] and "操作" not in rows[0]
    assert AuditEvent.objects.get(action=AuditAction.LIST_EXPORT).detail["rows"] == 1
    other = client_for(users["district_b"]).get("/carevisits/overdue/").content.decode()
    assert "共 1 条" in other and "西山独居" in other and "独居0" not in other


@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport={"width": 390, "height": 844})
def test_the_overdue_list_is_cards_at_390_px(page, live_server, users, plans, late):
    browser_login(page, live_server.url, "community")
    page.goto(f"{live_server.url}/carevisits/overdue/")
    assert "独居0" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for box in (cell.bounding_box() for cell in page.locator(".staff-list tbody td").all()):
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert box["width"] >= 200, box  # a field on a line of its own, not a sliver of a column
