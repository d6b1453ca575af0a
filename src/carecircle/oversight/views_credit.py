"""Credit pages (issue 20 item 5): a unit's credit (score, grade, every event with its weighted
contribution), the penalty entry for officials, and 信用修复 requests with their decision
(docs/directory-guide.md, "Writing a page")."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import list_pages, scope
from carecircle.core.forms import ServiceForm
from carecircle.core.types import AuthedRequest
from carecircle.oversight import forms_credit as forms
from carecircle.oversight import selectors_credit as selectors
from carecircle.oversight import services
from carecircle.oversight.inspections import is_unit_admin
from carecircle.oversight.list_specs_credit import CORRECTIONS
from carecircle.oversight.models import CreditCorrection, Unit

UNIT_TEMPLATE = "oversight/credit_unit.html"
CORRECTION_TEMPLATE = "oversight/credit_correction.html"


def _unit_page(request: AuthedRequest, unit: Unit, *, failed: ServiceForm | None = None) -> HttpResponse:
    context = {
        "unit": unit,
        "sheet": selectors.credit_sheet(unit),
        "penalties": selectors.penalties_of(unit),
        "may_penalise": scope.has_perm(request.user, "oversight.plan", unit.region_code),
        "may_request": is_unit_admin(request.user, unit),
        "failed": failed,
    }
    return render(request, UNIT_TEMPLATE, context, status=failed.failed_status if failed else 200)


@login_required
def credit_unit(request: AuthedRequest, unit_id: int) -> HttpResponse:
    return _unit_page(request, selectors.credit_unit_get(user=request.user, unit_id=unit_id))


@login_required
@require_POST
def credit_penalty(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = selectors.credit_unit_get(user=request.user, unit_id=unit_id)
    form = forms.PenaltyForm(request.POST)
    if not form.submit(partial(services.penalty_record, actor=request.user, unit=unit, request=request)):
        return _unit_page(request, unit, failed=form)
    messages.success(request, _("行政处罚已登记，信用等级已重新计算"))
    return redirect("oversight:credit_unit", unit_id=unit.pk)


@login_required
@require_POST
def credit_event_correct(request: AuthedRequest, credit_event_id: int) -> HttpResponse:
    event = selectors.credit_event_get(user=request.user, credit_event_id=credit_event_id)
    form = forms.CorrectionRequestForm(request.POST)
    if not form.submit(
        partial(services.correction_request, actor=request.user, event=event, request=request)
    ):
        return _unit_page(request, event.unit, failed=form)
    messages.success(request, _("信用修复申请已提交，等待另一名工作人员审核"))
    return redirect("oversight:credit_correction", correction_id=form.result.pk)


@login_required
def credit_corrections(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, CORRECTIONS, template="core/list_page.html")


def _correction_page(
    request: AuthedRequest, correction: CreditCorrection, *, failed: ServiceForm | None = None
) -> HttpResponse:
    context = {
        "correction": correction,
        "actions": selectors.correction_actions(request.user, correction),
        "own": correction.requested_by_id == request.user.pk,
        "failed": failed,
    }
    return render(request, CORRECTION_TEMPLATE, context, status=failed.failed_status if failed else 200)


@login_required
def credit_correction(request: AuthedRequest, correction_id: int) -> HttpResponse:
    return _correction_page(request, selectors.correction_get(user=request.user, correction_id=correction_id))


@login_required
@require_POST
def credit_correction_decide(request: AuthedRequest, correction_id: int) -> HttpResponse:
    correction = selectors.correction_get(user=request.user, correction_id=correction_id)
    form = forms.CorrectionDecisionForm(request.POST)
    if not form.submit(
        partial(services.correction_decide, actor=request.user, correction=correction, request=request)
    ):
        return _correction_page(request, correction, failed=form)
    approved = form.result.state == "approved"
    messages.success(request, _("已同意，信用等级已重新计算") if approved else _("已不同意该申请"))
    return redirect("oversight:credit_correction", correction_id=correction.pk)
