"""The centres' side of 托位 applications (applications.py): the list (count, filters, Excel export)
with, on each submitted row, a place offered in one of the centre's classes or a refusal with reason."""

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.childcare import applications, forms, selectors
from carecircle.childcare.applications_offer import application_offer
from carecircle.childcare.list_specs import APPLICATIONS
from carecircle.childcare.models import ChildClass
from carecircle.core import list_pages
from carecircle.core.forms import INVALID_STATUS, ServiceForm
from carecircle.core.types import Actor, AuthedRequest


def _row_extra(user: Actor) -> Any:
    """What each row offers `user` (selectors.application_actions) and, for an offer, the centre's
    open classes."""
    managed = selectors.managed_centres(user)
    classes: dict[int, list[ChildClass]] = {}
    for c in selectors.classes_for(user=user).filter(active=True):
        classes.setdefault(c.facility_id, []).append(c)

    def extra(a: Any) -> dict[str, Any]:
        return {
            "actions": selectors.application_actions(user, a, managed),
            "classes": classes.get(a.facility_id, []),
        }

    return extra


def _page(request: AuthedRequest, *, failed: ServiceForm | None = None, status: int = 200) -> HttpResponse:
    context, _query = list_pages.listing(APPLICATIONS, request, row_extra=_row_extra(request.user))
    context["failed"] = failed
    return render(request, "childcare/applications.html", context, status=status)


@login_required
def application_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(
        request, APPLICATIONS, template="childcare/applications.html", row_extra=_row_extra(request.user)
    )


@login_required
@require_POST
def application_offer_view(request: AuthedRequest, childcare_application_id: int) -> HttpResponse:
    app = selectors.application_get(
        user=request.user, application_id=childcare_application_id, perm="childcare.manage"
    )
    classes = selectors.classes_for(user=request.user, facility=app.facility).filter(active=True)
    form = forms.ApplicationOfferForm(request.POST, classes=classes)
    if not form.submit(partial(application_offer, actor=request.user, application=app, request=request)):
        return _page(request, failed=form, status=INVALID_STATUS)
    messages.success(
        request,
        _("已录取%(n)s：%(c)s，%(d)s入托")
        % {
            "n": app.child.name,
            "c": form.cleaned_data["child_class"].name,
            "d": form.cleaned_data["start_on"],
        },
    )
    return redirect("childcare:applications")


@login_required
@require_POST
def application_refuse_view(request: AuthedRequest, childcare_application_id: int) -> HttpResponse:
    app = selectors.application_get(
        user=request.user, application_id=childcare_application_id, perm="childcare.manage"
    )
    form = forms.ApplicationRefuseForm(request.POST)
    call = partial(applications.application_refuse, actor=request.user, application=app, request=request)
    if not form.submit(call):
        return _page(request, failed=form, status=INVALID_STATUS)
    messages.success(request, _("已答复%(n)s的托位申请：未录取") % {"n": app.child.name})
    return redirect("childcare:applications")
