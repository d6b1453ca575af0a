"""Childcare's lists on the list component (childcare/list_specs.py): the classes, the enrolments
(入托记录) and the vouchers — count, filters, a bad parameter refused naming it, an export of
exactly the filtered rows with names and its audit row, personal data masked, and scope from both
sides (another district and another operator see none; staff and the operator's admin see theirs)."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from carecircle.childcare import services
from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent, RoleGrant
from tests.childcare.conftest import today
from tests.conftest import COMMUNITY_B, make_user

pytestmark = pytest.mark.django_db


def sheet(body: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def operator_admin(name: str, operator_id: int):
    user = make_user(name, "provider_admin", "339901000000")
    RoleGrant.objects.filter(user=user).update(
        organisation_kind="facility_operator", organisation_id=operator_id
    )
    return user


@pytest.fixture
def care(users, nursery, make_facility, make_child):
    """东湖区's nursery: 星星班 (托大班) with 王小宝 in care and 赵离托 who left today, 月亮班 (托小班)
    with 李小妹; 西山区's nursery: 西山班 with 西山娃. Vouchers of one batch in each district, 王小宝's
    used at the nursery."""
    admin = users["admin"]
    star = services.class_create(
        actor=admin, facility=nursery, name="星星班", band="big", capacity=12, caregivers=2
    )
    moon = services.class_create(
        actor=admin, facility=nursery, name="月亮班", band="small", capacity=10, caregivers=2
    )
    wang = make_child(30, name="王小宝")
    zhao = make_child(32, name="赵离托")
    li = make_child(18, name="李小妹")
    for cls, kid in ((star, wang), (star, zhao), (moon, li)):
        services.enrol(actor=admin, child_class=cls, child=kid, start_on=today())
    services.enrolment_end(actor=admin, enrolment=zhao.enrolments.get(), day=today(), reason="搬家")
    far_nursery = make_facility(
        "childcare_centre",
        region=COMMUNITY_B,
        name="西山托育园",
        childcare_places=50,
        childcare_places_puhui=50,
    )
    far = services.class_create(
        actor=admin, facility=far_nursery, name="西山班", band="big", capacity=12, caregivers=2
    )
    services.enrol(
        actor=admin,
        child_class=far,
        child=make_child(28, name="西山娃", region_code=COMMUNITY_B),
        start_on=today(),
    )
    valid_to = today() + datetime.timedelta(days=90)
    services.voucher_issue(
        actor=users["district"], region_code="339901000000", batch="2026春季", amount="400", valid_to=valid_to
    )
    services.voucher_issue(
        actor=users["district_b"], region_code="339902000000", batch="西山券", amount="300", valid_to=valid_to
    )
    used = wang.childcare_vouchers.get()
    services.voucher_redeem(actor=admin, code=used.code, facility=nursery)
    return {"star": star, "moon": moon, "wang": wang, "used": used}


# ------------------------------------------------------------------ classes


def test_class_list_count_filters_and_bad_parameters(users, client_for, care):
    c = client_for(users["district"])
    html = c.get("/childcare/").content.decode()
    assert "共 2 条" in html and "星星班" in html and "西山班" not in html
    assert "文新街道 桂花社区" in html.split("<tbody>")[1]
    assert "共 1 条" in c.get("/childcare/?band=small").content.decode()
    assert "共 1 条" in c.get("/childcare/?q=星星").content.decode()
    r = c.get("/childcare/?band=huge")
    assert r.status_code == 422 and "参数 band" in r.content.decode()
    r = c.get("/childcare/?sort=enrolled")  # a figure of the day, not a sortable column
    assert r.status_code == 422 and "参数 sort" in r.content.decode()


def test_class_export_is_the_filtered_set_and_audited(users, client_for, care):
    r = client_for(users["district"]).post("/childcare/?band=big", {"purpose": "托位统计"})
    rows = sheet(r.content)
    assert rows[0][:3] == ["机构", "班级", "班型"] and len(rows) == 2
    assert rows[1][1] == "星星班" and rows[1][3] == 1 and rows[1][8] == "文新街道 桂花社区"  # 1 in care
    event = AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).latest("id")
    assert event.detail["list"] == "childcare.classes" and event.detail["rows"] == 1


def test_class_list_scope(users, client_for, care, operator):
    far = client_for(users["district_b"]).get("/childcare/").content.decode()
    assert "共 1 条" in far and "西山班" in far and "星星班" not in far
    own = client_for(operator_admin("op_own", operator.pk)).get("/childcare/").content.decode()
    assert "星星班" in own and "月亮班" in own  # 西山托育园 is the same operator's, but outside the grant
    other = client_for(operator_admin("op_other", operator.pk + 1000)).get("/childcare/").content.decode()
    assert "共 0 条" in other


# ------------------------------------------------------------------ enrolments


def test_enrolment_list_count_filters_and_masking(users, client_for, care):
    c = client_for(users["district"])
    html = c.get("/childcare/enrolments/").content.decode()
    assert "共 2 条" in html  # first visit: in care today (赵离托 left)
    assert "王小宝" in html and "李小妹" in html and "赵离托" not in html and "西山娃" not in html
    assert care["wang"].id_number not in html and care["wang"].id_masked in html
    assert "共 3 条" in c.get("/childcare/enrolments/?state=").content.decode()  # empty: all
    ended = c.get("/childcare/enrolments/?state=ended").content.decode()
    assert "共 1 条" in ended and "搬家" in ended
    assert "共 1 条" in c.get("/childcare/enrolments/?band=small").content.decode()
    for query, param in (
        ("state=gone", "state"),
        ("start_from=2026-02-30", "start_from"),
        ("sort=id_number", "sort"),
    ):
        r = c.get(f"/childcare/enrolments/?{query}")
        assert r.status_code == 422 and f"参数 {param}" in r.content.decode()


def test_enrolment_export_masked_unless_unmasked_with_purpose(users, client_for, care):
    c = client_for(users["district"])
    rows = sheet(c.post("/childcare/enrolments/?state=&sort=child", {"purpose": "托育补贴核对"}).content)
    assert [r[0] for r in rows[1:]] == sorted(["王小宝", "李小妹", "赵离托"])
    assert care["wang"].id_masked in [r[1] for r in rows[1:]]
    assert care["wang"].id_number not in [r[1] for r in rows[1:]]
    event = AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).latest("id")
    assert event.detail["rows"] == 3 and event.detail["unmasked"] is False
    street = client_for(users["street"])  # holds pii.unmask over the children's community
    rows = sheet(
        street.post("/childcare/enrolments/?q=王小宝", {"purpose": "入托核验", "unmask": "1"}).content
    )
    assert rows[1][1] == care["wang"].id_number
    assert AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).latest("id").detail["unmasked"] is True


def test_enrolment_list_scope(users, client_for, care, operator):
    far = client_for(users["district_b"]).get("/childcare/enrolments/").content.decode()
    assert "共 1 条" in far and "西山娃" in far and "王小宝" not in far
    own = client_for(operator_admin("op_own", operator.pk))
    assert "共 2 条" in own.get("/childcare/enrolments/").content.decode()
    assert len(sheet(own.post("/childcare/enrolments/", {"purpose": "名册"}).content)) == 1 + 2
    other = client_for(operator_admin("op_other", operator.pk + 1000))
    assert "共 0 条" in other.get("/childcare/enrolments/").content.decode()
    assert client_for(users["resident"]).get("/childcare/enrolments/").status_code == 403


# ------------------------------------------------------------------ vouchers


def test_voucher_list_count_filters_export(users, client_for, care, nursery):
    c = client_for(users["district"])
    html = c.get("/childcare/vouchers/").content.decode()
    assert "共 3 条" in html and "西山娃" not in html  # the three children of 东湖区
    assert "共 1 条" in c.get("/childcare/vouchers/?state=redeemed").content.decode()
    assert "共 2 条" in c.get("/childcare/vouchers/?state=open").content.decode()
    assert "共 3 条" in c.get("/childcare/vouchers/?batch=春季").content.decode()
    assert "共 1 条" in c.get(f"/childcare/vouchers/?q={care['used'].code}").content.decode()
    r = c.get("/childcare/vouchers/?state=lost")
    assert r.status_code == 422 and "参数 state" in r.content.decode()
    r = c.post("/childcare/vouchers/?state=redeemed", {"purpose": "资金结算"})
    rows = sheet(r.content)
    assert len(rows) == 2 and rows[1][0] == care["used"].code and rows[1][2] == "王小宝"
    assert rows[1][3] == "文新街道 桂花社区" and rows[1][9] == nursery.name
    event = AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).latest("id")
    assert event.detail["list"] == "childcare.vouchers" and event.detail["rows"] == 1
    assert event.detail["filter"]["状态"] == "已使用"


def test_voucher_list_scope(users, client_for, care, operator):
    far = client_for(users["district_b"]).get("/childcare/vouchers/").content.decode()
    assert "共 1 条" in far and "西山娃" in far and "王小宝" not in far
    own = client_for(operator_admin("op_own", operator.pk)).get("/childcare/vouchers/").content.decode()
    assert "共 1 条" in own and "王小宝" in own  # only the voucher used at their nursery
    other = client_for(operator_admin("op_other", operator.pk + 1000)).get("/childcare/vouchers/")
    assert "共 0 条" in other.content.decode()


def test_list_pages_read_a_fixed_number_of_queries(users, client_for, care, make_child):
    """More rows on the page, no more queries (classes' figures, children, facilities per page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(users["district"])
    urls = ("/childcare/", "/childcare/enrolments/", "/childcare/vouchers/")

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert c.get(url).status_code == 200
            out.append(len(ctx))
        return out

    counts()  # the first request warms the session and the caches
    before = counts()
    for n in range(4):
        kid = make_child(26 + n, name=f"新生{n}")
        services.enrol(actor=users["admin"], child_class=care["star"], child=kid, start_on=today())
    services.voucher_issue(
        actor=users["district"],
        region_code="339901000000",
        batch="2026秋季",
        amount="200",
        valid_to=today() + datetime.timedelta(days=30),
    )
    assert counts() == before
