"""The caregiver list on the list component (core/lists.py): count, sort, filters, bad parameters,
export of exactly the filtered rows with names, the audit row, masking, scope from both sides."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent, RoleGrant
from carecircle.workforce import services
from tests.conftest import COMMUNITY_A, COMMUNITY_B

pytestmark = pytest.mark.django_db


def sheet(body):
    return [
        list(r)
        for r in load_workbook(io.BytesIO(body), read_only=True).worksheets[0].iter_rows(values_only=True)
    ]


@pytest.fixture
def carers(users):
    RoleGrant.objects.filter(user=users["provider"]).update(
        organisation_kind="homecare_provider", organisation_id=501
    )

    def carer(name, org=501, region=COMMUNITY_A, start=datetime.date(2020, 1, 1), **kw):
        return services.caregiver_create(
            actor=users["admin"],
            organisation_id=org,
            region_code=region,
            name=name,
            employed_from=start,
            **kw,
        )

    made = {
        "a": carer("甲护理", phone="13600001111"),
        "b": carer("乙护理", start=datetime.date(2024, 6, 1)),
        "c": carer("丙护理", org=777),
        "west": carer("西护理", org=888, region=COMMUNITY_B),
    }
    services.certificate_add(
        actor=users["admin"], caregiver=made["a"], kind="elder_care", level=3, valid_from="2021-01-01"
    )
    return made


def test_count_sort_filter(users, client_for, carers):
    c = client_for(users["street"])
    html = c.get("/workforce/").content.decode()
    assert "共 3 条" in html and "西护理" not in html
    assert "三级/高级工" in html and "文新街道 桂花社区" in html
    newest = c.get("/workforce/?sort=-employed_from").content.decode().split("<tbody>")[1]
    assert "乙护理" in newest.split("</tr>")[0]
    assert "共 1 条" in c.get("/workforce/?level=3").content.decode()
    assert "共 1 条" in c.get("/workforce/?employed_from=2024-01-01").content.decode()
    assert "共 3 条" in c.get("/workforce/?employment=employed").content.decode()
    assert "共 0 条" in c.get("/workforce/?employment=left").content.decode()


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("sort=phone", "sort"),
        ("level=9", "level"),
        ("employment=x", "employment"),
        ("employed_to=昨天", "employed_to"),
    ],
)
def test_bad_parameters_are_422(users, client_for, carers, query, param):
    response = client_for(users["street"]).get(f"/workforce/?{query}")
    assert response.status_code == 422 and f"参数 {param}" in response.content.decode()


def test_export_is_the_filtered_rows_masked_and_audited(users, client_for, carers):
    c = client_for(users["street"])
    rows = sheet(c.post("/workforce/?sort=name&employed_to=2023-01-01", {"purpose": "持证核查"}).content)
    assert rows[0][:4] == ["姓名", "养老护理员等级", "健康证", "联系电话"]
    assert sorted(r[0] for r in rows[1:]) == ["丙护理", "甲护理"]  # not 乙 (2024), not 西 (out of scope)
    assert "136****1111" in {r[3] for r in rows[1:]} and rows[1][4] == "文新街道 桂花社区"
    event = AuditEvent.objects.get(action=AuditAction.LIST_EXPORT)
    assert event.detail["rows"] == 2 and event.detail["list"] == "workforce.caregivers"
    assert event.user == users["street"] and event.purpose == "持证核查"


def test_provider_admin_sees_and_exports_only_their_own_and_never_in_clear(users, client_for, carers):
    c = client_for(users["provider"])
    html = c.get("/workforce/").content.decode()
    assert "共 2 条" in html and "丙护理" not in html and "导出个人信息明文" not in html
    rows = sheet(c.post("/workforce/", {"purpose": "排班核对"}).content)
    assert sorted(r[0] for r in rows[1:]) == ["乙护理", "甲护理"]
    assert "13600001111" not in {r[3] for r in rows[1:]}
    assert c.post("/workforce/", {"purpose": "排班核对", "unmask": "1"}).status_code == 403
    event = AuditEvent.objects.get(action=AuditAction.LIST_EXPORT, user=users["provider"])
    assert event.region_code == "339901000000" and event.detail["rows"] == 2  # the district's auditors see it
    clear = sheet(
        client_for(users["street"]).post("/workforce/?q=甲", {"purpose": "核实", "unmask": "1"}).content
    )
    assert clear[1][3] == "13600001111"


def test_outsider_sees_none_of_the_region(users, client_for, carers):
    html = client_for(users["street_b"]).get("/workforce/").content.decode()
    assert "共 1 条" in html and "西护理" in html and "甲护理" not in html
    assert client_for(users["street_b"]).get(f"/workforce/?region={COMMUNITY_A}").status_code == 422
    assert client_for(users["resident"]).get("/workforce/").status_code == 403
