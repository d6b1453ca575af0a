"""Pages of the proactive wellbeing calls (主动关怀, issue 18): an operator's daily worklist (list
component, a short script per call, the on-time rate of the month), the supervisor's view of every
call, one call's page with its attempts, recording an outcome, and making today's calls now."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.alarms import list_specs_outreach, selectors, services
from carecircle.alarms.forms_outreach import OutreachGenerateForm, OutreachRecordForm
from carecircle.alarms.models import OutreachCall, OutreachResult, OutreachState
from carecircle.alarms.selectors import OutreachAction
from carecircle.core import list_pages, scope
from carecircle.core.errors import Forbidden
from carecircle.core.forms import INVALID_STATUS
from carecircle.core.types import AuthedRequest
from carecircle.registry import selectors as registry_selectors
from carecircle.registry import services as registry_services


def _rates(request: AuthedRequest) -> dict[str, Any]:
    today = timezone.localdate()
    rows = selectors.outreach_on_time(user=request.user, month=today)
    return {"rates": rows[:-1], "rate_total": rows[-1], "month": today}


def _row_extra(request: AuthedRequest) -> Any:
    def extra(call: OutreachCall) -> dict[str, Any]:
        return {
            "actions": selectors.outreach_actions(request.user, call),
            "key": uuid.uuid4().hex,
            "next": request.get_full_path(),
        }

    return extra


@login_required
def outreach_worklist(request: AuthedRequest) -> HttpResponse:
    """The operator's calls (today's and overdue, open, by default); POST exports the filtered set."""
    context = _rates(request)
    context["may_generate"] = scope.has_perm(request.user, "alarms.supervise")
    return list_pages.page(
        request,
        list_specs_outreach.WORKLIST,
        template="alarms/outreach_worklist.html",
        context=context,
        row_extra=_row_extra(request),
    )


@login_required
def outreach_calls(request: AuthedRequest) -> HttpResponse:
    """Every call of the supervisor's regions, any day and state."""
    context = _rates(request)
    context["may_generate"] = True
    return list_pages.page(
        request, list_specs_outreach.ALL_CALLS, template="alarms/outreach_worklist.html", context=context
    )


def _service_items() -> list[tuple[str, str]]:
    from django.apps import apps  # noqa: PLC0415 — the app registry, read only here

    if not apps.is_installed("carecircle.homecare"):
        return []
    from carecircle.homecare import selectors as homecare  # noqa: PLC0415 — the module may be absent

    return [
        (i.code, f"{c.name}·{i.name}") for c in homecare.catalogue() for i in getattr(c, "active_items", [])
    ]


def _call_page(
    request: AuthedRequest,
    call: OutreachCall,
    form: OutreachRecordForm | None = None,
    status: int = 200,
    phone: str = "",
) -> HttpResponse:
    actions = selectors.outreach_actions(request.user, call)
    items = _service_items()
    order_url = ""
    if OutreachAction.ORDER in actions:
        query = {"person_id": call.person_id, "item": call.service_item, "notes": call.note[:300]}
        order_url = f"{reverse('homecare:order_new')}?{urlencode(query)}"
    return render(
        request,
        "alarms/outreach_call.html",
        {
            "call": call,
            "age": registry_selectors.shown_person_age(call.person),
            "script": selectors.outreach_script(call),
            "attempts": call.attempt_rows.select_related("operator").all(),
            "actions": actions,
            "results": OutreachResult.choices,
            "items": items,
            "item_name": dict(items).get(call.service_item, call.service_item),
            "order_url": order_url,
            "visit": call.state == OutreachState.VISIT,
            "form": form,
            "key": uuid.uuid4().hex,
            "phone": phone,
            "can_operate": scope.has_perm(request.user, "alarms.operate", call.region_code),
        },
        status=status,
    )


@login_required
def outreach_call(request: AuthedRequest, outreach_call_id: int) -> HttpResponse:
    call = selectors.outreach_call_get(user=request.user, call_id=outreach_call_id)
    return _call_page(request, call)


@login_required
@require_POST
def outreach_call_phone(request: AuthedRequest, outreach_call_id: int) -> HttpResponse:
    """The person's full number for the operator making the call, without leaving the page: an
    unmasking through the registry's service (permission checked, audited with the call as purpose)."""
    call = selectors.outreach_call_get(user=request.user, call_id=outreach_call_id)
    if OutreachAction.RECORD not in selectors.outreach_actions(request.user, call):
        raise Forbidden()
    clear = registry_services.person_unmask(
        actor=request.user,
        person=call.person,
        purpose=_("主动关怀电话 #%(id)s（%(r)s）") % {"id": call.pk, "r": call.rule.name},
        request=request,
    )
    return _call_page(request, call, phone=str(clear["phone"] or ""))


@login_required
@require_POST
def outreach_record(request: AuthedRequest, outreach_call_id: int) -> HttpResponse:
    """Record an attempt's outcome (once per key); back to where it was sent from."""
    selectors.outreach_call_get(user=request.user, call_id=outreach_call_id)
    form = OutreachRecordForm(request.POST)
    ok = form.submit(
        partial(services.outreach_record, actor=request.user, call_id=outreach_call_id, request=request)
    )
    call = selectors.outreach_call_get(user=request.user, call_id=outreach_call_id)
    if not ok:
        return _call_page(request, call, form, status=INVALID_STATUS)
    messages.success(
        request, _("已记录：%(p)s，%(s)s") % {"p": call.person.name, "s": call.get_state_display()}
    )
    target = form.cleaned_data.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("alarms:outreach_call", outreach_call_id=outreach_call_id)


@login_required
@require_POST
def outreach_generate(request: AuthedRequest) -> HttpResponse:
    """Make today's calls of the supervisor's regions now (the daily task makes them at 06:00)."""
    form = OutreachGenerateForm(request.POST)
    if form.submit(partial(services.outreach_generate, actor=request.user, request=request)):
        done = form.result
        messages.success(
            request, _("已生成 %(c)s 通关怀电话，分派 %(a)s 通") % {"c": done.created, "a": done.assigned}
        )
    return redirect("alarms:outreach_calls")
