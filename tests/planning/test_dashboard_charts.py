"""The dashboard an official shows (issue 17, item 6): bullet charts of value against target with
the verdict in words and shapes, readable trends, the drill-down choropleth and its data, and the
printable one-page PDF summary (scoped and audited)."""

import datetime
import io
import json
import os
import re

import pytest

from carecircle.core.models import AuditEvent, Region
from carecircle.planning import charts, choropleth, services
from tests.conftest import COMMUNITY_A, COMMUNITY_A2
from tests.planning.conftest import today

DISTRICT, STREET, STREET2 = "339901000000", "339901001000", "339901002000"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[120.10, 30.28], [120.13, 30.28], [120.13, 30.30], [120.10, 30.30], [120.10, 30.28]]],
}


@pytest.fixture
def board(defaults, users, make_person):
    for _ in range(3):
        make_person(COMMUNITY_A, age=72)
    make_person(COMMUNITY_A2, age=66)
    make_person(COMMUNITY_A, age=1)
    services.targets_adopt(actor=users["admin"], from_region="330100000000", to_region="339900000000")
    for back, value in ((400, 82.4), (200, 82.9), (0, 83.3)):
        services.value_enter(
            actor=users["district"],
            indicator_code="E07",
            region_code=DISTRICT,
            day=today() - datetime.timedelta(days=back),
            value=value,
            source="区统计公报",
        )
    Region.objects.filter(code=STREET).update(boundary=SQUARE)  # 古荡街道 keeps none: drawn approximately
    return users


def _article(html: str, code: str) -> str:
    m = re.search(rf'<article class="ind" id="ind-{code}".*?</article>', html, re.S)
    assert m, code
    return m.group(0)


def test_each_indicator_is_a_bullet_chart_with_value_target_and_verdict_in_words(board, client_for):
    r = client_for(board["district"]).get(f"/planning/region/{DISTRICT}/")
    assert r.status_code == 200
    html = r.content.decode()
    shown = re.findall(r'<article class="ind" id="ind-(\w+)"', html)
    assert len(shown) == len(set(shown)) > 20
    listed = re.findall(r'<li id="ind-(\w+)"', html)  # neither value nor target: named, not charted
    assert listed and not set(listed) & set(shown) and "暂无数据且未设目标的指标" in html
    for code in shown:
        card = _article(html, code)
        assert card.count('<svg class="bullet"') == 1
        assert re.search(r"(✓ 达标|△ 接近目标|✗ 未达标|— 暂无数据|— 未设目标|— 无可比数据)</strong>", card), (
            code
        )
    e07 = _article(html, "E07")  # 人均预期寿命: entered 83.3, the target a number of years
    assert "83.3" in e07 and "83.30" in e07 and "目标" in e07
    svg = re.search(r'<svg class="bullet".*?</svg>', e07, re.S).group(0)
    assert 'class="bar"' in svg and ">83.3<" in svg.replace("岁", "")
    # a numeric target is drawn as a mark with its words, and the verdict is in the chart's label
    with_target = next(c for c in shown if 'class="target"' in _article(html, c))
    label = re.search(r'aria-label="([^"]+)"', _article(html, with_target)).group(1)
    assert "目标" in label and any(w in label for w in ("达标", "接近目标", "未达标"))
    # the trend is large: labelled points, dates on the axis, and the target line
    chart = re.search(r'<svg class="chart".*?</svg>', e07, re.S).group(0)
    assert chart.count("<circle") == 3 and chart.count('class="point"') == 3
    assert f"{today():%Y-%m-%d}" in chart and ">83.3<" in chart


def test_bullet_chart_says_met_by_shape_and_text():
    met = charts.bullet_chart(value=70, target=65, status="green", unit="%", target_text="≥65")
    behind = charts.bullet_chart(value=40, target=65, status="red", unit="%", target_text="≥65")
    assert "达标" in met and "未达标" in behind
    assert "<circle" in met and "<circle" not in behind  # a ticked circle against a cross
    assert ">70%<" in met and "目标 ≥65" in met
    empty = charts.bullet_chart(value=None, target=None, status="grey")
    assert "暂无数据" in empty and 'class="bar"' not in empty
    untargeted = charts.bullet_chart(value=12.0, target=None, status="grey")
    assert "未设目标" in untargeted and 'class="target"' not in untargeted
    rising = charts.bullet_chart(value=12.0, target=None, status="grey", target_text="持续提升")
    assert "无可比数据" in rising and "目标 持续提升" in rising


