"""Home services' lists on the list component (homecare/list_specs.py): the orders, the visits
(服务记录) and the visit exceptions — count, filters, a bad parameter refused naming it, an export
of exactly the filtered rows with names and its audit row, and scope from both sides (another
district and another provider see none; staff, the provider's admin and the family see theirs)."""

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent, RoleGrant
from carecircle.core.roles import Role
from carecircle.homecare.models import ExceptionKind, Order, OrderStatus, Visit, VisitException
from tests.conftest import COMMUNITY_B, make_user

pytestmark = pytest.mark.django_db
_keys = itertools.count(1)
ADDRESS = "桂花苑3幢2单元501室"


def sheet(body: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def at(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def make_order(person, provider, item, start, status=OrderStatus.CONFIRMED, caregiver=None) -> Order:
    return Order.objects.create(
        region_code=person.region_code,
        person=person,
        item=item,
        provider=provider,
        window_start=start,
        window_end=start + datetime.timedelta(hours=1),
        address=ADDRESS,
        address_masked="桂花苑****",
        channel="phone",
        price=Decimal("40.00"),
        status=status,
        caregiver=caregiver,
        idempotency_key=f"list-{next(_keys)}",
    )


@pytest.fixture
def orders(world, users, make_person):
    """Provider A (安康): five orders of 张桂英 (two on day +1, one each on +2, −3, −10), one of
    them served with a visit flagged short. Provider B (same district, 康乐): one order of 李某.
    西山区: one order by a provider there."""
    from carecircle.homecare.services import provider_create

    w = world
    a = w["provider"]
    mine = [
        make_order(w["mother"], a, w["bath"], at(1), caregiver=w["carer"]),
        make_order(w["mother"], a, w["meal"], at(1, 12)),
        make_order(w["mother"], a, w["clean"], at(2)),
        make_order(w["mother"], a, w["clean"], at(-3), OrderStatus.COMPLETED, w["carer"]),
        make_order(w["mother"], a, w["meal"], at(-10), OrderStatus.CANCELLED),
    ]
    b = provider_create(
        actor=users["admin"],
        name="康乐居家服务社",
        licence_no="91330100MA0000002X",
        region_code="339901000000",
        areas=["339901000000"],
    )
    li = make_person(age=75, name="李某")
    theirs = make_order(li, b, w["clean"], at(1, 15))
    far_provider = provider_create(
        actor=users["admin"],
        name="西山助老服务站",
        licence_no="91330100MA0000003X",
        region_code="339902000000",
        areas=["339902000000"],
    )
    far = make_order(
        make_person(age=80, name="西山人", region_code=COMMUNITY_B), far_provider, w["clean"], at(1)
    )
    done = mine[3]
    visit = Visit.objects.create(
        order=done,
        region_code=done.region_code,
        caregiver=w["carer"],
        check_in_at=done.window_start,
        check_out_at=done.window_start + datetime.timedelta(minutes=20),
    )
    flag = VisitException.objects.create(
        visit=visit,
        region_code=done.region_code,
        kind=ExceptionKind.SHORT,
        detail={"minutes": 20, "needed": 45},
    )
    b_admin = make_user("provider_b", Role.PROVIDER_ADMIN, "339901000000")
    RoleGrant.objects.filter(user=b_admin).update(organisation_kind="homecare_provider", organisation_id=b.pk)
    return {
        "mine": mine,
        "theirs": theirs,
        "far": far,
        "b": b,
        "b_admin": b_admin,
        "visit": visit,
        "flag": flag,
    }


# ------------------------------------------------------------------ orders


def test_order_list_counts_names_and_masks(users, client_for, orders):
    html = client_for(users["district"]).get("/homecare/").content.decode()
    assert "共 6 条" in html  # five of 安康, one of 康乐; 西山区's is not counted
    body = html.split("<tbody>")[1]
    assert "文新街道 桂花社区" in body and "339901001001" not in body  # names, never codes
    assert "桂花苑****" in body and ADDRESS not in body  # the address masked
    assert "西山人" not in body and "导出Excel" in html


def test_order_filters(users, client_for, orders, world):
    c = client_for(users["district"])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert "共 3 条" in c.get(f"/homecare/?day_from={tomorrow}&day_to={tomorrow}").content.decode()
    assert "共 1 条" in c.get("/homecare/?status=completed").content.decode()
    assert "共 1 条" in c.get(f"/homecare/?provider={orders['b'].pk}").content.decode()
    assert "共 5 条" in c.get(f"/homecare/?provider={world['provider'].pk}").content.decode()
    assert "共 1 条" in c.get("/homecare/?q=李某").content.decode()
    assert "共 6 条" in c.get("/homecare/?region=339901001001").content.decode()
    # another district's provider is a choice, but finds nothing here (the rows stay scoped)
    far = orders["far"].provider_id
    assert "共 0 条" in c.get(f"/homecare/?provider={far}").content.decode()


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("status=lost", "status"),
        ("provider=99999999", "provider"),
        ("day_from=2026-13-01", "day_from"),
        ("day_to=abc", "day_to"),
        ("sort=address", "sort"),
        ("region=" + COMMUNITY_B, "region"),
        ("page=x", "page"),
    ],
)
def test_order_list_bad_parameter_is_a_422_naming_it(users, client_for, orders, query, param):
    r = client_for(users["district"]).get(f"/homecare/?{query}")
    assert r.status_code == 422 and f"参数 {param}" in r.content.decode()


