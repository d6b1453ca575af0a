"""Home services' staff lists on the list component (core/list_pages.py; the specs are in
list_specs.py): the orders, the visits (服务记录), the visit exceptions with their review, and the
providers."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carecircle.core import list_pages, tables
from carecircle.core.errors import Forbidden, NotFound
from carecircle.core.forms import INVALID_STATUS
from carecircle.core.types import AuthedRequest
from carecircle.homecare import evv, forms, list_specs, selectors
from carecircle.homecare.views import _roles

LIST = "homecare/list.html"


@login_required
def order_list(request: AuthedRequest) -> HttpResponse:
    """The orders the user may see (GET); POST exports the filtered set (staff and provider admins)."""
    if "day" in request.GET:  # an address of the one-day filter: the same day as a range
        day = tables.parse_date(request.GET["day"], "day")
        query = request.GET.copy()
        del query["day"]
        query["day_from"] = query["day_to"] = day.isoformat()
        return redirect(f"{request.path}?{query.urlencode()}")
    may_export = list_specs.may_export_orders(request.user)
    if request.method == "POST" and not may_export:
        raise Forbidden()
    return list_pages.page(
        request,
        list_specs.ORDERS,
        template=LIST,
        context={"roles": _roles(request.user), "may_export": may_export},
    )


@login_required
def visit_list(request: AuthedRequest) -> HttpResponse:
    """The verified visits (签到/签退, 时长, 核验异常) of the user's regions or own organisation."""
    return list_pages.page(request, list_specs.VISITS, template=LIST, context={"roles": _roles(request.user)})


@login_required
def provider_list(request: AuthedRequest) -> HttpResponse:
    """The providers of the user's regions (a provider's admin: their own), with their areas by name."""
    return list_pages.page(
        request, list_specs.PROVIDERS, template=LIST, context={"roles": _roles(request.user)}
    )


@login_required
def exception_list(request: AuthedRequest) -> HttpResponse:
    """The visit exceptions to review (first visit: the open ones); POST exports the filtered set."""
    return list_pages.page(
        request,
        list_specs.EXCEPTIONS,
        template="homecare/exceptions.html",
        context={"roles": _roles(request.user)},
    )


@login_required
def exception_review(request: AuthedRequest, exception_id: int) -> HttpResponse:
    """One exception's facts and the review form (GET); POST accepts or rejects it with a reason."""
    exception = selectors.exceptions_for(user=request.user, status="").filter(pk=exception_id).first()
    if exception is None:
        raise NotFound()
    form = forms.ExceptionReviewForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.submit(
            partial(evv.exception_review, actor=request.user, exception=exception, request=request)
        ):
            messages.success(request, _("已审核"))
            return redirect("homecare:exception_list")
        status = INVALID_STATUS
    return render(
        request,
        "homecare/exception_review.html",
        {"e": exception, "form": form, "roles": _roles(request.user)},
        status=status,
    )
