"""Reads behind the staff pages of LTC care plans and the month's settlement: the plans and
settlements in the user's regions, a plan's hours used this month, and a settlement's lines (each
visit of the month counted, held back or not paid, split as ltc_care's settlement split it)."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.careathome.ltc_care import CENT, VERIFIED
from carecircle.careathome.models.ltc import LtcCarePlan, LtcEntitlement, LtcPlanOrder, LtcSettlement
from carecircle.careathome.selectors import city_of
from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.months import month_bounds as month_range  # the settlement's month
from carecircle.core.types import Actor

WEEKDAY_NAMES = "一二三四五六日"


def weekday_names(days: str) -> str:
    return "、".join(_("周%(d)s") % {"d": WEEKDAY_NAMES[int(d) - 1]} for d in days if d.isdigit())


def ltc_plan_list(*, user: Actor) -> QuerySet[LtcCarePlan]:
    rows = LtcCarePlan.objects.select_related("person", "provider", "item", "assessment")
    return scope.in_scope(rows, user, "ltc.view").order_by("-valid_from", "-pk")


def ltc_plan_get(*, user: Actor, plan_id: int) -> LtcCarePlan:
    rows = LtcCarePlan.objects.select_related("person", "provider", "item", "assessment")
    return access_by_id(rows, plan_id, user=user, perm="ltc.view")


def ltc_settlement_list(*, user: Actor) -> QuerySet[LtcSettlement]:
    rows = LtcSettlement.objects.select_related("provider")
    return scope.in_scope(rows, user, "ltc.view").order_by("-month", "provider__name")


def ltc_settlement_get(*, user: Actor, settlement_id: int) -> LtcSettlement:
    rows = LtcSettlement.objects.select_related("provider", "settled_by")
    return access_by_id(rows, settlement_id, user=user, perm="ltc.view")


def _month_visits(month: datetime.date, **where: Any) -> QuerySet[LtcPlanOrder]:
    start, end = month_range(month)
    return LtcPlanOrder.objects.filter(
        order__window_start__gte=start, order__window_start__lt=end, order__status__in=VERIFIED, **where
    )


def _disputes(qs: QuerySet[LtcPlanOrder]) -> tuple[set[int], set[int]]:
    """The orders held back (an open exception or complaint) and those not paid (a rejected one)."""

    def ids(q: Q) -> set[int]:
        return set(qs.filter(q).values_list("order_id", flat=True))

    held = ids(Q(order__visit__exceptions__status="open")) | ids(Q(order__complaints__status="open"))
    return held, ids(Q(order__visit__exceptions__status="rejected"))


def ltc_hours_used(person_id: int, day: datetime.date | None = None) -> Decimal:
    """Hours of the person's verified LTC visits in `day`'s month (not counting those rejected)."""
    qs = _month_visits(day or timezone.localdate(), person_id=person_id)
    _held, rejected = _disputes(qs)
    minutes = sum(
        m for oid, m in qs.values_list("order_id", "order__item__duration_minutes") if oid not in rejected
    )
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


def ltc_plan_entitlement(plan: LtcCarePlan) -> LtcEntitlement | None:
    """The city's entitlement for the plan's level (None until the city has entered it)."""
    level = plan.assessment.level or 0
    return LtcEntitlement.objects.filter(city_code=city_of(plan.region_code), level=level).first()


def ltc_plan_orders(plan: LtcCarePlan) -> QuerySet[LtcPlanOrder]:
    return plan.orders.select_related("order", "order__caregiver").order_by("-day")


@dataclass(frozen=True)
class SettlementLine:
    day: datetime.date
    person: str
    item: str
    minutes: int
    price: Decimal
    state: str
    fund: Decimal
    own: Decimal


def ltc_settlement_lines(s: LtcSettlement) -> list[SettlementLine]:
    """The settlement's visits in date order: counted (fund's share within the person's monthly
    hours, the rest co-paid), held back in dispute, or not paid (exception rejected)."""
    qs = _month_visits(s.month, order__provider_id=s.provider_id)
    held, rejected = _disputes(qs)
    ents = {e.level: e for e in LtcEntitlement.objects.filter(city_code=city_of(s.region_code))}
    used: dict[int, int] = {}
    out = []
    rows = qs.select_related("person", "order", "order__item").order_by("order__window_start", "pk")
    for link in rows:
        order, minutes = link.order, link.order.item.duration_minutes
        fund = Decimal("0")
        if order.pk in rejected:
            state = _("异常已驳回，不予结算")
        elif order.pk in held:
            state = _("争议暂缓")
        else:
            state = _("核验通过")
            ent = ents.get(link.level)
            if ent is not None and used.get(link.person_id, 0) + minutes <= ent.hours_per_month * 60:
                used[link.person_id] = used.get(link.person_id, 0) + minutes
                fund = (order.price * ent.fund_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        counted = order.pk not in rejected and order.pk not in held
        out.append(
            SettlementLine(
                day=timezone.localtime(order.window_start).date(),
                person=link.person.name,
                item=order.item.name,
                minutes=minutes,
                price=order.price,
                state=str(state),
                fund=fund,
                own=order.price - fund if counted else Decimal("0"),
            )
        )
    return out


def ltc_visit_list(*, user: Actor) -> QuerySet[LtcPlanOrder]:
    """Every LTC-plan visit in the user's regions (the persons' communities)."""
    rows = LtcPlanOrder.objects.select_related("person", "plan__provider", "order", "order__item")
    return scope.in_scope(rows, user, "ltc.view", field="plan__region_code").order_by("-day", "-pk")


def mark_disputes(links: list[LtcPlanOrder]) -> None:
    """Give each visit of a page its settlement state (`state`), from two queries for the page."""
    qs = LtcPlanOrder.objects.filter(pk__in=[link.pk for link in links])
    held, rejected = _disputes(qs)
    for link in links:
        if link.order.status not in VERIFIED:
            link.state = link.order.get_status_display()  # type: ignore[attr-defined]
        elif link.order_id in rejected:
            link.state = _("异常已驳回，不予结算")  # type: ignore[attr-defined]
        elif link.order_id in held:
            link.state = _("争议暂缓")  # type: ignore[attr-defined]
        else:
            link.state = _("核验通过")  # type: ignore[attr-defined]
