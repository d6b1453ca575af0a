"""Pages of the caller screen-pop (来电弹屏): the pop the console asks for (static/alarms/screenpop.js),
a call's caller card as a page, and its actions (open an incident for the caller, close the pop)."""

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from carecircle.alarms import selectors, services, telephony
from carecircle.alarms.forms_calls import CallDismissForm, CallIncidentForm
from carecircle.alarms.models import OPEN_STATES, Call
from carecircle.core import scope
from carecircle.core.forms import INVALID_STATUS, ServiceForm
from carecircle.core.types import AuthedRequest
from carecircle.registry import selectors as registry_selectors

SEARCH_LIMIT = 20


def pop_key(call: Call) -> str:
    """Changes whenever the card would: another call, its state, its incident."""
    return f"{call.pk}-{call.state}-{call.incident_id or 0}"


def _card_context(
    request: AuthedRequest, call: Call, *, pop: bool, failed: ServiceForm | None = None
) -> dict[str, Any]:
    card = telephony.caller_card(user=request.user, call=call)
    q = request.GET.get("q", "").strip()
    found = []
    if q:  # a new caller, or a match that is not the person the call is about: find them by name
        people = registry_selectors.person_search(user=request.user, text=q)[:50]
        found = [p for p in people if scope.has_perm(request.user, "alarms.operate", p.region_code)][
            :SEARCH_LIMIT
        ]
    open_incidents = (
        selectors.incidents(user=request.user, perm="alarms.operate")
        .filter(person_id__in=card.person_ids, state__in=OPEN_STATES)
        .order_by("-opened_at")[:5]
        if card.person_ids
        else []
    )
    return {
        "call": call,
        "card": card,
        "pop": pop,
        "pop_key": pop_key(call),
        "actions": telephony.call_actions(request.user, call),
        "q": q,
        "found": found,
        "open_incidents": open_incidents,
        "failed": failed,
    }


@login_required
def call_pop(request: AuthedRequest) -> HttpResponse:
    """The newest call popped for this operator, as the console's pop: 204 when it is the one shown
    already (`?shown=<pop key>`), an empty answer when no call pops."""
    scope.require_perm(request.user, "alarms.operate")
    call = telephony.popped_calls(request.user).select_related("trunk", "operator").first()
    if call is None:
        return HttpResponse("")
    if request.GET.get("shown") == pop_key(call):
        return HttpResponse(status=204)
    return render(request, "alarms/_caller_card.html", _card_context(request, call, pop=True))


@login_required
def call_detail(request: AuthedRequest, call_id: int) -> HttpResponse:
    """A call's caller card as a page; asked from the pop (htmx: a search by name), the card alone."""
    call = telephony.call_get(user=request.user, call_id=call_id)
    if request.htmx:
        return render(request, "alarms/_caller_card.html", _card_context(request, call, pop=True))
    return render(request, "alarms/caller_detail.html", _card_context(request, call, pop=False))


def _act(
    request: AuthedRequest, call_id: int, form: ServiceForm, service: Any
) -> tuple[Call, bool, ServiceForm]:
    telephony.call_get(user=request.user, call_id=call_id)
    ok = form.submit(partial(service, actor=request.user, call_id=call_id, request=request))
    return telephony.call_get(user=request.user, call_id=call_id), ok, form


def _again(request: AuthedRequest, call: Call, form: ServiceForm) -> HttpResponse:
    """The card again with the form's errors (422): in the pop (htmx) or as the page."""
    template = "alarms/_caller_card.html" if request.htmx else "alarms/caller_detail.html"
    context = _card_context(request, call, pop=bool(request.htmx), failed=form)
    return render(request, template, context, status=INVALID_STATUS)


@login_required
@require_POST
def call_incident(request: AuthedRequest, call_id: int) -> HttpResponse:
    """Open (once) the phone incident of the person the call is about; the console's panel shows it."""
    call, ok, form = _act(request, call_id, CallIncidentForm(request.POST), services.call_open_incident)
    if not ok:
        return _again(request, call, form)
    incident = form.result
    if request.htmx:  # the pop's button swaps the incident's card into the console's panel
        return redirect("alarms:incident_card", incident_id=incident.pk)
    return redirect("alarms:incident_detail", incident_id=incident.pk)


@login_required
@require_POST
def call_dismiss(request: AuthedRequest, call_id: int) -> HttpResponse:
    call, ok, form = _act(request, call_id, CallDismissForm(request.POST), services.call_dismiss)
    if not ok:
        return _again(request, call, form)
    if request.htmx:
        return HttpResponse("")  # the pop empties
    return redirect("alarms:console")
