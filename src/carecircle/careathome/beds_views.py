"""Pages of family care beds (家庭养老床位): the list (count, filters, Excel), signing a bed for a
person found by name or ID number, one bed with its devices, visit schedule and missed-visit
warnings; writes in beds_services, refusals left to the error middleware."""

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.careathome import beds_forms as forms
from carecircle.careathome import beds_list_specs, beds_selectors, beds_services, money_selectors
from carecircle.careathome.models.beds import FamilyBed
from carecircle.core import list_pages, scope
from carecircle.core.forms import render_invalid
from carecircle.core.types import AuthedRequest
from carecircle.registry.selectors import person_search

DETAIL = "careathome/beds_detail.html"


@login_required
def bed_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, beds_list_specs.BEDS)


@login_required
def bed_contract(request: AuthedRequest) -> HttpResponse:
    """GET: find the person (name or whole ID number); POST: sign the bed."""
    scope.require_perm(request.user, "careathome.homes_apply")
    text = (request.GET.get("q") or "").strip()
    found = list(person_search(user=request.user, text=text)[:20]) if text else []
    form = forms.ContractForm(request.POST or None, user=request.user)
    context: dict[str, Any] = {"form": form, "q": text, "found": found}
    if request.method == "POST":
        if not form.submit(partial(beds_services.bed_contract, actor=request.user, request=request)):
            return render_invalid(request, "careathome/beds_contract.html", context)
        messages.success(request, _("已签订家庭养老床位协议"))
        return redirect("careathome:bed_detail", form.result.pk)
    return render(request, "careathome/beds_contract.html", context)


def _context(request: AuthedRequest, bed: FamilyBed, **bound: Any) -> dict[str, Any]:
    return {
        "bed": bed,
        "devices": bed.devices.select_related("device"),
        "missed": bed.missed_visits.all(),
        "postings": money_selectors.bed_postings(bed),
        "may_manage": beds_selectors.may_manage(request.user, bed),
        "may_devices": beds_selectors.may_manage(request.user, bed)
        and scope.has_perm(request.user, "alarms.devices", bed.region_code),
        "device_form": bound.get("device") or forms.DeviceForm(),
        "end_form": bound.get("end") or forms.EndForm(),
        "today": timezone.localdate(),
    }


@login_required
def bed_detail(request: AuthedRequest, family_bed_id: int) -> HttpResponse:
    bed = beds_selectors.bed_get(user=request.user, family_bed_id=family_bed_id)
    return render(request, DETAIL, _context(request, bed))


@login_required
@require_POST
def bed_device(request: AuthedRequest, family_bed_id: int) -> HttpResponse:
    bed = beds_selectors.bed_get(user=request.user, family_bed_id=family_bed_id)
    form = forms.DeviceForm(request.POST)
    if not form.submit(partial(beds_services.bed_device_add, actor=request.user, bed=bed, request=request)):
        return render_invalid(request, DETAIL, _context(request, bed, device=form))
    messages.success(request, _("已登记监测设备，报警按呼叫中心规则处置"))
    return redirect("careathome:bed_detail", bed.pk)


@login_required
@require_POST
def bed_end(request: AuthedRequest, family_bed_id: int) -> HttpResponse:
    bed = beds_selectors.bed_get(user=request.user, family_bed_id=family_bed_id)
    form = forms.EndForm(request.POST)
    if not form.submit(partial(beds_services.bed_end, actor=request.user, bed=bed, request=request)):
        return render_invalid(request, DETAIL, _context(request, bed, end=form))
    messages.success(request, _("已终止家庭养老床位"))
    return redirect("careathome:bed_detail", bed.pk)
