"""The staff pages of LTC care plans and the month's settlement: the lists (count, filters, Excel
export), a plan's page (entitlement, hours used, its orders), a settlement's page (lines, the visit
held back, the co-payment, the ledger posting) and the visits' list; outsiders refused."""

from carecircle.careathome.models.ltc import LtcSettlement
from tests.assessment.test_list_pages import sheet
from tests.careathome.test_ltc_care import _plan, ltc_world, settled_month  # noqa: F401 — fixture
from tests.careathome.test_ltc_process import _travel, assessors  # noqa: F401 — fixture
from tests.homecare.conftest import world  # noqa: F401 — fixture


def test_plan_list_and_page_from_both_sides(users, client_for, ltc_world):  # noqa: F811
    plan = _plan(users, ltc_world)
    name = plan.person.name
    html = client_for(users["community"]).get("/careathome/ltc/plans/").content.decode()
    assert "共 1 条" in html and name in html and "重度失能Ⅰ级" in html and "周一、周三、周五" in html
    assert "共 0 条" in client_for(users["district"]).get("/careathome/ltc/plans/?level=1").content.decode()
    assert (
        "共 1 条" in client_for(users["district"]).get("/careathome/ltc/plans/?current=yes").content.decode()
    )
    rows = sheet(client_for(users["street"]).post("/careathome/ltc/plans/", {"purpose": "核对"}).content)
    assert rows[0][:4] == ["老人", "所属社区", "失能等级", "服务机构"] and rows[1][0] == name
    assert "共 0 条" in client_for(users["district_b"]).get("/careathome/ltc/plans/").content.decode()
    assert client_for(users["caregiver"]).get("/careathome/ltc/plans/").status_code == 403
    page = client_for(users["community"]).get(f"/careathome/ltc/plans/{plan.pk}/").content.decode()
    assert "25 小时" in page and "70%" in page and "30%" in page and "0.0 小时" in page
    assert client_for(users["district_b"]).get(f"/careathome/ltc/plans/{plan.pk}/").status_code == 404


def test_settlement_pages_lines_and_export(users, client_for, ltc_world):  # noqa: F811
    plan, orders, month, s = settled_month(users, ltc_world)
    district = client_for(users["district"])
    html = district.get("/careathome/ltc/settlements/").content.decode()
    assert "共 1 条" in html and ltc_world["provider"].name in html and "已入账" in html
    assert "共 0 条" in district.get("/careathome/ltc/settlements/?posted=no").content.decode()
    rows = sheet(district.post("/careathome/ltc/settlements/", {"purpose": "核对"}).content)
    assert rows[0][:3] == ["结算月份", "服务机构", "所属地区"] and rows[1][0] == month.strftime("%Y-%m")
    assert rows[1][6] == float(s.fund_amount) and rows[1][8] == 1
    page = district.get(f"/careathome/ltc/settlements/{s.pk}/").content.decode()
    assert page.count("核验通过") >= 2 and "争议暂缓" in page and "已入账" in page
    assert f"¥{s.own_amount:,.2f}" in page and plan.person.name in page
    # the month's visits, exported from the settlement's link
    query = f"provider={ltc_world['provider'].name}&day_from={month}&day_to={month.replace(day=28)}"
    rows = sheet(district.post(f"/careathome/ltc/visits/?{query}", {"purpose": "核对"}).content)
    assert [r[-1] for r in rows[1:]] == ["争议暂缓", "核验通过"]
    # a community worker sees the plan's visits, not the provider's (district) settlement
    assert "共 0 条" in client_for(users["community"]).get("/careathome/ltc/settlements/").content.decode()
    assert client_for(users["district_b"]).get(f"/careathome/ltc/settlements/{s.pk}/").status_code == 404
    assert LtcSettlement.objects.count() == 1
