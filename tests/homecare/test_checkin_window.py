"""Issue 13 item 8: check-in without a location oracle. The caregiver learns "in range / out of
range", never a distance (which stays stored for supervisors); a check-in outside the visit window
needs a reason and flags the visit; a check-out needs a check-in first."""

import datetime

import pytest
from django.utils import timezone

from carecircle.core.errors import Conflict, InvalidInput
from carecircle.homecare import evv, services, services_dispatch
from carecircle.homecare.models import OrderStatus, VisitCheck, VisitException
from tests.homecare.conftest import MOTHER_LAT, MOTHER_LNG, tomorrow_at


def accepted_order(w, start, key="o"):
    order = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["bath"],
        provider=w["provider"],
        window_start=start,
        idempotency_key=key,
    )
    services_dispatch.order_reassign(actor=w["admin_p"], order=order, caregiver=w["carer"], reason="指定")
    services_dispatch.order_accept(actor=w["admin_p"], order=order)
    order.refresh_from_db()
    return order


def soon():
    return timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=20)


def _post(client, order, kind, **body):
    body = {
        "latitude": MOTHER_LAT,
        "longitude": MOTHER_LNG,
        "accuracy_m": 10,
        "idempotency_key": f"{kind}-1",
        **body,
    }
    return client.post(f"/api/v1/homecare/orders/{order.pk}/{kind}", body, content_type="application/json")


def test_api_answers_in_range_never_a_distance(world, no_entitlements, client_for):
    w = world
    carer = client_for(w["carer_user"])
    near = accepted_order(w, soon(), key="near")
    r = _post(carer, near, "check-in", latitude=MOTHER_LAT + 0.0004)  # about 45 m away
    assert r.status_code == 200, r.content
    assert r.json()["in_range"] is True and r.json()["needs_review"] is False
    assert "distance" not in r.content.decode()
    assert 30 < VisitCheck.objects.get(visit__order=near).distance_m < 60  # stored for supervisors
    far = accepted_order(w, soon() + datetime.timedelta(hours=3), key="far")
    r = _post(
        carer, far, "check-in", latitude=MOTHER_LAT + 0.01, idempotency_key="far-in", reason="老人在社区食堂"
    )  # ~1.1 km away, and three hours early
    assert r.status_code == 200, r.content
    assert r.json()["in_range"] is False and r.json()["needs_review"] is True
    assert "distance" not in r.content.decode() and "1111" not in r.content.decode()
    # The same tap again answers the same, still without a distance.
    again = _post(carer, far, "check-in", latitude=MOTHER_LAT + 0.01, idempotency_key="far-in")
    assert again.json() == r.json()
    # The OpenAPI document promises no distance to the caregiver either.
    schema = carer.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "distance_m" not in str(schema.get("HcCheckOut", schema))


def test_caregiver_pages_show_in_range_supervisors_see_the_distance(world, no_entitlements, client_for):
    w = world
    order = accepted_order(w, soon())
    evv.visit_check_in(
        actor=w["carer_user"],
        order=order,
        latitude=MOTHER_LAT + 0.01,
        longitude=MOTHER_LNG,
        accuracy_m=10,
        idempotency_key="in-far",
    )
    carer = client_for(w["carer_user"])
    page = carer.get(f"/homecare/orders/{order.pk}/").content.decode()
    assert "不在服务范围内" in page
    assert "米" not in page.split("服务六要素")[1].split("</section>")[0]
    assert "1111" not in page and "111" not in page.split("核验异常")[-1]
    visits = carer.get("/homecare/visits/", {"day": order.window_start.date().isoformat()}).content.decode()
    assert "签到距离" not in visits and "距地址" not in visits
    admin = client_for(w["admin_p"])
    detail = admin.get(f"/homecare/orders/{order.pk}/").content.decode()
    assert "签到距离" in detail and "距地址1" in detail
    assert "距地址1" in admin.get("/homecare/exceptions/").content.decode()


def test_check_in_days_early_needs_a_reason_and_is_flagged(world, no_entitlements, client_for):
    w = world
    start = tomorrow_at(9) + datetime.timedelta(days=2)
    order = accepted_order(w, start)
    carer = client_for(w["carer_user"])
    r = _post(carer, order, "check-in")  # three days early, at the right place
    assert r.status_code == 422 and r.json()["field"] == "reason"
    assert "原因" in r.json()["message"]
    assert not VisitCheck.objects.exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    r = _post(carer, order, "check-in", reason="老人要求提前上门")
    assert r.status_code == 200 and r.json()["in_range"] is True and r.json()["needs_review"] is True
    exc = VisitException.objects.get(visit__order=order)
    assert exc.kind == "off_window" and exc.status == VisitException.Status.OPEN
    assert "老人要求提前上门" in exc.summary() and "提前" in exc.summary()
    order.refresh_from_db()
    assert order.visit.check_in_reason == "老人要求提前上门"


def test_check_in_inside_the_window_needs_no_reason(world, no_entitlements, settings):
    w = world
    settings.CARECIRCLE_CHECKIN_WINDOW_MINUTES = 30
    order = accepted_order(w, tomorrow_at(9))
    for minutes, ok in ((-31, False), (-30, True)):
        at = order.window_start + datetime.timedelta(minutes=minutes)
        if ok:
            evv.visit_check_in(
                actor=w["carer_user"],
                order=order,
                latitude=MOTHER_LAT,
                longitude=MOTHER_LNG,
                at=at,
                now=at,
                idempotency_key="in",
            )
        else:
            with pytest.raises(InvalidInput) as err:
                evv.visit_check_in(
                    actor=w["carer_user"],
                    order=order,
                    latitude=MOTHER_LAT,
                    longitude=MOTHER_LNG,
                    at=at,
                    now=at,
                    idempotency_key="in-early",
                )
            assert err.value.field == "reason"
    assert not VisitException.objects.exists()
    late = accepted_order(w, tomorrow_at(14), key="late")
    at = late.window_end + datetime.timedelta(minutes=31)
    with pytest.raises(InvalidInput):
        evv.visit_check_in(
            actor=w["carer_user"],
            order=late,
            latitude=MOTHER_LAT,
            longitude=MOTHER_LNG,
            at=at,
            now=at,
            idempotency_key="late-in",
        )
    evv.visit_check_in(
        actor=w["carer_user"],
        order=late,
        latitude=MOTHER_LAT,
        longitude=MOTHER_LNG,
        at=at,
        now=at,
        idempotency_key="late-in",
        reason="前一单超时",
    )
    assert "off_window" in VisitException.objects.filter(visit__order=late).values_list("kind", flat=True)


def test_check_out_only_after_check_in(world, no_entitlements, client_for):
    w = world
    order = accepted_order(w, soon())
    with pytest.raises(Conflict) as err:
        evv.visit_check_out(
            actor=w["carer_user"],
            order=order,
            latitude=MOTHER_LAT,
            longitude=MOTHER_LNG,
            idempotency_key="out",
        )
    assert "签到" in str(err.value.message)
    assert not VisitCheck.objects.exists()
    r = _post(client_for(w["carer_user"]), order, "check-out")
    assert r.status_code == 409
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and order.visit.check_out_at is None
