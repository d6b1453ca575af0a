"""Dispatch: offering orders to caregivers (automatically for a day, or by hand), the provider's
accept / reassign / decline with reason, escalation of orders nobody has taken."""

import datetime
from typing import TYPE_CHECKING

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, suspension
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.models import Region
from carecircle.homecare import dispatch as engine
from carecircle.homecare import selectors
from carecircle.homecare.models import BUSY_STATUSES, DispatchEvent, Order, OrderStatus, Provider, Visit
from carecircle.homecare.services import _user, require_provider_admin
from carecircle.registry.models import Person
from carecircle.workforce.selectors import (
    caregivers_employed,
    certificates_held,
    qualifications_on,
    task_requirements,
    unmet_requirements,
)

if TYPE_CHECKING:  # annotations only: the rows workforce.selectors returns
    from carecircle.workforce.models import Caregiver


def capability_levels(person_ids, day: datetime.date) -> dict[int, int]:
    """Current capability levels (0–4) from the assessment module, when it exists."""
    try:
        from carecircle.assessment.selectors import level_subquery  # noqa: PLC0415 — an optional library: absent is handled here
    except ImportError:
        return {}

    rows = (
        Person.objects.filter(pk__in=list(person_ids))
        .annotate(cap=level_subquery(day))
        .values_list("pk", "cap")
    )
    return {pk: cap for pk, cap in rows if cap is not None}


def _day_bounds(day: datetime.date):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def _minutes(dt, day_start) -> float:
    return (dt - day_start).total_seconds() / 60


def build_problem(
    orders: list[Order],
    caregivers: list["Caregiver"],
    fixed: list[Order],
    day: datetime.date,
    speed_kmh: float,
) -> engine.Problem:
    start, _end = _day_bounds(day)
    quals = qualifications_on([c.pk for c in caregivers], day)
    cg_index = {c.pk: k for k, c in enumerate(caregivers)}

    # A caregiver without a base position starts from their community centre; anything still
    # unknown is put at the middle of the known positions (travel is then only an estimate).
    centres = dict(
        (code, (la, ln))
        for code, la, ln in Region.objects.filter(
            code__in={c.region_code for c in caregivers}, latitude__isnull=False
        ).values_list("code", "latitude", "longitude")
    )
    known = [(o.latitude, o.longitude) for o in orders if o.latitude is not None and o.longitude is not None]
    mid = (
        (float(np.mean([k[0] for k in known])), float(np.mean([k[1] for k in known])))
        if known
        else (0.0, 0.0)
    )

    def place(lat, lng, region_code=""):
        if lat is not None and lng is not None:
            return lat, lng
        return centres.get(region_code, mid)

    order_pos = np.array([place(o.latitude, o.longitude) for o in orders], dtype=float).reshape(-1, 2)
    cg_pos = np.array(
        [place(c.latitude, c.longitude, c.region_code) for c in caregivers], dtype=float
    ).reshape(-1, 2)
    order_need, need_ok = _task_needs(orders, caregivers, day)
    return engine.Problem(
        order_need=order_need,
        need_ok=need_ok,
        order_start=np.array([_minutes(o.window_start, start) for o in orders], dtype=float),
        order_end=np.array([_minutes(o.window_end, start) for o in orders], dtype=float),
        order_lat=order_pos[:, 0],
        order_lng=order_pos[:, 1],
        order_provider=np.array([o.provider_id for o in orders], dtype=np.int64),
        order_level=np.array([o.item.min_level or 0 for o in orders], dtype=int),
        order_health=np.array([o.item.needs_health_certificate for o in orders], dtype=bool),
        cg_provider=np.array([c.organisation_id for c in caregivers], dtype=np.int64),
        cg_lat=cg_pos[:, 0],
        cg_lng=cg_pos[:, 1],
        cg_level=np.array([quals[c.pk].level for c in caregivers], dtype=int),
        cg_health=np.array([quals[c.pk].health for c in caregivers], dtype=bool),
        fixed=[
            (
                cg_index[f.caregiver_id],
                _minutes(f.window_start, start),
                _minutes(f.window_end, start),
                *place(f.latitude, f.longitude),
            )
            for f in fixed
            if f.caregiver_id in cg_index
        ],
        speed_kmh=speed_kmh,
    )


def _needs(order: Order) -> tuple:
    return task_requirements(item_code=order.item.code, category_code=order.item.category.code)


def _task_needs(orders: list[Order], caregivers: list["Caregiver"], day: datetime.date):
    """(order -> row, rows × caregivers) for the certificates each order's task needs beyond the
    item's level and 健康证 (workforce's requirements as data), each distinct set computed once."""
    sets: dict[tuple, int] = {}
    order_need = np.full(len(orders), -1, dtype=np.int64)
    for k, order in enumerate(orders):
        needed = _needs(order)
        if needed:
            order_need[k] = sets.setdefault(needed, len(sets))
    if not sets:
        return None, None  # no order needs more than its item's level and 健康证
    held = certificates_held([c.pk for c in caregivers], day)
    need_ok = np.zeros((len(sets), len(caregivers)), dtype=bool)
    for needed, row in sets.items():
        for j, c in enumerate(caregivers):
            need_ok[row, j] = all(r.met_by(held[c.pk]) for r in needed)
    return order_need, need_ok