def test_trend_axis_has_round_values_and_no_negative_for_counts():
    assert charts.nice_ticks(2, 800) == [0, 200, 400, 600, 800]
    assert charts.nice_ticks(0.5, 4.42) == [0, 1, 2, 3, 4, 5]
    assert charts.nice_ticks(63.41, 63.41) == [62, 62.5, 63, 63.5, 64, 64.5]
    assert charts.nice_ticks(-3, 3) == [-4, -2, 0, 2, 4]


def test_filters_narrow_the_cards_and_refuse_nonsense(board, client_for):
    c = client_for(board["district"])
    html = c.get(f"/planning/region/{DISTRICT}/?domain=infant").content.decode()
    assert "<h2>托育服务主要指标</h2>" in html and "<h2>养老服务主要指标</h2>" not in html
    html = c.get(f"/planning/region/{DISTRICT}/?show=met").content.decode()
    assert set(re.findall(r'<article class="ind" id="ind-\w+" data-status="(\w+)"', html)) <= {"green"}
    r = c.get(f"/planning/region/{DISTRICT}/?show=everything")
    assert r.status_code == 422 and "显示" in r.content.decode()
    r = c.get(f"/planning/region/{DISTRICT}/?map=NOPE")
    assert r.status_code == 422 and "地图指标" in r.content.decode()


def test_choropleth_data_has_one_entry_per_child_region(board, client_for):
    r = client_for(board["district"]).get(f"/planning/region/{DISTRICT}/?map=E03")
    html = r.content.decode()
    m = re.search(r'<script id="choropleth-data" type="application/json">(.*?)</script>', html, re.S)
    assert m, "the map's data block"
    data = json.loads(m.group(1))
    children = list(Region.objects.filter(parent_id=DISTRICT).order_by("code"))
    assert [x["code"] for x in data["regions"]] == [c.code for c in children]
    assert [x["name"] for x in data["regions"]] == ["文新街道", "古荡街道"]
    assert data["indicator"]["code"] == "E03" and all(x["value"] is not None for x in data["regions"])
    by_code = {x["code"]: x for x in data["regions"]}
    assert by_code[STREET]["geometry"] == SQUARE and not by_code[STREET]["approximate"]
    assert by_code[STREET2]["approximate"] and by_code[STREET2]["geometry"]["type"] == "Polygon"
    for x in data["regions"]:  # the colour is the class of the value, named in the legend
        if x["value"] is not None:
            assert x["colour"] == choropleth.colour_of(x["value"], data["classes"])
    table = re.search(r'<table class="drill" id="choropleth-table">.*?</table>', html, re.S).group(0)
    assert "文新街道" in table and "古荡街道" in table
    assert '<ul class="legend"' in html and "无数据或不适用" in html


