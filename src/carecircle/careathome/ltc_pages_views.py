"""Staff pages of LTC care plans and the month's settlement: the lists of plans, settlements and
visits (count, filters, Excel export), a plan's page (entitlement, hours used this month, its
orders) and a settlement's page (its lines, the visits held back, the co-payment, the ledger
posting); on the settlements list, a closed month of a provider settled by an official who settles
(ltc_care.ltc_settle, once: a second press is refused with 409). The writes are ltc_care's services."""

import datetime
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.careathome import ltc_pages_list_specs as specs
from carecircle.careathome import ltc_pages_selectors as sel
from carecircle.careathome import services
from carecircle.careathome.ltc_forms import LtcSettleForm
from carecircle.careathome.ltc_reference import LEVEL_NAMES
from carecircle.core import list_pages, scope
from carecircle.core.selectors import region_label
from carecircle.core.types import AuthedRequest


@login_required
def ltc_plan_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, specs.LTC_PLANS)


SETTLEMENTS = "careathome/ltc_settlements.html"
SETTLE = "ltc.decide"  # what ltc_care.ltc_settle checks, in the provider's region


def _settle_form(request: AuthedRequest) -> LtcSettleForm | None:
    if not scope.has_perm(request.user, SETTLE):
        return None
    last = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    return LtcSettleForm(user=request.user, initial={"month": last})


@login_required
def ltc_settlement_list(request: AuthedRequest) -> HttpResponse:
    context = {"settle_form": _settle_form(request)}
    return list_pages.page(request, specs.LTC_SETTLEMENTS, template=SETTLEMENTS, context=context)


@login_required
@require_POST
def ltc_settlement_settle(request: AuthedRequest) -> HttpResponse:
    """Settle a provider's closed month from the list; a refusal comes back on the list's form."""
    scope.require_perm(request.user, SETTLE)
    form = LtcSettleForm(request.POST, user=request.user)
    if not form.submit(partial(services.ltc_settle, actor=request.user, request=request)):
        context, _query = list_pages.listing(specs.LTC_SETTLEMENTS, request)
        return render(request, SETTLEMENTS, {**context, "settle_form": form}, status=form.failed_status)
    s = form.result
    messages.success(
        request, _("已结算 %(p)s %(m)s") % {"p": s.provider.name, "m": s.month.strftime("%Y-%m")}
    )
    return redirect("careathome:ltc_settlement_detail", s.pk)


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