@transaction.atomic
def dispatch_day(
    *, actor, day: datetime.date, provider: Provider | None = None, order_ids=None, request=None
) -> dict:
    """Offer the day's waiting orders (of one provider, or all) to caregivers. Returns counts."""
    if provider is not None and actor is not None:
        require_provider_admin(actor, provider)
    start, end = _day_bounds(day)
    waiting = Order.objects.select_for_update().filter(
        status=OrderStatus.CONFIRMED, window_start__gte=start, window_start__lt=end
    )
    if provider is not None:
        waiting = waiting.filter(provider=provider)
    if order_ids is not None:
        waiting = waiting.filter(pk__in=order_ids)
    orders = list(
        waiting.select_related("item", "item__category").defer("address").order_by("window_start", "id")
    )
    stopped = suspension.suspended("homecare", {o.provider_id for o in orders})  # oversight: major hazard
    orders = [o for o in orders if o.provider_id not in stopped]
    if not orders:
        return {"orders": 0, "offered": 0, "unassigned": 0, "travel_minutes": 0.0}
    provider_ids = {o.provider_id for o in orders}
    caregivers = caregivers_employed(organisation_ids=provider_ids, day=day)
    fixed = list(
        Order.objects.filter(
            caregiver__in=caregivers, status__in=BUSY_STATUSES, window_start__gte=start, window_start__lt=end
        ).defer("address")
    )
    policy = selectors.policy_for(orders[0].region_code)
    problem = build_problem(orders, caregivers, fixed, day, float(policy.travel_speed_kmh))
    levels = capability_levels({o.person_id for o in orders}, day)
    for k, order in enumerate(orders):  # impaired people need a more skilled caregiver
        if (levels.get(order.person_id) or 0) >= policy.impaired_capability_level:
            problem.order_level[k] = max(problem.order_level[k], policy.impaired_min_caregiver_level)
    cg_index = {c.pk: k for k, c in enumerate(caregivers)}
    declines = DispatchEvent.objects.filter(order__in=orders, kind=DispatchEvent.Kind.DECLINE)
    by_order = {o.pk: k for k, o in enumerate(orders)}
    for order_id, cg_id in declines.values_list("order_id", "caregiver_id"):
        if cg_id in cg_index:  # who declined an order is not offered it again
            problem.excluded.setdefault(by_order[order_id], set()).add(cg_index[cg_id])
    result = engine.assign(problem)
    offered = 0
    for k, order in enumerate(orders):
        cg = int(result.caregiver[k])
        if cg < 0:
            continue
        order.caregiver, order.status = caregivers[cg], OrderStatus.OFFERED
        order.save(update_fields=["caregiver", "status"])
        DispatchEvent.objects.create(
            order=order,
            region_code=order.region_code,
            kind=DispatchEvent.Kind.OFFER,
            caregiver=caregivers[cg],
            actor=_user(actor),
            travel_minutes=round(float(result.travel[k]), 1),
        )
        offered += 1
    summary = {
        "orders": len(orders),
        "offered": offered,
        "unassigned": len(orders) - offered,
        "travel_minutes": round(result.total_travel, 1),
    }
    audit.record(
        actor=actor,
        action=AuditAction.ORDER_DISPATCH,
        object_type="homecare.provider",
        object_id=str(provider.pk if provider else ""),
        region_code=provider.region_code if provider else "",
        request=request,
        day=day.isoformat(),
        orders=summary["orders"],
        offered=summary["offered"],
        unassigned=summary["unassigned"],
        travel_minutes=summary["travel_minutes"],
    )
    return summary


def _require_caregiver_or_provider(actor, order: Order) -> str:
    if selectors.is_order_caregiver(actor, order):
        return "caregiver"
    if selectors.is_order_provider(actor, order):
        return "provider"
    raise Forbidden()


@transaction.atomic
def order_accept(*, actor, order: Order, request=None) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    _require_caregiver_or_provider(actor, order)
    if not selectors.action_open(order, selectors.OrderAction.ACCEPT):
        raise Conflict(_("订单当前不是待接单状态"), field="status")
    order.status = OrderStatus.ACCEPTED
    order.save(update_fields=["status"])
    assert order.caregiver_id is not None  # an offered order has its caregiver (action_open above)
    Visit.objects.update_or_create(
        order=order, defaults={"caregiver_id": order.caregiver_id, "region_code": order.region_code}
    )
    DispatchEvent.objects.create(
        order=order,
        region_code=order.region_code,
        kind=DispatchEvent.Kind.ACCEPT,
        caregiver_id=order.caregiver_id,
        actor=_user(actor),
    )
    audit.record(
        actor=actor,
        action=AuditAction.ORDER_ACCEPT,
        obj=order,
        request=request,
        caregiver_id=order.caregiver_id,
    )
    return order


