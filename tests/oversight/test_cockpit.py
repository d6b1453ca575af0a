"""The 一网统管 cockpit (issue 20 item 7): its figures match a count by hand, its scope holds from
both sides, its lists export to Excel, and its queries do not grow with the number of units."""

import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from carecircle.oversight import cockpit
from carecircle.oversight.models import (
    DrawnUnit,
    DrawPlan,
    EarlyWarning,
    Finding,
    FindingState,
    Inspection,
    Unit,
    WarningRule,
)
from tests.conftest import COMMUNITY_A, COMMUNITY_A2, COMMUNITY_B
from tests.oversight.factories import hazard_finding, make_unit

pytestmark = pytest.mark.django_db

GUDANG = "339901002001"  # 星洲社区, 古荡街道, 东湖区


def _warning(unit, state="open", late=False):
    rule, _c = WarningRule.objects.get_or_create(
        name="测试规则", defaults={"subject_kind": "unit", "expression": "true", "level": "medium"}
    )
    today = timezone.localdate()
    return EarlyWarning.objects.create(
        rule=rule,
        subject_kind="unit",
        subject_key=str(unit.pk),
        subject_name=unit.name,
        unit=unit,
        region_code=unit.region_code,
        period=today.strftime("%Y-%m"),
        level="medium",
        raised_at=timezone.now(),
        deadline=today - datetime.timedelta(days=3) if late else today + datetime.timedelta(days=10),
        state=state,
    )


@pytest.fixture
def world(users):
    """Units in three communities of 东湖区 and one of 西山区, with warnings, inspections, findings."""
    a = [make_unit(COMMUNITY_A, grade=g, name=f"桂花{g}{i}") for i, g in enumerate("AABCD")]
    a2 = [make_unit(COMMUNITY_A2, grade=g, name=f"丹枫{g}") for g in "BC"]
    gd = [make_unit(GUDANG, grade="D", name="星洲D")]
    b = [make_unit(COMMUNITY_B, grade="D", name="和睦养老院")]
    for u, (lat, lng) in zip(a + a2 + gd + b, [(30.29 + i / 1000, 120.12) for i in range(9)], strict=True):
        Unit.objects.filter(pk=u.pk).update(latitude=lat, longitude=lng)
    Unit.objects.filter(pk=a[0].pk).update(latitude=None, longitude=None)  # shown at its community's centre
    gone = make_unit(COMMUNITY_A, grade="D", name="已注销单位")
    Unit.objects.filter(pk=gone.pk).update(active=False)
    _warning(a[4])
    _warning(a2[1], late=True)
    _warning(a[3], state="dismissed")
    _warning(b[0])
    # findings: a hazard (suspends a[4]), an overdue one on a2[0], a closed one on gd[0], one in 西山区
    hazard_finding(a[4].kind, a[4].source_id, COMMUNITY_A)
    late = hazard_finding(a2[0].kind, a2[0].source_id, COMMUNITY_A2)
    Finding.objects.filter(pk=late.pk).update(
        severity="minor", deadline=timezone.localdate() - datetime.timedelta(days=5)
    )
    done = hazard_finding(gd[0].kind, gd[0].source_id, GUDANG)
    Finding.objects.filter(pk=done.pk).update(state=FindingState.CLOSED)
    hazard_finding(b[0].kind, b[0].source_id, COMMUNITY_B)
    # one more drawn unit in 东湖区 still to be inspected
    plan = DrawPlan.objects.filter(region_code=COMMUNITY_A).first()
    drawn = DrawnUnit.objects.create(
        plan=plan, unit=a[1], region_code=COMMUNITY_A, reason="share", ticket=0.1
    )
    Inspection.objects.create(drawn=drawn, unit=a[1], region_code=COMMUNITY_A, state="on_site")
    return {"a": a, "a2": a2, "gd": gd, "b": b}


def _by_hand(prefix):
    today = timezone.localdate()
    units = [u for u in Unit.objects.all() if u.active and u.region_code.startswith(prefix)]
    open_findings = [
        f for f in Finding.objects.all() if f.region_code.startswith(prefix) and f.state != "closed"
    ]
    inspections = [i for i in Inspection.objects.all() if i.region_code.startswith(prefix)]
    warnings = [w for w in EarlyWarning.objects.all() if w.region_code.startswith(prefix)]
    return {
        "units": len(units),
        "grades": {g: sum(1 for u in units if u.credit_grade == g) for g in "ABCD"},
        "warnings": sum(1 for w in warnings if w.state in ("open", "to_inspect")),
        "warnings_overdue": sum(
            1 for w in warnings if w.state in ("open", "to_inspect") and w.deadline < today
        ),
        "drawn": sum(1 for d in DrawnUnit.objects.all() if d.region_code.startswith(prefix)),
        "done": sum(1 for i in inspections if i.state in ("submitted", "confirmed")),
        "confirmed": sum(1 for i in inspections if i.state == "confirmed"),
        "findings": len(open_findings),
        "overdue": sum(1 for f in open_findings if f.deadline < today),
        "suspended": len({f.unit_id for f in open_findings if f.severity == "hazard"}),
    }


def _as_dict(fig):
    return {
        k: getattr(fig, k)
        for k in (
            "units",
            "warnings",
            "warnings_overdue",
            "drawn",
            "done",
            "confirmed",
            "findings",
            "overdue",
            "suspended",
        )
    } | {"grades": {g: fig.grades.get(g, 0) for g in "ABCD"}}