def test_order_export_is_the_filtered_set_with_names_and_audited(users, client_for, orders, world):
    c = client_for(users["district"])
    r = c.post(f"/homecare/?provider={world['provider'].pk}&sort=start", {"purpose": "服务核对"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet(r.content)
    assert rows[0][:3] == ["服务时间", "服务项目", "服务对象"]
    assert len(rows) == 1 + 5
    assert {row[2] for row in rows[1:]} == {"张桂英"}
    assert {row[4] for row in rows[1:]} == {"文新街道 桂花社区"} and {row[5] for row in rows[1:]} == {
        "安康居家养老服务中心"
    }
    assert all(row[3] == "桂花苑****" for row in rows[1:])  # masked: no unmask asked
    starts = [row[0] for row in rows[1:]]
    assert starts == sorted(starts)
    event = AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).latest("id")
    assert event.detail["list"] == "homecare.orders" and event.detail["rows"] == 5
    assert event.detail["filter"]["服务机构"] == "安康居家养老服务中心" and event.purpose == "服务核对"
    assert event.user_id == users["district"].pk


def test_order_scope_from_both_sides(users, client_for, orders, world):
    # another district: none of 东湖区's orders
    other = client_for(users["district_b"]).get("/homecare/").content.decode()
    assert "共 1 条" in other and "西山人" in other and "张桂英" not in other
    # provider A's admin: their five; provider B's admin: their one
    a = client_for(world["admin_p"]).get("/homecare/").content.decode()
    assert "共 5 条" in a and "李某" not in a
    b = client_for(orders["b_admin"]).get("/homecare/").content.decode()
    assert "共 1 条" in b and "李某" in b and "张桂英" not in b
    exported = client_for(orders["b_admin"]).post("/homecare/", {"purpose": "月度对账"})
    assert [row[2] for row in sheet(exported.content)[1:]] == ["李某"]
    # the son sees his mother's orders, and no export
    son = client_for(world["son"])
    page = son.get("/homecare/").content.decode()
    assert "共 5 条" in page and "李某" not in page and "导出Excel" not in page
    assert son.post("/homecare/", {"purpose": "看看"}).status_code == 403


# ------------------------------------------------------------------ visits


def test_visit_list_count_filter_export_and_scope(users, client_for, orders):
    c = client_for(users["district"])
    html = c.get("/homecare/records/").content.decode()
    assert "共 1 条" in html and "张桂英" in html and "1项待审核" in html and "文新街道 桂花社区" in html
    assert "共 1 条" in c.get("/homecare/records/?state=flagged").content.decode()
    assert "共 0 条" in c.get("/homecare/records/?state=clean").content.decode()
    r = c.get("/homecare/records/?state=maybe")
    assert r.status_code == 422 and "参数 state" in r.content.decode()
    r = c.post("/homecare/records/?state=done", {"purpose": "服务抽查"})
    rows = sheet(r.content)
    assert len(rows) == 2 and rows[1][2] == "张桂英" and rows[1][5] == "王护理" and rows[1][8] == 20
    event = AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).latest("id")
    assert event.detail["list"] == "homecare.visits" and event.detail["rows"] == 1
    assert "张桂英" not in client_for(users["district_b"]).get("/homecare/records/").content.decode()
    assert "共 0 条" in client_for(orders["b_admin"]).get("/homecare/records/").content.decode()
    assert client_for(users["resident"]).get("/homecare/records/").status_code == 403


# ------------------------------------------------------------------ exceptions


