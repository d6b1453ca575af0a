"""Home services are the example of "Writing a page" (docs/directory-guide.md): one view per action,
what a user may do from one selector, an InvalidInput on the form, every other refusal on the
error page (never a flash message), audit rows from the services only."""

import datetime

import pytest
from django.urls import resolve, reverse

from carecircle.core.errors import Conflict
from carecircle.core.models import AuditEvent
from carecircle.homecare import evv, selectors, services, services_dispatch, settlement
from carecircle.homecare.models import Order, OrderStatus
from carecircle.homecare.selectors import OrderAction
from tests.homecare.conftest import MOTHER_LAT, MOTHER_LNG, tomorrow_at


def _offered(w, key="pp1"):
    order = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["clean"],
        provider=w["provider"],
        window_start=tomorrow_at(9),
        idempotency_key=key,
    )
    services_dispatch.order_reassign(actor=w["admin_p"], order=order, caregiver=w["carer"])
    order.refresh_from_db()
    return order


def _serve(w, order):
    services_dispatch.order_accept(actor=w["carer_user"], order=order)
    t_in, t_out = order.window_start, order.window_start + datetime.timedelta(minutes=60)
    evv.visit_check_in(
        actor=w["carer_user"],
        order=order,
        latitude=MOTHER_LAT,
        longitude=MOTHER_LNG,
        at=t_in,
        now=t_in,
        idempotency_key=f"{order.pk}-in",
    )
    evv.visit_check_out(
        actor=w["carer_user"],
        order=order,
        latitude=MOTHER_LAT,
        longitude=MOTHER_LNG,
        at=t_out,
        now=t_out,
        idempotency_key=f"{order.pk}-out",
    )
    order.refresh_from_db()
    return order


def test_each_action_has_its_own_view_and_url():
    for action in OrderAction:
        match = resolve(reverse(f"homecare:order_{action.value}", args=[1]))
        assert match.func.__name__ == f"order_{action.value}", action


def test_order_actions_is_the_one_rule_for_buttons_and_services(world, no_entitlements):
    w = world
    order = _offered(w)
    assert selectors.order_actions(w["carer_user"], order) == {OrderAction.ACCEPT, OrderAction.DECLINE}
    assert selectors.order_actions(w["son"], order) == {OrderAction.CANCEL, OrderAction.RESCHEDULE}
    assert OrderAction.REASSIGN in selectors.order_actions(w["admin_p"], order)
    assert selectors.order_actions(w["carer2_user"], order) == frozenset()
    order = _serve(w, order)
    assert selectors.order_actions(w["son"], order) == {OrderAction.RATE, OrderAction.COMPLAIN}
    assert selectors.order_actions(w["carer_user"], order) == frozenset()
    settlement.order_rate(actor=w["son"], order=order, score=5)
    order.refresh_from_db()
    assert selectors.order_actions(w["son"], order) == {OrderAction.COMPLAIN}


def test_the_service_refuses_what_the_selector_does_not_offer(world, no_entitlements):
    """A complaint before the service was shown nowhere; the service now refuses it too."""
    w = world
    order = _offered(w, "pp2")
    assert OrderAction.COMPLAIN not in selectors.order_actions(w["son"], order)
    with pytest.raises(Conflict):
        settlement.complaint_create(actor=w["son"], order=order, text="还没来")


def test_the_order_page_shows_only_the_buttons_the_selector_gives(world, no_entitlements, client_for):
    w = world
    order = _offered(w, "pp3")
    carer = client_for(w["carer_user"]).get(f"/homecare/orders/{order.pk}/").content.decode()
    son = client_for(w["son"]).get(f"/homecare/orders/{order.pk}/").content.decode()
    accept = reverse("homecare:order_accept", args=[order.pk])
    cancel = reverse("homecare:order_cancel", args=[order.pk])
    assert accept in carer and cancel not in carer
    assert cancel in son and accept not in son


def test_a_bad_value_is_shown_on_the_form_with_422(world, no_entitlements, client_for):
    w = world
    order = _offered(w, "pp4")
    r = client_for(w["carer_user"]).post(reverse("homecare:order_decline", args=[order.pk]), {"reason": " "})
    assert r.status_code == 422 and "请填写拒单原因" in r.content.decode()
    assert r.context["failed"].errors["reason"] == ["请填写拒单原因"]
    order.refresh_from_db()
    assert order.status == OrderStatus.OFFERED


def test_a_refusal_is_the_error_page_never_a_flash_message(world, no_entitlements, client_for):
    """The caregiver may not rate: 403 and the error page (it used to be a flash and a redirect)."""
    w = world
    order = _serve(w, _offered(w, "pp5"))
    r = client_for(w["carer_user"]).post(reverse("homecare:order_rate", args=[order.pk]), {"score": "5"})
    assert r.status_code == 403 and "无法完成" in r.content.decode()
    conflict = client_for(w["son"]).post(reverse("homecare:order_cancel", args=[order.pk]), {"reason": "x"})
    assert conflict.status_code == 409 and "服务已开始或已结束，不能取消" in conflict.content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SERVED


def test_an_action_through_the_page_is_audited_once_by_the_service(world, no_entitlements, client_for):
    w = world
    order = _offered(w, "pp6")
    before = AuditEvent.objects.filter(action="order.accept").count()
    r = client_for(w["carer_user"]).post(reverse("homecare:order_accept", args=[order.pk]))
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action="order.accept").count() == before + 1
