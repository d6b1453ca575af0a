"""Staff pages of LTC care plans and the month's settlement: the lists of plans, settlements and
visits (count, filters, Excel export), a plan's page (entitlement, hours used this month, its
orders) and a settlement's page (its lines, the visits held back, the co-payment, the ledger
posting). Reads only; the writes are ltc_care's services."""

import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from carecircle.careathome import ltc_pages_list_specs as specs
from carecircle.careathome import ltc_pages_selectors as sel
from carecircle.careathome.ltc_reference import LEVEL_NAMES
from carecircle.core import list_pages
from carecircle.core.selectors import region_label
from carecircle.core.types import AuthedRequest


@login_required
def ltc_plan_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, specs.LTC_PLANS)


@login_required
def ltc_settlement_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, specs.LTC_SETTLEMENTS)


@login_required
def ltc_visit_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, specs.LTC_VISITS)


@login_required
def ltc_plan_detail(request: AuthedRequest, ltc_plan_id: int) -> HttpResponse:
    plan = sel.ltc_plan_get(user=request.user, plan_id=ltc_plan_id)
    level = plan.assessment.level or 0
    entitlement = sel.ltc_plan_entitlement(plan)
    orders = list(sel.ltc_plan_orders(plan)[:60])
    context = {
        "plan": plan,
        "person": plan.person,
        "region": region_label(plan.region_code),
        "level_name": LEVEL_NAMES[level],
        "weekdays": sel.weekday_names(plan.weekdays),
        "entitlement": entitlement,
        "own_percent": None if entitlement is None else 100 - entitlement.fund_percent,
        "used": sel.ltc_hours_used(plan.person_id),
        "month": timezone.localdate().strftime("%Y-%m"),
        "orders": orders,
        "order_count": plan.orders.count(),
    }
    return render(request, "careathome/ltc_plan_detail.html", context)


@login_required
def ltc_settlement_detail(request: AuthedRequest, ltc_settlement_id: int) -> HttpResponse:
    s = sel.ltc_settlement_get(user=request.user, settlement_id=ltc_settlement_id)
    last = timezone.localtime(sel.month_range(s.month)[1]).date() - datetime.timedelta(days=1)
    query = {"provider": s.provider.name, "day_from": s.month.isoformat(), "day_to": last.isoformat()}
    context = {
        "s": s,
        "region": region_label(s.region_code),
        "month": s.month.strftime("%Y-%m"),
        "lines": sel.ltc_settlement_lines(s),
        "hours": round(s.minutes / 60, 1),
        "visits_url": "?" + urlencode(query),
    }
    return render(request, "careathome/ltc_settlement_detail.html", context)
