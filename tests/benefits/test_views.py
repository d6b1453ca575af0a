import datetime

import pytest

from carecircle.benefits import services
from carecircle.benefits.models import Appeal, Batch
from carecircle.registry.services import family_contact_add
from tests.benefits.conftest import born, today


@pytest.fixture
def elder(funded, make_person):
    return make_person(birth=born(85, today(), 40), name="王秀英")


def test_staff_run_review_approve_and_export_through_pages(elder, users, client_for):
    street = client_for(users["street"])
    r = street.post(
        "/benefits/",
        {"month": "2026-11", "programme_code": "GAOLING", "region_code": "339901001000", "lookback": "0"},
    )
    assert r.status_code == 302
    batch = Batch.objects.get()
    page = street.get(f"/benefits/payrolls/{batch.pk}/").content.decode()
    assert "王秀英" in page and "50.00" in page and "审批通过" not in page
    bad = street.post("/benefits/", {"month": "2026/11", "region_code": "339901001000"})
    assert "月份格式应为 YYYY-MM" in bad.content.decode()
    district = client_for(users["district"])
    assert "审批通过" in district.get(f"/benefits/payrolls/{batch.pk}/").content.decode()
    district.post(f"/benefits/payrolls/{batch.pk}/approve/", {"note": "核对无误"})
    batch.refresh_from_db()
    assert batch.state == "approved" and batch.approved_by == users["district"]
    r = district.get(f"/benefits/payrolls/{batch.pk}/bank-file.csv")
    assert r.status_code == 200 and elder.id_number in r.content.decode("utf-8-sig")


def test_programme_edit_refuses_bad_rule_with_position(programmes, users, client_for):
    admin = client_for(users["admin"])
    p = programmes["GAOLING"]
    before = p.target_rule
    r = admin.post(
        f"/benefits/programmes/{p.pk}/",
        {
            "name": p.name,
            "target_rule": "age >= 80 &&\n agee < 100",
            "tiers": "80-89 |  | 50",
            "tier_mode": "first",
            "cap": "",
            "valid_from": "2025-01-01",
            "valid_to": "",
            "active": "on",
        },
    )
    body = r.content.decode()
    assert r.status_code == 422 and "第2行第2列" in body and "未知的事实：agee" in body
    p.refresh_from_db()
    assert p.target_rule == before  # nothing saved
    r = admin.post(
        f"/benefits/programmes/{p.pk}/",
        {
            "name": p.name,
            "target_rule": "age >= 80",
            "tiers": "全部 |  | 60",
            "tier_mode": "first",
            "cap": "",
            "valid_from": "2025-01-01",
            "valid_to": "",
            "active": "on",
        },
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.target_rule == "age >= 80" and [t.amount for t in p.tiers.all()] == [60]


def test_resident_sees_own_entitlements_and_appeals(elder, users, client_for):
    link = family_contact_add(
        actor=users["admin"], person=elder, name="王小明", relation="儿子", user=users["resident"]
    )
    link.link_state = "active"  # a consented link (portal: confirmed by the person or verified by a worker)
    link.save(update_fields=["link_state"])
    resident = client_for(users["resident"])
    page = resident.get("/benefits/mine/").content.decode()
    assert "王秀英" in page and "高龄津贴" in page and "年满80周岁" in page and "age &gt;= 80" not in page
    api = resident.get("/api/v1/benefits/mine").json()
    assert api[0]["name"] == "王秀英"
    assert any(e["programme_code"] == "GAOLING" and e["eligible"] for e in api[0]["entitlements"])
    r = resident.post(
        f"/benefits/people/{elder.pk}/",
        {"programme": "CARE_SUBSIDY", "month": "2026-11", "reason": "家庭经济困难，低保正在审批"},
    )
    assert r.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.filed_by == users["resident"] and appeal.route_region == "339901000000"
    # another resident account sees nothing of this family
    from tests.conftest import make_user

    stranger = client_for(make_user("stranger", "resident", "339901001001"))
    assert stranger.get(f"/benefits/people/{elder.pk}/").status_code == 404
    assert "王秀英" not in stranger.get("/benefits/mine/").content.decode()


def test_eligibility_api_and_appeal_decision(elder, users, client_for):
    r = client_for(users["community"]).get(f"/api/v1/benefits/persons/{elder.pk}/eligibility?day=2026-11-01")
    rows = {x["programme_code"]: x for x in r.json()}
    assert rows["GAOLING"]["eligible"] and rows["GAOLING"]["amount"] == "50.00"
    assert rows["GAOLING"]["trace"][0]["condition"] == "age >= 80"
    r = client_for(users["community"]).post(
        "/api/v1/benefits/appeals",
        {
            "person_id": elder.pk,
            "programme": "GAOLING",
            "month": "2026-11",
            "reason": "低保已批准，系统未更新",
        },
        content_type="application/json",
    )
    assert r.status_code == 201
    appeal_id = r.json()["id"]
    r = client_for(users["district"]).post(
        f"/benefits/appeals/{appeal_id}/decide/",
        {"grant": "grant", "amount": "200", "reason": "经核实低保自10月起", "grant_from": "2026-10-01"},
    )
    assert r.status_code == 302
    appeal = Appeal.objects.get(pk=appeal_id)
    assert appeal.state == "granted" and appeal.grant_from == datetime.date(2026, 10, 1)
    batches = services.payroll_run(
        actor=users["street"], month="2026-11", region_code="339901001000", programme_code="GAOLING"
    )  # a cash programme: the payroll pays its arrears
    assert sorted(batches[0].payments.values_list("period", "amount")) == [("2026-10", 200), ("2026-11", 200)]


def test_funds_page_and_balances(funded, users, client_for):
    page = client_for(users["admin"]).get("/benefits/funds/").content.decode()
    assert "福利彩票公益金" in page and "¥10,000,000.00" in page and "✓" in page
    assert client_for(users["district_b"]).get("/benefits/funds/").status_code == 200
    rows = client_for(users["admin"]).get("/api/v1/benefits/funds/balances").json()
    assert sum(float(r["total"]) for r in rows) == 0
