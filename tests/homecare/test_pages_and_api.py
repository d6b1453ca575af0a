"""Pages and the JSON API as each kind of user sees them."""

import datetime

from carecircle.homecare.models import Order, OrderStatus, VisitCheck
from tests.homecare.conftest import MOTHER_LAT, MOTHER_LNG, tomorrow_at


def test_son_orders_through_the_page_seeing_the_split_first(world, voucher, client_for):
    w = world
    c = client_for(w["son"])
    start = tomorrow_at(9).strftime("%Y-%m-%dT%H:%M")
    page = c.get("/homecare/new/", {"person_id": w["mother"].pk, "item": "bath.home", "window_start": start})
    body = page.content.decode()
    assert page.status_code == 200 and "居家养老服务补贴" in body and "¥30.00" in body
    assert not Order.objects.exists()  # the preview saves nothing
    key = page.context["key"]
    form = {
        "person_id": w["mother"].pk,
        "item": "bath.home",
        "provider_id": w["provider"].pk,
        "window_start": tomorrow_at(9).isoformat(),
        "idempotency_key": key,
        "confirm": "1",
    }
    r1 = c.post("/homecare/new/", form)
    r2 = c.post("/homecare/new/", form)  # a double tap
    assert r1.status_code == 302 and r2.status_code == 302 and Order.objects.count() == 1
    order = Order.objects.get()
    detail = c.get(f"/homecare/orders/{order.pk}/").content.decode()
    assert "子女/家属代下单" in detail and "张桂英" in detail
    # a stranger resident gets 404 for the order and for ordering for the mother
    stranger = client_for(w["carer2_user"])
    assert stranger.get(f"/homecare/orders/{order.pk}/").status_code == 404
    assert (
        stranger.get(
            "/homecare/new/", {"person_id": w["mother"].pk, "item": "bath.home", "window_start": start}
        ).status_code
        == 404
    )


def test_provider_and_caregiver_pages(world, no_entitlements, client_for):
    w = world
    from carecircle.homecare import services

    order = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["bath"],
        provider=w["provider"],
        window_start=tomorrow_at(9),
        idempotency_key="p1",
    )
    admin = client_for(w["admin_p"])
    day = order.window_start.date().isoformat()
    r = admin.post("/homecare/dispatch/", {"provider": w["provider"].pk, "day": day})
    assert r.status_code == 200 and "已派 1 单" in r.content.decode()
    carer = client_for(w["carer_user"])
    page = carer.get("/homecare/visits/", {"day": day}).content.decode()
    assert "上门助浴" in page and "接单" in page and "桂花苑3幢" not in page  # masked until opened
    assert carer.post(f"/homecare/orders/{order.pk}/accept/").status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    # the other caregiver sees nothing of it
    other = client_for(w["carer2_user"])
    assert "上门助浴" not in other.get("/homecare/visits/", {"day": day}).content.decode()
    assert other.get(f"/homecare/orders/{order.pk}/").status_code == 404
    for url in (
        "/homecare/",
        "/homecare/exceptions/",
        "/homecare/statements/",
        "/homecare/satisfaction/",
        "/homecare/catalogue/",
        f"/homecare/providers/{w['provider'].pk}/",
        "/workforce/",
        f"/workforce/{w['carer'].pk}/",
    ):
        assert admin.get(url).status_code == 200, url


