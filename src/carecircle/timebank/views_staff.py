"""The time bank's staff pages: volunteers, requests, the districts' report with the guarantee pool
and the ledger check (core/lists.py: count, filters, Excel export)."""

import uuid
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import list_pages
from carecircle.timebank import forms, selectors, services
from carecircle.timebank.list_specs import REPORT, REQUESTS, VOLUNTEERS

REPORT_TEMPLATE = "timebank/report.html"


@login_required
def volunteer_list(request):
    return list_pages.page(request, VOLUNTEERS, template="core/list_page.html")


@login_required
def request_list(request):
    return list_pages.page(request, REQUESTS, template="core/list_page.html")


def _report_extra(request, failed=None):
    districts = selectors.districts_for(request.user)
    return {
        "guarantee_form": failed or forms.GuaranteeForm(districts=districts),
        "districts": districts,
        "token": uuid.uuid4().hex,
        "check": selectors.ledger_check(),
    }


@login_required
def report(request):
    """Hours by district, redemption time, outstanding hours against the guarantee pool."""
    return list_pages.page(request, REPORT, template=REPORT_TEMPLATE, context=_report_extra(request))


@login_required
@require_POST
def guarantee_deposit(request):
    form = forms.GuaranteeForm(request.POST, districts=selectors.districts_for(request.user))
    if not form.submit(partial(services.guarantee_deposit, actor=request.user, request=request)):
        context, _query = list_pages.listing(REPORT, request)
        return render(
            request, REPORT_TEMPLATE, {**context, **_report_extra(request, form)}, status=form.failed_status
        )
    messages.success(request, _("保障金/保障时数已存入"))
    return redirect("timebank:report")
