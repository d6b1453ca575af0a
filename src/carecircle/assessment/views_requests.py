"""The staff side of the assessment requests residents make online (requests.py): the list
(count, filters, Excel export) with accept-with-appointment and refuse on each submitted row."""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.assessment import forms, selectors, services
from carecircle.assessment.list_specs import REQUESTS
from carecircle.core import list_pages
from carecircle.core.forms import INVALID_STATUS, ServiceForm
from carecircle.core.types import Actor, AuthedRequest


def _actions(user: Actor) -> Callable[[Any], list[str]]:
    def actions(req: Any) -> list[str]:
        return sorted(selectors.request_actions(user, req))

    return actions


def _page(request: AuthedRequest, *, failed: ServiceForm | None = None, status: int = 200) -> HttpResponse:
    context, _query = list_pages.listing(REQUESTS, request, row_extra=_actions(request.user))
    context["failed"] = failed
    return render(request, "assessment/requests.html", context, status=status)


@login_required
def request_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(
        request, REQUESTS, template="assessment/requests.html", row_extra=_actions(request.user)
    )


@login_required
@require_POST
def request_accept(request: AuthedRequest, assessment_request_id: int) -> HttpResponse:
    req = selectors.request_get(user=request.user, request_id=assessment_request_id, perm="assessment.record")
    form = forms.RequestAcceptForm(request.POST)
    call = partial(services.assessment_request_accept, actor=request.user, req=req, request=request)
    if not form.submit(call):
        return _page(request, failed=form, status=INVALID_STATUS)
    messages.success(
        request,
        _("已受理%(n)s的评估申请，预约%(d)s上门") % {"n": req.person.name, "d": form.result.appointment_on},
    )
    return redirect("assessment:requests")


@login_required
@require_POST
def request_refuse(request: AuthedRequest, assessment_request_id: int) -> HttpResponse:
    req = selectors.request_get(user=request.user, request_id=assessment_request_id, perm="assessment.record")
    form = forms.RequestRefuseForm(request.POST)
    call = partial(services.assessment_request_refuse, actor=request.user, req=req, request=request)
    if not form.submit(call):
        return _page(request, failed=form, status=INVALID_STATUS)
    messages.success(request, _("已答复%(n)s的评估申请：不予受理") % {"n": req.person.name})
    return redirect("assessment:requests")
