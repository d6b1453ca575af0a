"""Pages of assistive-device rental (康复辅具租赁): the points with their overdue returns and
utilisation (what a point's manager watches), the inventory, contracts and their monthly bills."""

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.careathome import homes_forms as forms
from carecircle.careathome import homes_list_specs, homes_reference, money_selectors, rentals_selectors
from carecircle.careathome import rentals_services as services
from carecircle.core import list_pages, scope
from carecircle.core.forms import render_invalid
from carecircle.core.types import AuthedRequest
from carecircle.registry.selectors import person_search

RENTAL = "careathome.rental"


def _points_context(request: AuthedRequest, form: Any = None) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "points": rentals_selectors.points(user=request.user),
        "overdue": rentals_selectors.overdue(user=request.user, day=today)[:50],
        "device_types": rentals_selectors.device_types(),
        "form": form or forms.PointForm(user=request.user),
        "annual_cap": homes_reference.RENTAL_ANNUAL_CAP,
        "shares": homes_reference.RENTAL_SHARES,
    }


@login_required
def rental_points(request: AuthedRequest) -> HttpResponse:
    """The points of the user's regions: units in service, out, to clean, in repair, utilisation,
    and the overdue returns; POST adds a point."""
    scope.require_perm(request.user, RENTAL)
    if request.method == "POST":
        form = forms.PointForm(request.POST, user=request.user)
        if not form.submit(partial(services.point_create, actor=request.user, request=request)):
            return render_invalid(request, "careathome/rental_points.html", _points_context(request, form))
        messages.success(request, _("已新增租赁点"))
        return redirect("careathome:rental_point", form.result.pk)
    return render(request, "careathome/rental_points.html", _points_context(request))


def _point_context(point: Any, form: Any = None) -> dict[str, Any]:
    return {
        "point": point,
        "units": point.units.select_related("device_type").order_by("serial"),
        "form": form or forms.UnitForm(),
    }


@login_required
def rental_point(request: AuthedRequest, rental_point_id: int) -> HttpResponse:
    point = rentals_selectors.point_get(user=request.user, point_id=rental_point_id)
    if request.method == "POST":
        form = forms.UnitForm(request.POST)
        if not form.submit(partial(services.unit_add, actor=request.user, point=point, request=request)):
            return render_invalid(request, "careathome/rental_point.html", _point_context(point, form))
        messages.success(request, _("已入库：%(s)s") % {"s": form.result.serial})
        return redirect("careathome:rental_point", point.pk)
    return render(request, "careathome/rental_point.html", _point_context(point))


@login_required
def rental_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, homes_list_specs.RENTALS)


@login_required
def unit_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, homes_list_specs.UNITS)


def _unit_context(request: AuthedRequest, unit: Any, form: Any = None) -> dict[str, Any]:
    text = (request.GET.get("q") or "").strip()
    found = list(person_search(user=request.user, text=text)[:20]) if text else []
    return {
        "unit": unit,
        "q": text,
        "found": found,
        "form": form or forms.DeliverForm(user=request.user, initial={"delivered_on": timezone.localdate()}),
        "contracts": unit.contracts.select_related("person").order_by("-delivered_on")[:20],
    }


@login_required
def unit_detail(request: AuthedRequest, device_unit_id: int) -> HttpResponse:
    unit = rentals_selectors.unit_get(user=request.user, unit_id=device_unit_id)
    return render(request, "careathome/rental_unit.html", _unit_context(request, unit))


@login_required
@require_POST
def unit_deliver(request: AuthedRequest, device_unit_id: int) -> HttpResponse:
    unit = rentals_selectors.unit_get(user=request.user, unit_id=device_unit_id)
    form = forms.DeliverForm(request.POST, user=request.user)
    if not form.submit(partial(services.rental_deliver, actor=request.user, unit=unit, request=request)):
        return render_invalid(request, "careathome/rental_unit.html", _unit_context(request, unit, form))
    messages.success(request, _("已交付"))
    return redirect("careathome:rental_detail", form.result.pk)


@login_required
@require_POST
def unit_clean(request: AuthedRequest, device_unit_id: int) -> HttpResponse:
    unit = rentals_selectors.unit_get(user=request.user, unit_id=device_unit_id)
    forms.EmptyForm(request.POST).submit(
        partial(services.unit_clean, actor=request.user, unit=unit, request=request)
    )
    messages.success(request, _("已清洗消毒，可再次出租"))
    return redirect("careathome:unit_detail", unit.pk)


@login_required
@require_POST
def unit_repaired(request: AuthedRequest, device_unit_id: int) -> HttpResponse:
    unit = rentals_selectors.unit_get(user=request.user, unit_id=device_unit_id)
    forms.EmptyForm(request.POST).submit(
        partial(services.unit_repaired, actor=request.user, unit=unit, request=request)
    )
    messages.success(request, _("已维修，待清洗消毒"))
    return redirect("careathome:unit_detail", unit.pk)


def _rental_context(contract: Any, **bound: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "contract": contract,
        "bills": contract.bills.all(),
        "postings": money_selectors.rental_postings(contract),
        "overdue": rentals_selectors.is_overdue(contract, today),
        "bill_form": bound.get("bill") or forms.BillForm(initial={"month": today.strftime("%Y-%m")}),
        "return_form": bound.get("ret") or forms.ReturnForm(initial={"returned_on": today}),
    }


@login_required
def rental_detail(request: AuthedRequest, rental_contract_id: int) -> HttpResponse:
    contract = rentals_selectors.contract_get(user=request.user, contract_id=rental_contract_id)
    return render(request, "careathome/rental_detail.html", _rental_context(contract))


@login_required
@require_POST
def rental_bill(request: AuthedRequest, rental_contract_id: int) -> HttpResponse:
    contract = rentals_selectors.contract_get(user=request.user, contract_id=rental_contract_id)
    form = forms.BillForm(request.POST)
    if not form.submit(partial(services.rental_bill, actor=request.user, contract=contract, request=request)):
        return render_invalid(request, "careathome/rental_detail.html", _rental_context(contract, bill=form))
    messages.success(request, _("已出账：%(m)s") % {"m": form.result.month})
    return redirect("careathome:rental_detail", contract.pk)


@login_required
@require_POST
def rental_return(request: AuthedRequest, rental_contract_id: int) -> HttpResponse:
    contract = rentals_selectors.contract_get(user=request.user, contract_id=rental_contract_id)
    form = forms.ReturnForm(request.POST)
    if not form.submit(
        partial(services.rental_return, actor=request.user, contract=contract, request=request)
    ):
        return render_invalid(request, "careathome/rental_detail.html", _rental_context(contract, ret=form))
    messages.success(request, _("已归还，待清洗消毒后方可再次出租"))
    return redirect("careathome:rental_detail", contract.pk)
