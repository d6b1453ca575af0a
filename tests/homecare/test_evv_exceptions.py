"""Exceptions of visit verification: far, short, overlapping, a check-out without check-in (refused)
and a check-in sent twice (check-ins outside the window: test_checkin_window.py). Flagged visits are
kept, held back from the statement until reviewed."""

import datetime

import pytest

from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.homecare import evv, services, services_dispatch, settlement
from carecircle.homecare.models import OrderStatus, StatementEntry, VisitCheck, VisitException
from tests.homecare.conftest import MOTHER_LAT, MOTHER_LNG, tomorrow_at


def accepted_order(w, hour=9, key="o", item="bath", caregiver="carer"):
    order = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w[item],
        provider=w["provider"],
        window_start=tomorrow_at(hour),
        idempotency_key=key,
    )
    services_dispatch.order_reassign(actor=w["admin_p"], order=order, caregiver=w[caregiver], reason="指定")
    services_dispatch.order_accept(actor=w["admin_p"], order=order)
    order.refresh_from_db()
    return order


def check_in(w, order, minutes=0, lat=MOTHER_LAT, lng=MOTHER_LNG, key=None, accuracy=10, user="carer_user"):
    at = order.window_start + datetime.timedelta(minutes=minutes)
    return evv.visit_check_in(
        actor=w[user],
        order=order,
        latitude=lat,
        longitude=lng,
        accuracy_m=accuracy,
        at=at,
        now=at,
        idempotency_key=key or f"in-{order.pk}",
    )


def check_out(w, order, minutes=60, lat=MOTHER_LAT, lng=MOTHER_LNG, key=None, user="carer_user"):
    at = order.window_start + datetime.timedelta(minutes=minutes)
    return evv.visit_check_out(
        actor=w[user],
        order=order,
        latitude=lat,
        longitude=lng,
        accuracy_m=10,
        at=at,
        now=at,
        idempotency_key=key or f"out-{order.pk}",
    )


def kinds(order):
    return sorted(VisitException.objects.filter(visit__order=order).values_list("kind", flat=True))


def test_far_check_in_is_kept_flagged_and_held_until_accepted(world, no_entitlements):
    w = world
    order = accepted_order(w)
    check_in(w, order, lat=MOTHER_LAT + 0.01)  # about 1.1 km away
    check_out(w, order)
    order.refresh_from_db()
    assert order.status == OrderStatus.SERVED and order.visit.check_in_distance_m > 1000
    assert kinds(order) == ["far"]
    st = settlement.statement_generate(
        actor=w["admin_p"], provider=w["provider"], month=order.window_start.date()
    )
    assert st.visit_count == 0 and st.held_count == 1 and st.entries.get().state == StatementEntry.State.HELD
    exc = VisitException.objects.get(visit__order=order)
    assert exc.summary().startswith("签到距地址1") and exc.summary().endswith("上限300米")
    with pytest.raises(InvalidInput):
        evv.exception_review(actor=w["admin_p"], exception=exc, accept=True, reason="")
    evv.exception_review(
        actor=w["admin_p"], exception=exc, accept=True, reason="老人临时在社区活动室接受服务"
    )
    st = settlement.statement_generate(
        actor=w["admin_p"], provider=w["provider"], month=order.window_start.date()
    )
    assert st.visit_count == 1 and st.held_count == 0


def test_gps_noise_within_reported_accuracy_is_not_flagged(world, no_entitlements):
    w = world
    order = accepted_order(w)
    check_in(w, order, lat=MOTHER_LAT + 0.003, accuracy=150)  # ~330 m with ±150 m accuracy
    check_out(w, order)
    assert kinds(order) == []


def test_short_visit_flagged_and_rejected_visit_not_paid(world, no_entitlements):
    w = world
    order = accepted_order(w)
    check_in(w, order)
    check_out(w, order, minutes=20)  # 助浴 is 60 minutes; the threshold is 67 %
    assert kinds(order) == ["short"]
    exc = VisitException.objects.get(visit__order=order)
    assert exc.detail == {"minutes": 20.0, "needed": 40.2}
    assert exc.summary() == "实际服务20.0分钟，应不少于40.2分钟"
    evv.exception_review(actor=w["admin_p"], exception=exc, accept=False, reason="未按标准完成助浴")
    st = settlement.statement_generate(
        actor=w["admin_p"], provider=w["provider"], month=order.window_start.date()
    )
    assert st.visit_count == 0 and st.held_count == 0
    assert st.entries.get().state == StatementEntry.State.REFUSED
    with pytest.raises(Conflict):
        evv.exception_review(actor=w["admin_p"], exception=exc, accept=True, reason="再审")


def test_overlapping_visits_of_one_caregiver_are_both_flagged(world, no_entitlements):
    w = world
    first = accepted_order(w, hour=9, key="a")
    second = accepted_order(w, hour=10, key="b", item="clean")
    check_in(w, first)
    # checks in to the next visit while the first is still open
    at = first.window_start + datetime.timedelta(minutes=30)
    evv.visit_check_in(
        actor=w["carer_user"],
        order=second,
        latitude=MOTHER_LAT,
        longitude=MOTHER_LNG,
        at=at,
        now=at,
        idempotency_key="b-in",
    )
    assert kinds(first) == ["overlap"] and kinds(second) == ["overlap"]
    check_out(w, first, minutes=65)
    assert VisitException.objects.filter(kind="overlap").count() == 2  # not duplicated by the check-out


def test_check_out_without_check_in_is_refused(world, no_entitlements):
    """Check-out only after check-in (issue 13): nothing is recorded, the caregiver checks in first."""
    w = world
    order = accepted_order(w)
    with pytest.raises(Conflict):
        check_out(w, order)
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and order.visit.check_out_at is None
    assert kinds(order) == [] and not VisitCheck.objects.exists()
    check_in(w, order)
    check_out(w, order)


def test_double_check_in_is_idempotent(world, no_entitlements):
    w = world
    order = accepted_order(w)
    one = check_in(w, order, key="phone-retry")
    two = check_in(w, order, key="phone-retry", minutes=1)
    assert one.pk == two.pk and VisitCheck.objects.filter(visit__order=order).count() == 1
    with pytest.raises(Conflict):
        check_in(w, order, key="another-key")
    with pytest.raises(Conflict):
        check_out(w, order, key="phone-retry")  # the key belongs to the check-in


def test_only_the_dispatched_caregiver_checks_in(world, no_entitlements):
    w = world
    order = accepted_order(w)
    with pytest.raises(NotFound):
        check_in(w, order, user="carer2_user")


def test_bad_positions_and_times_are_refused(world, no_entitlements):
    w = world
    order = accepted_order(w)
    with pytest.raises(InvalidInput) as err:
        check_in(w, order, lat=95)
    assert err.value.field == "latitude"
    at = order.window_start
    with pytest.raises(InvalidInput) as err:
        evv.visit_check_in(
            actor=w["carer_user"],
            order=order,
            latitude=MOTHER_LAT,
            longitude=MOTHER_LNG,
            at=at + datetime.timedelta(hours=1),
            now=at,
            idempotency_key="future",
        )
    assert err.value.field == "at"
    assert not VisitCheck.objects.exists()
    check_in(w, order, minutes=10)
    with pytest.raises(InvalidInput):
        check_out(w, order, minutes=5)  # before the check-in