def test_exception_list_count_filter_export_and_review(users, client_for, orders, world):
    c = client_for(users["street"])
    html = c.get("/homecare/exceptions/").content.decode()
    assert "共 1 条" in html and "实际服务20分钟" in html and "审核" in html  # first visit: the open ones
    assert "共 0 条" in c.get("/homecare/exceptions/?kind=far").content.decode()
    r = c.get("/homecare/exceptions/?status=pending")
    assert r.status_code == 422 and "参数 status" in r.content.decode()
    r = c.post("/homecare/exceptions/?kind=short", {"purpose": "结算前核对"})
    rows = sheet(r.content)
    assert len(rows) == 2 and rows[1][2] == "张桂英" and rows[1][6] == "服务时长不足"
    assert "操作" not in rows[0]  # the review link is not exported
    assert AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT, detail__rows=1).exists()
    # the review page: the facts and the form; no reason is refused on the page (422), nothing saved
    review = f"/homecare/exceptions/{orders['flag'].pk}/review/"
    assert "服务时长不足" in c.get(review).content.decode()
    r = c.post(review, {"accept": "1", "reason": ""})
    assert r.status_code == 422 and "请填写审核意见" in r.content.decode()
    assert c.post(review, {"accept": "1", "reason": "家属确认"}).status_code == 302
    assert "共 0 条" in c.get("/homecare/exceptions/").content.decode()
    assert "共 1 条" in c.get("/homecare/exceptions/?status=").content.decode()  # empty: every state


def test_exception_list_scope(users, client_for, orders, world):
    assert "共 1 条" in client_for(world["admin_p"]).get("/homecare/exceptions/").content.decode()
    assert "共 0 条" in client_for(orders["b_admin"]).get("/homecare/exceptions/").content.decode()
    assert "共 0 条" in client_for(users["district_b"]).get("/homecare/exceptions/").content.decode()
    review = f"/homecare/exceptions/{orders['flag'].pk}/review/"
    assert client_for(orders["b_admin"]).get(review).status_code == 404
    assert client_for(users["district_b"]).post(review, {"accept": "1", "reason": "x"}).status_code == 404
    assert client_for(world["son"]).get("/homecare/exceptions/").status_code == 403


# ------------------------------------------------------------------ providers


def test_provider_list_names_areas_filters_export_and_scope(users, client_for, orders, world):
    c = client_for(users["district"])
    html = c.get("/homecare/providers/").content.decode()
    assert "共 2 条" in html and "安康居家养老服务中心" in html and "西山助老服务站" not in html
    body = html.split("<tbody>")[1]
    assert "东湖区" in body and "339901000000" not in body  # areas and seat by name
    assert f"/homecare/providers/{world['provider'].pk}/" in body
    assert "共 1 条" in c.get("/homecare/providers/?q=康乐").content.decode()
    r = c.get("/homecare/providers/?active=maybe")
    assert r.status_code == 422 and "参数 active" in r.content.decode()
    rows = sheet(c.post("/homecare/providers/?sort=name", {"purpose": "机构名录"}).content)
    assert [r[0] for r in rows[1:]] == sorted(["安康居家养老服务中心", "康乐居家服务社"])
    assert {r[4] for r in rows[1:]} == {2, 0}  # caregivers employed: 安康's two, 康乐's none
    assert AuditEvent.objects.filter(
        action=AuditAction.LIST_EXPORT, detail__list="homecare.providers"
    ).exists()
    far = client_for(users["district_b"]).get("/homecare/providers/").content.decode()
    assert "共 1 条" in far and "西山助老服务站" in far and "安康" not in far
    own = client_for(orders["b_admin"]).get("/homecare/providers/").content.decode()
    assert "共 1 条" in own and "康乐居家服务社" in own and "安康" not in own
    assert client_for(world["son"]).get("/homecare/providers/").status_code == 403


def test_list_pages_read_a_fixed_number_of_queries(users, client_for, orders, world):
    """More rows on the page, no more queries (names, regions and flags read per page, not per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(users["district"])
    urls = ("/homecare/", "/homecare/records/", "/homecare/exceptions/?status=", "/homecare/providers/")

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert c.get(url).status_code == 200
            out.append(len(ctx))
        return out

    counts()  # the first request warms the session and the caches
    before = counts()
    for days in range(3, 9):
        order = make_order(
            world["mother"],
            world["provider"],
            world["bath"],
            at(-days),
            OrderStatus.COMPLETED,
            world["carer"],
        )
        visit = Visit.objects.create(order=order, region_code=order.region_code, caregiver=world["carer2"])
        VisitException.objects.create(
            visit=visit, region_code=order.region_code, kind=ExceptionKind.FAR, detail={}
        )
    assert counts() == before
