"""Pages of routing (issue 18): an operator's shift (sign on at a centre, sign off) with the calls
ringing for them, the ringing panel that the console and the shift page refresh from the event
stream, answering a rung call, and the supervisor's centres (overflow centre, ring thresholds)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.alarms import routing, services
from carecircle.alarms.forms import ActionForm
from carecircle.alarms.forms_routing import CentreForm, SignOnForm
from carecircle.alarms.policy import policy_for
from carecircle.core import scope
from carecircle.core.forms import render_invalid
from carecircle.core.types import AuthedRequest

OPERATE = "alarms.operate"
SUPERVISE = "alarms.supervise"


def _ringing_context(request: AuthedRequest) -> dict[str, object]:
    shift = routing.open_shift(request.user)
    return {
        "shift": shift,
        "ringing": list(routing.ringing(request.user, shift=shift)[:50]),
        "high": policy_for("").high_priority,
        "now": timezone.now(),
    }


def _shift_page(request: AuthedRequest, form: SignOnForm | None = None) -> HttpResponse:
    context = {**_ringing_context(request), "form": form or SignOnForm(user=request.user)}
    if form is not None:
        return render_invalid(request, "alarms/shift.html", context)
    return render(request, "alarms/shift.html", context)


@login_required
def shift(request: AuthedRequest) -> HttpResponse:
    """The operator's shift: on or off, where, and what rings for them now."""
    scope.require_perm(request.user, OPERATE)
    return _shift_page(request)


@login_required
@require_POST
def shift_sign_on(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, OPERATE)
    form = SignOnForm(request.POST, user=request.user)
    if not form.submit(partial(services.shift_sign_on, actor=request.user, request=request)):
        return _shift_page(request, form)
    messages.success(request, _("已在%(c)s上岗") % {"c": form.result.centre.name})
    return redirect("alarms:shift")


@login_required
@require_POST
def shift_sign_off(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, OPERATE)
    form = ActionForm(request.POST)
    form.submit(partial(services.shift_sign_off, actor=request.user, request=request))
    messages.success(request, _("已下岗") if form.result else _("当前不在岗"))
    return redirect("alarms:shift")


@login_required
def ringing(request: AuthedRequest) -> HttpResponse:
    """The calls ringing for the operator now (the panel's fragment, refreshed on every event)."""
    scope.require_perm(request.user, OPERATE)
    return render(request, "alarms/_ringing.html", _ringing_context(request))


@login_required
@require_POST
def ring_answer(request: AuthedRequest, ring_incident_id: int) -> HttpResponse:
    """Answer a ringing call: the incident is the operator's from now on (its card opens)."""
    scope.require_perm(request.user, OPERATE)
    form = ActionForm(request.POST)
    form.submit(
        partial(services.ring_answer, actor=request.user, incident_id=ring_incident_id, request=request)
    )
    messages.success(request, _("已接警"))
    return redirect("alarms:incident_detail", incident_id=ring_incident_id)


def _centres_page(request: AuthedRequest, form: CentreForm | None = None) -> HttpResponse:
    rows = list(routing.supervised_centres(request.user))
    names = routing.on_shift_names(c.pk for c in rows)
    context = {
        "rows": [(c, names.get(c.pk, [])) for c in rows],
        "form": form or CentreForm(user=request.user),
    }
    if form is not None:
        return render_invalid(request, "alarms/centres.html", context)
    return render(request, "alarms/centres.html", context)


@login_required
def centres(request: AuthedRequest) -> HttpResponse:
    """The alarm-receiving centres of the supervisor's districts: overflow centre, ring thresholds,
    operators on shift; and the form that sets a district's centre."""
    scope.require_perm(request.user, SUPERVISE)
    return _centres_page(request)


@login_required
@require_POST
def centre_save(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, SUPERVISE)
    form = CentreForm(request.POST, user=request.user)
    if not form.submit(partial(services.centre_save, actor=request.user, request=request)):
        return _centres_page(request, form)
    messages.success(request, _("已保存%(c)s") % {"c": form.result.name})
    return redirect("alarms:centres")
