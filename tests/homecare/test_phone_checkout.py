"""Issue 17 item 5: 签退 only after 签到. The one action table (selectors.action_open) opens
check-out only once the visit is checked in, so the phone page shows no 签退 button before 签到
and the services (page and API) refuse a check-out sent anyway, with the same rule."""

import datetime

import pytest
from django.utils import timezone

from carecircle.core.errors import Conflict
from carecircle.homecare import evv, selectors
from carecircle.homecare.models import Order, OrderStatus, VisitCheck
from carecircle.homecare.selectors import OrderAction
from tests.homecare.conftest import MOTHER_LAT, MOTHER_LNG
from tests.homecare.test_checkin_window import accepted_order


def soon() -> datetime.datetime:
    return timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=20)


def _check_in(w: dict, order: Order) -> None:
    evv.visit_check_in(
        actor=w["carer_user"], order=order, latitude=MOTHER_LAT, longitude=MOTHER_LNG, idempotency_key="in-1"
    )
    order.refresh_from_db()


def test_the_action_table_opens_check_out_only_after_check_in(world, no_entitlements):
    w = world
    order = accepted_order(w, soon())
    assert not selectors.action_open(order, OrderAction.CHECK_OUT)
    actions = selectors.order_actions(w["carer_user"], order)
    assert OrderAction.CHECK_IN in actions and OrderAction.CHECK_OUT not in actions
    assert OrderAction.ADDRESS in actions  # the address still opens around the window
    _check_in(w, order)
    assert order.status == OrderStatus.IN_SERVICE
    actions = selectors.order_actions(w["carer_user"], order)
    assert OrderAction.CHECK_OUT in actions and OrderAction.CHECK_IN not in actions
    evv.visit_check_out(
        actor=w["carer_user"], order=order, latitude=MOTHER_LAT, longitude=MOTHER_LNG, idempotency_key="out-1"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.SERVED
    actions = selectors.order_actions(w["carer_user"], order)
    assert OrderAction.CHECK_OUT not in actions and OrderAction.CHECK_IN not in actions


def test_the_service_refuses_check_out_before_check_in_with_the_same_rule(
    world, no_entitlements, monkeypatch
):
    w = world
    order = accepted_order(w, soon())
    with pytest.raises(Conflict) as err:
        evv.visit_check_out(
            actor=w["carer_user"],
            order=order,
            latitude=MOTHER_LAT,
            longitude=MOTHER_LNG,
            idempotency_key="out-early",
        )
    assert "请先签到" in str(err.value.message)
    assert not VisitCheck.objects.exists()
    # The service asks the table: with check-out closed in every state, a checked-in visit cannot
    # check out either (the page's buttons and the service read the same rule).
    _check_in(w, order)
    original = selectors._statuses
    monkeypatch.setattr(selectors, "_statuses", lambda: {**original(), OrderAction.CHECK_OUT: frozenset()})
    with pytest.raises(Conflict):
        evv.visit_check_out(
            actor=w["carer_user"],
            order=order,
            latitude=MOTHER_LAT,
            longitude=MOTHER_LNG,
            idempotency_key="out-closed",
        )
    assert OrderAction.CHECK_OUT not in selectors.order_actions(w["carer_user"], order)
    assert not VisitCheck.objects.filter(kind=VisitCheck.Kind.OUT).exists()


def test_the_api_refuses_check_out_before_check_in(world, no_entitlements, client_for):
    w = world
    order = accepted_order(w, soon())
    carer = client_for(w["carer_user"])
    body = {"latitude": MOTHER_LAT, "longitude": MOTHER_LNG, "accuracy_m": 10, "idempotency_key": "out-api"}
    r = carer.post(f"/api/v1/homecare/orders/{order.pk}/check-out", body, content_type="application/json")
    assert r.status_code == 409, r.content
    assert "签到" in r.json()["message"]
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and not VisitCheck.objects.exists()
    r = carer.post(
        f"/api/v1/homecare/orders/{order.pk}/check-in",
        {**body, "idempotency_key": "in-api"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    r = carer.post(f"/api/v1/homecare/orders/{order.pk}/check-out", body, content_type="application/json")
    assert r.status_code == 200, r.content
    order.refresh_from_db()
    assert order.status == OrderStatus.SERVED


def test_the_phone_page_offers_check_out_only_after_check_in(world, no_entitlements, client_for):
    w = world
    order = accepted_order(w, soon())
    carer = client_for(w["carer_user"])
    day = timezone.localtime(order.window_start).date().isoformat()
    page = carer.get("/homecare/visits/", {"day": day}).content.decode()
    assert f"/homecare/orders/{order.pk}/check-in/" in page
    assert f"/homecare/orders/{order.pk}/check-out/" not in page
    forced = carer.post(
        f"/homecare/orders/{order.pk}/check-out/",
        {"latitude": MOTHER_LAT, "longitude": MOTHER_LNG, "accuracy_m": 10, "idempotency_key": "out-page"},
    )
    assert forced.status_code == 409
    assert "请先签到" in forced.content.decode()
    _check_in(w, order)
    page = carer.get("/homecare/visits/", {"day": day}).content.decode()
    assert f"/homecare/orders/{order.pk}/check-out/" in page
    assert f"/homecare/orders/{order.pk}/check-in/" not in page