def test_hostile_child_names_stay_text_in_the_map_data_table_and_charts(board, client_for):
    evil = '<img src=x onerror="alert(1)">古荡'
    Region.objects.filter(code=STREET2).update(name=evil)
    html = client_for(board["district"]).get(f"/planning/region/{DISTRICT}/?map=E03").content.decode()
    assert evil not in html and "<img src=x" not in html
    data = json.loads(
        re.search(r'<script id="choropleth-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert evil in [x["name"] for x in data["regions"]]  # the script gets the name, as text for Leaflet


def test_classes_and_voronoi_cells():
    bounds = choropleth.classes([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert len(bounds) == 5 and bounds[0]["lo"] == 1.0 and bounds[-1]["hi"] == 6.0
    assert choropleth.colour_of(1.0, bounds) == bounds[0]["colour"]
    assert choropleth.colour_of(6.0, bounds) == bounds[-1]["colour"]
    assert choropleth.colour_of(None, bounds) == choropleth.NO_VALUE
    assert len(choropleth.classes([2.0, 2.0])) == 1
    cells = choropleth.voronoi_cells({"a": (30.0, 120.0), "b": (30.0, 120.1)})
    ring_a = cells["a"]["coordinates"][0]
    ring_b = cells["b"]["coordinates"][0]
    assert max(p[0] for p in ring_a) == pytest.approx(120.05, abs=1e-4)  # split half-way
    assert min(p[0] for p in ring_b) == pytest.approx(120.05, abs=1e-4)
    assert ring_a[0] == ring_a[-1]


def _pdf_text(content: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1  # one page for the meeting
    return reader.pages[0].extract_text()


def test_summary_pdf_names_region_and_indicators_and_is_audited(board, client_for):
    r = client_for(board["district"]).get(f"/planning/region/{DISTRICT}/summary.pdf?date={today()}")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    text = _pdf_text(r.content)
    assert "东湖区" in text and "人均预期寿命" in text and "83.3" in text
    assert str(today()) in text and "达标情况" in text
    event = AuditEvent.objects.filter(action="planning.export", region_code=DISTRICT).latest("id")
    assert event.detail["format"] == "pdf" and event.detail["day"] == str(today())


def test_summary_pdf_is_scoped(board, client_for):
    before = AuditEvent.objects.filter(action="planning.export").count()
    assert client_for(board["street"]).get(f"/planning/region/{DISTRICT}/summary.pdf").status_code == 404
    assert client_for(board["district_b"]).get(f"/planning/region/{DISTRICT}/summary.pdf").status_code == 404
    assert AuditEvent.objects.filter(action="planning.export").count() == before
    r = client_for(board["street"]).get(f"/planning/region/{STREET}/summary.pdf")
    assert r.status_code == 200 and "文新街道" in _pdf_text(r.content)
    r = client_for(board["district"]).get(f"/planning/region/{DISTRICT}/summary.pdf?date=2025-13-01")
    assert r.status_code == 422


def test_summary_keeps_to_one_page_when_indicators_overflow(board):
    from carecircle.planning import selectors, summary

    data = selectors.dashboard(user=board["district"], region_code=DISTRICT, day=today())
    many = dict(data)
    many["indicators"] = [dict(r, code=f"{r['code']}-{i}") for i in range(3) for r in data["indicators"]]
    listed = [r for r in many["indicators"] if r["applicable"] and (r["value"] is not None or r["target"])]
    rows, left_out, empty = summary.rows_for_page(many, 60)
    assert len(listed) > 60 and len(rows) == 60 and left_out == len(listed) - 60
    assert empty == len([r for r in many["indicators"] if r["applicable"]]) - len(listed)
    assert sum(r["target"] is None for r in rows) <= max(0, 60 - sum(r["target"] is not None for r in listed))
    text = _pdf_text(summary.pdf_bytes(many))
    assert "未列出" in text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport={"width": 1366, "height": 900})
def test_dashboard_draws_charts_and_choropleth_in_a_browser(page, live_server, users, make_person):
    from tests.conftest import browser_login

    services.indicators_load_defaults()
    services.targets_adopt(actor=users["admin"], from_region="330100000000", to_region="339900000000")
    make_person(COMMUNITY_A, age=81)
    make_person(COMMUNITY_A2, age=66)
    Region.objects.filter(code=STREET).update(boundary=SQUARE)
    browser_login(page, live_server.url, "district")
    page.goto(f"{live_server.url}/planning/region/{DISTRICT}/?map=E03")
    assert page.locator("article.ind svg.bullet").count() > 20
    page.wait_for_selector("#choropleth path.choro-region")
    shapes = page.locator("#choropleth path.choro-region")
    assert shapes.count() == 2  # 文新街道 by its boundary, 古荡街道 approximated from its centre
    labels = {shapes.nth(i).get_attribute("aria-label") for i in range(2)}
    assert any(x.startswith("文新街道：") for x in labels) and any(x.startswith("古荡街道：") for x in labels)
    shapes.first.focus()  # a keyboard user gets the same tooltip as a pointer
    assert page.locator(".leaflet-tooltip").count() == 1
    page.select_option("#map-indicator", "E01")  # choosing another indicator redraws the map
    page.wait_for_url("**map=E01**")
    page.wait_for_selector("#choropleth path.choro-region")
    assert "养老机构护理型床位占比" in page.locator("#drill h3").inner_text()
    shots = os.environ.get("CARECIRCLE_SCREENSHOTS", "")
    if shots:
        page.screenshot(path=f"{shots}/planning-dashboard-charts.png", full_page=True)
