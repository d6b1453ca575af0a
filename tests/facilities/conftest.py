import pytest

from tests.conftest import COMMUNITY_A, COMMUNITY_B

ALL_DOCS = {
    "business_licence": "证书 001",
    "site_proof": "租赁合同",
    "fire_safety": "消防备案 01",
    "building_safety": "鉴定报告",
    "food_licence": "JY001",
    "health_inspection": "卫评 01",
    "staff_list": "名单",
    "commitment": "承诺书",
    "closure_plan": "安置方案",
}


@pytest.fixture
def operator(users):
    from carecircle.facilities.services import operator_create

    return operator_create(
        actor=users["admin"], name="东湖康养集团", credit_code="91330100MA2AAAAA0X", region_code=COMMUNITY_A
    )


@pytest.fixture
def make_facility(users, operator):
    """make_facility(kind, filed=True, region=..., **fields) -> a facility, filed and approved by default."""
    from carecircle.facilities.services import facility_apply, filing_review

    counter = {"n": 0}

    def make(kind="nursing_public", filed=True, region=COMMUNITY_A, op=None, **fields):
        counter["n"] += 1
        base = {"latitude": 30.29, "longitude": 120.12}
        base.update(fields)
        filing = facility_apply(
            actor=users["admin"],
            operator=op or operator,
            kind=kind,
            name=fields.pop("name", f"设施{counter['n']}"),
            address="文新路1号",
            region_code=region,
            documents=ALL_DOCS,
            **{k: v for k, v in base.items() if k != "name"},
        )
        if filed:
            approver = users["admin"] if region != COMMUNITY_B else users["district_b"]
            filing_review(actor=approver, filing=filing, approve=True)
        filing.facility.refresh_from_db()
        return filing.facility

    return make