def test_the_figures_match_a_count_by_hand_for_the_district_and_each_street(users, world):
    area = cockpit.area_for(users["district"])
    assert area.code == "339901000000"
    fig = cockpit.figures(area)
    expected = _by_hand("339901")
    assert _as_dict(fig) == expected
    # the figures of this fixture, spelled out: 8 units, 2 open warnings (1 late), 1 suspended ...
    assert (fig.units, fig.warnings, fig.warnings_overdue, fig.findings, fig.overdue, fig.suspended) == (
        8,
        2,
        1,
        2,
        1,
        1,
    )
    assert (fig.drawn, fig.done, fig.confirmed) == (4, 3, 3)
    rows = {r.code: r for r in cockpit.breakdown(cockpit.children(area))}
    assert set(rows) == {"339901001000", "339901002000"}
    assert _as_dict(rows["339901001000"]) == _by_hand("339901001")
    assert _as_dict(rows["339901002000"]) == _by_hand("339901002")
    # drill-down to a community
    community = cockpit.area_for(users["district"], COMMUNITY_A2)
    assert _as_dict(cockpit.figures(community)) == _by_hand(COMMUNITY_A2)
    assert community.parent == "339901001000"


def test_the_map_has_every_unit_with_its_grade_warnings_and_suspension(users, world):
    points = {p["name"]: p for p in cockpit.map_units(cockpit.area_for(users["district"]))}
    assert "和睦养老院" not in points and "已注销单位" not in points
    assert len(points) == 8
    assert (
        points["桂花D4"]["suspended"]
        and points["桂花D4"]["warnings"] == 1
        and points["桂花D4"]["grade"] == "D"
    )
    assert points["桂花C3"]["warnings"] == 0  # its warning was dismissed
    assert (points["桂花A0"]["lat"], points["桂花A0"]["lng"]) == (30.291, 120.121)  # 桂花社区's centre


def _on_map(html):
    """The names of the units the page's map shows (its json_script block)."""
    block = html.split('id="cockpit-points" type="application/json">', 1)[1].split("</script>", 1)[0]
    return {p["name"] for p in json.loads(block)}


def test_the_page_for_an_insider_and_refusals_for_outsiders(users, world, client_for):
    district = client_for(users["district"])
    page = district.get("/oversight/cockpit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "东湖区" in html and "文新街道" in html and "古荡街道" in html
    assert {"桂花D4", "星洲D"} <= _on_map(html) and "和睦养老院" not in _on_map(html)
    street = district.get("/oversight/cockpit/", {"region": "339901001000"})
    assert street.status_code == 200 and "星洲D" not in _on_map(street.content.decode())
    # an official of another district: refused 东湖区, and sees only their own by default
    other = client_for(users["district_b"])
    assert other.get("/oversight/cockpit/", {"region": "339901000000"}).status_code in (403, 404)
    assert other.get("/oversight/cockpit/", {"region": COMMUNITY_A}).status_code in (403, 404)
    own = other.get("/oversight/cockpit/").content.decode()
    assert _on_map(own) == {"和睦养老院"} and "东湖区" not in own
    for name in ("regions", "findings", "suspended", "plans"):
        shown = other.get(f"/oversight/cockpit/{name}/").content.decode()
        assert "桂花" not in shown and "丹枫" not in shown and "文新街道" not in shown, name
    # the inspector of 东湖区 sees it; a street worker (no cockpit) is refused
    assert client_for(users["inspector"]).get("/oversight/cockpit/").status_code == 200
    assert client_for(users["street"]).get("/oversight/cockpit/").status_code == 403
    assert district.get("/oversight/cockpit/", {"region": "12345"}).status_code == 422
    assert district.get("/oversight/cockpit/", {"region": "不存在的街道"}).status_code == 422


def _sheet(body):
    book = load_workbook(io.BytesIO(body), read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_every_list_exports_to_excel_with_the_same_rows(users, world, client_for):
    c = client_for(users["district"])
    rows = _sheet(
        c.post("/oversight/cockpit/findings/?region=339901000000&overdue=yes", {"purpose": "督办"}).content
    )
    assert rows[0][:3] == ["检查对象", "类别", "所属社区"]
    assert [r[0] for r in rows[1:]] == ["丹枫B"]
    assert rows[1][-1] == 5  # days overdue
    rows = _sheet(c.post("/oversight/cockpit/suspended/", {"purpose": "督办"}).content)
    assert [r[0] for r in rows[1:]] == ["桂花D4"]
    rows = _sheet(c.post("/oversight/cockpit/regions/?parent=339901000000", {"purpose": "统计"}).content)
    header, body = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert "监管对象" in header and set(body) == {"文新街道", "古荡街道"}
    assert (
        body["文新街道"]["监管对象"] == 7
        and body["文新街道"]["逾期整改"] == 1
        and body["古荡街道"]["D级"] == 1
    )
    rows = _sheet(c.post("/oversight/cockpit/plans/", {"purpose": "统计"}).content)
    assert len(rows) == 1 + DrawPlan.objects.filter(region_code__startswith="339901").count()


def test_the_queries_do_not_grow_with_the_number_of_units(users, world, client_for):
    c = client_for(users["district"])
    c.get("/oversight/cockpit/")  # warm caches (grants, regions)

    def queries():
        with CaptureQueriesContext(connection) as seen:
            assert c.get("/oversight/cockpit/").status_code == 200
        return len(seen)

    before = queries()
    for i in range(40):
        u = make_unit(COMMUNITY_A2 if i % 2 else GUDANG, grade="ABCD"[i % 4], name=f"新增{i}")
        _warning(u)
        hazard_finding(u.kind, u.source_id, u.region_code)
    assert queries() == before
