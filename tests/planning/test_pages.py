"""Pages and API endpoints: figures scoped by region, JSON, Excel, charts and maps, projection."""

import datetime
import io
from collections import Counter

import pytest

from carecircle.core.models import AuditEvent
from carecircle.planning import projection, services
from tests.conftest import COMMUNITY_A, COMMUNITY_A2
from tests.planning.conftest import today

DISTRICT, STREET, STREET2 = "339901000000", "339901001000", "339901002000"


@pytest.fixture
def board(defaults, users, make_person):
    for _ in range(3):
        make_person(COMMUNITY_A, age=72)
    make_person(COMMUNITY_A2, age=66)
    make_person(COMMUNITY_A, age=1)
    services.targets_adopt(actor=users["admin"], from_region="330100000000", to_region="339900000000")
    services.value_enter(
        actor=users["district"],
        indicator_code="E07",
        region_code=DISTRICT,
        day=today(),
        value=83.1,
        source="区统计公报",
    )
    return users


def test_district_dashboard_drills_into_its_streets(board, client_for):
    r = client_for(board["district"]).get(f"/planning/region/{DISTRICT}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "每千人拥有3岁以下婴幼儿托位数" in html and "人均预期寿命" in html and "83.10" in html
    assert "文新街道" in html and "古荡街道" in html  # the children columns
    assert "人工填报" in html and "生成本日快照" in html


def test_street_dashboard_shows_its_own_numbers(board, client_for):
    c = client_for(board["street"])
    r = c.get(f"/planning/region/{STREET}/")
    assert r.status_code == 200 and "文新街道" in r.content.decode()
    assert "生成本日快照" not in r.content.decode()  # street workers enter figures, officials snapshot
    assert c.get(f"/planning/region/{DISTRICT}/").status_code == 404  # above their street
    assert c.get(f"/planning/region/{STREET2}/").status_code == 404
    assert c.get("/planning/").url.endswith(f"/planning/region/{STREET}/")


def test_values_api(board, client_for):
    c = client_for(board["district"])
    r = c.get(f"/api/v1/indicators/values?region={DISTRICT}&date={today()}")
    assert r.status_code == 200
    body = r.json()
    assert body["region"]["code"] == DISTRICT
    rows = {i["code"]: i for i in body["indicators"]}
    assert rows["E07"]["value"] == 83.1 and rows["E07"]["status"] in ("green", "amber", "red", "grey")
    assert {k["code"] for k in rows["E01"]["children"]} == {STREET, STREET2}
    assert rows["C01"]["target"]["source"].startswith("参照")
    assert c.get("/api/v1/indicators/values?region=339902000000").status_code == 404
    assert c.get(f"/api/v1/indicators/values?region={DISTRICT}&date=2025-13-01").json()["field"] == "date"
    r = c.post(
        "/api/v1/indicators/values",
        data={
            "indicator": "E05",
            "region": DISTRICT,
            "date": "2025-12-31",
            "value": 64.2,
            "source": "卫健委年报",
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["value"] == 64.2
    r = c.post(
        "/api/v1/indicators/values",
        data={
            "indicator": "E05",
            "region": DISTRICT,
            "date": "2025-12-31",
            "value": 164.2,
            "source": "卫健委年报",
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "value"
    r = c.post("/api/v1/indicators/snapshots", data={"region": DISTRICT}, content_type="application/json")
    assert r.status_code == 200 and r.json()["stored"] >= 0


def test_excel_export_is_audited(board, client_for):
    from openpyxl import load_workbook

    r = client_for(board["district"]).get(f"/planning/region/{DISTRICT}/export.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    assert ws["B1"].value == "东湖区"
    names = [row[1].value for row in ws.iter_rows(min_row=3)]
    assert "人均预期寿命" in names and "普惠性托位占比" in names
    assert AuditEvent.objects.filter(action="planning.export", region_code=DISTRICT).exists()


def test_indicator_page_has_chart_and_map(board, client_for, users):
    day1 = today() - datetime.timedelta(days=60)
    services.value_enter(
        actor=users["district"],
        indicator_code="E07",
        region_code=DISTRICT,
        day=day1,
        value=82.0,
        source="公报",
    )
    from carecircle.core.models import Region

    square = {
        "type": "Polygon",
        "coordinates": [[[120.11, 30.28], [120.13, 30.28], [120.13, 30.30], [120.11, 30.28]]],
    }
    Region.objects.filter(code=STREET).update(boundary=square)
    r = client_for(board["district"]).get(f"/planning/region/{DISTRICT}/indicator/E07/")
    html = r.content.decode()
    assert r.status_code == 200 and "<svg" in html and "<path" in html and "leaflet/leaflet.js" in html
    assert '"boundary": {"type": "Polygon"' in html  # the street's outline goes to the map
    assert (
        client_for(board["district"]).get(f"/planning/region/{DISTRICT}/indicator/NOPE/").status_code == 404
    )


def test_manual_entry_form(board, client_for):
    c = client_for(board["street"])
    r = c.post(
        f"/planning/region/{STREET}/values/",
        {"indicator": "B01", "day": "2026-01-01", "value": "abc", "source": "台账"},
        follow=True,
    )
    assert "数值应为数字" in r.content.decode()
    r = c.post(
        f"/planning/region/{STREET}/values/",
        {"indicator": "B01", "day": "2026-01-01", "value": "8000", "source": ""},
        follow=True,
    )
    assert "请注明数据来源" in r.content.decode()
    r = c.post(
        f"/planning/region/{STREET}/values/",
        {"indicator": "B01", "day": "2026-01-01", "value": "8000", "source": "街道台账"},
        follow=True,
    )
    assert "已保存" in r.content.decode()


def test_cohort_projection_arithmetic():
    rows = projection.project(Counter({60: 1000, 90: 100}), Counter({0: 30, 1: 30, 2: 30}), years=2)
    q60, q61, q90, q91 = (projection.death_rate(a) for a in (60, 61, 90, 91))
    assert rows[0]["elders"] == 1100 and rows[0]["seniors80"] == 100 and rows[0]["infants"] == 90
    assert rows[1]["elders"] == pytest.approx(1000 * (1 - q60) + 100 * (1 - q90) + 1000)
    assert rows[2]["elders"] == pytest.approx(
        1000 * (1 - q60) * (1 - q61) + 100 * (1 - q90) * (1 - q91) + 1000 * (1 - q60) + 1000
    )
    assert rows[2]["infants"] == pytest.approx(90)
    assert 0.005 < q60 < 0.006 and 0.09 < projection.death_rate(90) < 0.1


def test_projection_page_and_api(board, client_for, users):
    services.value_enter(
        actor=users["district"],
        indicator_code="B01",
        region_code=DISTRICT,
        day=today(),
        value=20000,
        source="统计",
    )
    c = client_for(board["district"])
    body = c.get(f"/api/v1/projection?region={DISTRICT}").json()
    assert body["rows"][0]["elders"] == 4 and len(body["rows"]) == 6
    needs = {n["what"]: n for n in body["needs"]}
    # Hangzhou's 2035 托位 target (10 per 1,000) applies five years on
    assert needs["托位"]["rate"] == 10 and needs["托位"]["required"] == 200
    r = c.get(f"/planning/region/{DISTRICT}/projection/")
    assert r.status_code == 200 and "29000" in r.content.decode() and "Gompertz" in r.content.decode()
    # 2035's 认知障碍床位 target is qualitative: the 2025 figure (20 per 10,000) is held
    assert needs["认知障碍床位"]["rate"] == 20 and "按2025年数值保持" in needs["认知障碍床位"]["source"]
    assert client_for(users["street_b"]).get(f"/api/v1/projection?region={DISTRICT}").status_code == 404


def test_coverage_pages(board, client_for, users):
    from tests.planning.scope_factories import _run

    class Ctx:
        pass

    ctx = Ctx()
    ctx.users = users
    run = _run(ctx)
    c = client_for(users["district"])
    r = c.get("/planning/coverage/")
    assert r.status_code == 200 and "开始测算" in r.content.decode()
    r = c.get(f"/planning/coverage/{run.pk}/")
    assert r.status_code == 200 and "选址" in r.content.decode()
    api = c.get(f"/api/v1/coverage/runs/{run.pk}").json()
    assert api["population"] == run.population and isinstance(api["cells"], list)
    assert client_for(users["street_b"]).get(f"/api/v1/coverage/runs/{run.pk}").status_code == 404
    r = c.post(f"/planning/coverage/{run.pk}/siting/", {"new_sites": "1", "candidates": "communities"})
    assert r.status_code == 302
    page = c.get(r.url)
    assert page.status_code == 200 and "建设前后对比" in page.content.decode()


def test_target_form_and_api(board, client_for):
    c = client_for(board["district"])
    r = c.post(
        f"/planning/region/{DISTRICT}/targets/",
        {"indicator": "E01", "year": "2027", "op": ">=", "value": "70", "source": "东湖区规划"},
        follow=True,
    )
    assert "目标已保存" in r.content.decode()
    r = c.post(
        f"/planning/region/{DISTRICT}/targets/",
        {"indicator": "E01", "year": "x", "op": ">=", "value": "70", "source": "东湖区规划"},
        follow=True,
    )
    assert "目标值和年份应为数字" in r.content.decode()
    r = c.post(f"/planning/region/{DISTRICT}/targets/adopt/", {"adopt": "qujing"}, follow=True)
    assert "已采用" in r.content.decode()
    from carecircle.planning.models import IndicatorTarget

    assert IndicatorTarget.objects.get(indicator__code="E01", region_code=DISTRICT, year=2025).value == 55
    r = c.post(
        "/api/v1/indicators/targets",
        data={
            "indicator": "C01",
            "region": DISTRICT,
            "year": 2026,
            "op": ">=",
            "value": 5.0,
            "source": "区卫健局",
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["value"] == 5.0
    street = client_for(board["street"])  # street workers do not set targets
    assert street.post(f"/planning/region/{STREET}/targets/adopt/", {"adopt": "qujing"}).status_code == 403


def test_every_seed_city_can_be_adopted_from_the_page(board, client_for):
    """The adopt form offers the targets of all five seeds' cities; Yizhou's reach the region."""
    from carecircle.planning.models import IndicatorTarget

    c = client_for(board["district"])
    page = c.get(f"/planning/region/{DISTRICT}/").content.decode()
    for label in ("杭州市方案", "嘉兴市意见", "曲靖市方案", "伊州区方案", "合川区方案"):
        assert label in page
    r = c.post(f"/planning/region/{DISTRICT}/targets/adopt/", {"adopt": "yizhou"}, follow=True)
    assert "已采用" in r.content.decode()
    assert IndicatorTarget.objects.filter(region_code=DISTRICT, source__contains="Yizhou").exists()