@transaction.atomic
def order_decline(*, actor, order: Order, reason: str, request=None) -> Order:
    """The caregiver or provider declines the offer with a reason; the order waits for dispatch again."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    _require_caregiver_or_provider(actor, order)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写拒单原因"), field="reason")
    if not selectors.action_open(order, selectors.OrderAction.DECLINE):
        raise Conflict(_("订单当前不能拒单"), field="status")
    declined = order.caregiver_id
    Visit.objects.filter(order=order, check_in_at__isnull=True, check_out_at__isnull=True).delete()
    order.status, order.caregiver = OrderStatus.CONFIRMED, None
    order.save(update_fields=["status", "caregiver"])
    DispatchEvent.objects.create(
        order=order,
        region_code=order.region_code,
        kind=DispatchEvent.Kind.DECLINE,
        caregiver_id=declined,
        actor=_user(actor),
        reason=reason[:200],
    )
    audit.record(
        actor=actor,
        action=AuditAction.ORDER_DECLINE,
        obj=order,
        request=request,
        caregiver_id=declined,
        reason=reason[:200],
    )
    return order


@transaction.atomic
def order_reassign(*, actor, order: Order, caregiver: "Caregiver", reason: str = "", request=None) -> Order:
    """The provider hands the order to another of its caregivers (who must be qualified and free)."""
    order = Order.objects.select_for_update().select_related("item", "item__category").get(pk=order.pk)
    if not selectors.is_order_provider(actor, order):
        require_provider_admin(actor, order.provider)
    if caregiver.organisation_id != order.provider_id:
        raise InvalidInput(_("该护理员不属于本机构"), field="caregiver")
    if not selectors.action_open(order, selectors.OrderAction.REASSIGN):
        raise Conflict(_("服务已开始或已结束，不能改派"), field="status")
    day = selectors.local_day(order.window_start)
    q = qualifications_on([caregiver.pk], day)[caregiver.pk]
    if order.item.min_level and q.level < order.item.min_level:
        raise InvalidInput(_("该护理员的养老护理员等级不足"), field="caregiver")
    if order.item.needs_health_certificate and not q.health:
        raise InvalidInput(_("该护理员没有有效的健康证"), field="caregiver")
    unmet = unmet_requirements(caregiver.pk, day, _needs(order))
    if unmet:
        raise InvalidInput(_("该护理员没有有效的：%(c)s") % {"c": _("、").join(unmet)}, field="caregiver")
    clash = Order.objects.filter(
        caregiver=caregiver,
        status__in=BUSY_STATUSES,
        window_start__lt=order.window_end,
        window_end__gt=order.window_start,
    ).exclude(pk=order.pk)
    if clash.exists():
        raise Conflict(_("该护理员在此时段已有服务"), field="caregiver")
    previous = order.caregiver_id
    Visit.objects.filter(order=order, check_in_at__isnull=True, check_out_at__isnull=True).delete()
    order.caregiver, order.status = caregiver, OrderStatus.OFFERED
    order.save(update_fields=["caregiver", "status"])
    DispatchEvent.objects.create(
        order=order,
        region_code=order.region_code,
        kind=DispatchEvent.Kind.REASSIGN,
        caregiver=caregiver,
        actor=_user(actor),
        reason=(reason or "").strip()[:200],
    )
    audit.record(
        actor=actor,
        action=AuditAction.ORDER_REASSIGN,
        obj=order,
        request=request,
        caregiver_id=caregiver.pk,
        previous=previous,
    )
    return order


def escalate_unassigned(*, now: datetime.datetime | None = None) -> dict:
    """Periodic: orders still waiting close to their start are escalated (one event per level,
    an audit row for the street) and dispatched again."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(hours=24)
    waiting = list(
        Order.objects.filter(
            status=OrderStatus.CONFIRMED, window_start__gt=now, window_start__lte=horizon
        ).defer("address")
    )
    escalated = 0
    days: set[datetime.date] = set()
    for order in waiting:
        policy = selectors.policy_for(order.region_code)
        if order.window_start - now > datetime.timedelta(minutes=policy.escalate_before_minutes):
            continue
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            if locked.status != OrderStatus.CONFIRMED:
                continue
            locked.escalation_level += 1
            locked.save(update_fields=["escalation_level"])
            DispatchEvent.objects.create(
                order=locked,
                region_code=locked.region_code,
                kind=DispatchEvent.Kind.ESCALATE,
                reason=_("开始前%(m)d分钟仍未派单") % {"m": policy.escalate_before_minutes},
            )
            audit.record(
                actor=None,
                action=AuditAction.ORDER_ESCALATE,
                obj=locked,
                system="escalation",
                level=locked.escalation_level,
            )
        escalated += 1
        days.add(selectors.local_day(order.window_start))
    offered = 0
    for day in sorted(days):
        offered += dispatch_day(actor=None, day=day, order_ids=[o.pk for o in waiting])["offered"]
    return {"escalated": escalated, "offered": offered}