def test_api_check_in_twice_is_one_check_in(world, no_entitlements, client_for):
    w = world
    from carecircle.homecare import services, services_dispatch

    start = datetime.datetime.now(datetime.UTC).replace(microsecond=0) + datetime.timedelta(minutes=30)
    order = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["clean"],
        provider=w["provider"],
        window_start=start,
        idempotency_key="api1",
    )
    services_dispatch.order_reassign(actor=w["admin_p"], order=order, caregiver=w["carer"])
    carer = client_for(w["carer_user"])
    assert carer.post(f"/api/v1/homecare/orders/{order.pk}/accept").status_code == 200
    body = {"latitude": MOTHER_LAT, "longitude": MOTHER_LNG, "accuracy_m": 12, "idempotency_key": "tap-1"}
    r1 = carer.post(f"/api/v1/homecare/orders/{order.pk}/check-in", body, content_type="application/json")
    r2 = carer.post(f"/api/v1/homecare/orders/{order.pk}/check-in", body, content_type="application/json")
    assert r1.status_code == r2.status_code == 200 and r1.json()["id"] == r2.json()["id"]
    assert VisitCheck.objects.count() == 1
    r = carer.get(f"/api/v1/homecare/orders/{order.pk}/address")
    assert r.status_code == 200 and r.json() == {"address": "桂花苑3幢2单元501室"}
    bad = carer.post(
        f"/api/v1/homecare/orders/{order.pk}/check-out",
        {**body, "latitude": 120, "idempotency_key": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["latitude"]
    son = client_for(w["son"])
    assert son.get(f"/api/v1/homecare/orders/{order.pk}").json()["status"] == "in_service"
    assert son.get(f"/api/v1/homecare/orders/{order.pk}/address").status_code == 404


def test_home_card_counts_what_needs_attention(world, no_entitlements, users):
    from carecircle.homecare import services
    from carecircle.homecare.home import cards
    from carecircle.homecare.services_dispatch import escalate_unassigned
    from carecircle.workforce.models import Certificate

    w = world
    Certificate.objects.filter(kind="health").delete()  # nobody may bathe her now
    start = tomorrow_at(9)
    services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["bath"],
        provider=w["provider"],
        window_start=start,
        idempotency_key="h1",
    )
    assert escalate_unassigned(now=start - datetime.timedelta(minutes=60)) == {"escalated": 1, "offered": 0}
    assert dict(cards(users["street"])[0]["figures"])["升级督办"] == 1
    assert dict(cards(users["street_b"])[0]["figures"])["升级督办"] == 0
    assert cards(w["son"]) == []


def test_api_registers_provider_prices_and_caregivers(users, client_for):
    official = client_for(users["district"])
    r = official.post(
        "/api/v1/homecare/providers",
        {"name": "新机构", "licence_no": "NEW001", "region_code": "339901000000", "areas": ["339901001000"]},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["areas"] == ["339901001000"]
    pid = r.json()["id"]
    again = official.post(
        "/api/v1/homecare/providers",
        {"name": "重复", "licence_no": "NEW001", "region_code": "339901000000", "areas": ["339901000000"]},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["field"] == "licence_no"
    outside = client_for(users["district_b"]).post(
        "/api/v1/homecare/providers",
        {"name": "越界", "licence_no": "X1", "region_code": "339901000000", "areas": ["339901000000"]},
        content_type="application/json",
    )
    assert outside.status_code == 404
    r = official.post(
        f"/api/v1/homecare/providers/{pid}/prices",
        {"item": "bath.home", "price": "75.5", "valid_from": "2026-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["price"] == "75.50"
    r = official.post(
        "/api/v1/workforce/caregivers",
        {
            "organisation_id": pid,
            "region_code": "339901001001",
            "name": "赵护理",
            "employed_from": "2025-05-01",
            "phone": "13700001111",
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["phone"] == "137****1111"
    cid = r.json()["id"]
    r = official.post(
        f"/api/v1/workforce/caregivers/{cid}/certificates",
        {"kind": "elder_care", "valid_from": "2025-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "level"
    r = official.get("/api/v1/workforce/certified-count", {"region": "339901000000"})
    assert r.json()["certified"] == 0


def test_statement_page_names_the_funding_lines(world, no_entitlements, client_for):
    from carecircle.homecare import evv, services, services_dispatch, settlement
    from tests.homecare.conftest import MOTHER_LAT, MOTHER_LNG

    w = world
    order = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["meal"],
        provider=w["provider"],
        window_start=tomorrow_at(11),
        idempotency_key="meal-st",
    )
    services_dispatch.order_reassign(actor=w["admin_p"], order=order, caregiver=w["carer"])
    services_dispatch.order_accept(actor=w["carer_user"], order=order)
    for kind, minutes in (("in", 0), ("out", 20)):
        at = order.window_start + datetime.timedelta(minutes=minutes)
        do = evv.visit_check_in if kind == "in" else evv.visit_check_out
        do(
            actor=w["carer_user"],
            order=order,
            latitude=MOTHER_LAT,
            longitude=MOTHER_LNG,
            at=at,
            now=at,
            idempotency_key=f"st-{kind}",
        )
    st = settlement.statement_generate(
        actor=w["admin_p"], provider=w["provider"], month=order.window_start.date()
    )
    body = client_for(w["admin_p"]).get(f"/homecare/statements/{st.pk}/").content.decode()
    sources = ["企业让一点", "政府补一点", "集体添一点", "社会捐一点", "个人自付"]
    assert [body.index(s) for s in sources] == sorted(body.index(s) for s in sources)
    assert "东湖区老年助餐" in body and "share:" not in body
    assert client_for(w["carer_user"]).get(f"/homecare/statements/{st.pk}/").status_code == 404


def test_staff_find_the_person_to_order_for_within_their_region(world, users, client_for):
    w = world
    page = client_for(users["community"]).get("/homecare/new/", {"q": "张桂英"}).content.decode()
    assert f'<option value="{w["mother"].pk}"' in page
    page = client_for(users["community_b"]).get("/homecare/new/", {"q": "张桂英"}).content.decode()
    assert f'<option value="{w["mother"].pk}"' not in page and "桂花苑" not in page
