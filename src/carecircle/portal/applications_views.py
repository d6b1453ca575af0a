"""我要申请's forms (portal/views.py: `apply` lists what was applied for): ask for a capability
assessment, a place on a public institution's waiting list, a 托位 for an infant. Each page offers
only the account's own persons (registry.selectors.family_persons) and calls the owning module's
service, which checks the link, the age and duplicates again; a refusal comes back on the form
(422, or 409 for "already applied" with the message in plain words)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.assessment import services as assessment
from carecircle.childcare import services as childcare
from carecircle.core import scope
from carecircle.core.errors import Forbidden
from carecircle.core.types import AuthedRequest
from carecircle.facilities import selectors as facilities
from carecircle.facilities import services as facilities_services
from carecircle.portal import applications_forms as forms
from carecircle.portal.tiles import Linked, linked
from carecircle.registry.selectors import family_persons


def _persons(request: AuthedRequest) -> list[Linked]:
    """The account's persons; an account that is neither a resident nor linked to anyone is refused."""
    persons = linked(request.user)
    if not persons and not scope.has_perm(request.user, "portal.home"):
        raise Forbidden(_("此页面供老年人本人、家属和婴幼儿家长使用"))
    return persons


def _ids(persons: list[Linked], *, child: bool) -> list[int]:
    return [p.person.pk for p in persons if p.is_child == child]


def _sent() -> HttpResponse:
    """Back to 我要申请, which says the application was sent (no pop-up; a line above the list)."""
    return redirect(f"{reverse('portal:apply')}?sent=1#mine-h")


def _page(request: AuthedRequest, template: str, form: Any, context: dict[str, Any]) -> HttpResponse:
    context["form"] = form
    if form.errors:
        return render(request, template, context, status=form.failed_status)
    return render(request, template, context)


@login_required
def apply_assessment(request: AuthedRequest) -> HttpResponse:
    """Ask for a capability assessment for oneself or a linked older person."""
    persons = _persons(request)
    adults = family_persons(request.user).filter(pk__in=_ids(persons, child=False)).order_by("birth_date")
    form = forms.AssessmentRequestForm(request.POST or None, persons=adults)
    if request.method == "POST" and form.submit(
        partial(assessment.assessment_request_submit, actor=request.user, request=request)
    ):
        return _sent()
    return _page(request, "portal/apply_assessment.html", form, {"adults": adults})


@login_required
def apply_waiting(request: AuthedRequest) -> HttpResponse:
    """Apply for a place on a public institution's admission waiting list (轮候)."""
    persons = _persons(request)
    adults = [p for p in persons if not p.is_child]
    homes = facilities.waiting_list_facilities(p.person.region_code for p in adults)
    choices = family_persons(request.user).filter(pk__in=[p.person.pk for p in adults]).order_by("birth_date")
    form = forms.WaitingApplyForm(request.POST or None, persons=choices, facilities=homes)
    if request.method == "POST" and form.submit(
        partial(facilities_services.waiting_apply_resident, actor=request.user, request=request)
    ):
        return _sent()
    return _page(request, "portal/apply_waiting.html", form, {"adults": adults})


@login_required
def apply_childcare(request: AuthedRequest) -> HttpResponse:
    """Apply for a 托位 for a linked child at one or more centres of the child's district."""
    persons = _persons(request)
    kids = [p for p in persons if p.is_child]
    centres = facilities.childcare_centres_in(p.person.region_code for p in kids)
    children = family_persons(request.user).filter(pk__in=[p.person.pk for p in kids]).order_by("-birth_date")
    form = forms.ChildcareApplyForm(request.POST or None, children=children, centres=centres)
    if request.method == "POST" and form.submit(
        partial(childcare.application_submit, actor=request.user, request=request)
    ):
        return _sent()
    return _page(request, "portal/apply_childcare.html", form, {"kids": kids})
