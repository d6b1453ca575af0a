"""Pages of the call platform: the operator console (live queue over server-sent events), the
incident card and its one-click actions, hand-opened incidents for phone calls, devices, the
supervisor's service levels, timeline export and the monthly report."""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.alarms import card, disclosure, events, forms, list_specs, reports, selectors, services
from carecircle.alarms.hub import AsyncSubscriber, ThreadSubscriber, hub
from carecircle.alarms.models import (
    AlarmKind,
    CallOutcome,
    CallTarget,
    DeviceKind,
    Incident,
    IncidentState,
    Outcome,
)
from carecircle.alarms.policy import policy_for
from carecircle.alarms.selectors import IncidentAction
from carecircle.core import exports, list_pages, scope, tables
from carecircle.core.forms import INVALID_STATUS, ServiceForm, render_invalid
from carecircle.core.types import AuthedRequest
from carecircle.registry import selectors as registry_selectors

PING_SECONDS_ASGI = 15
PING_SECONDS_WSGI = 2  # a WSGI thread notices a closed connection only when it writes
WSGI_STREAM_SECONDS = 300  # then the browser's EventSource reconnects by itself


@login_required
def console(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "alarms.operate")
    return render(
        request,
        "alarms/console.html",
        {
            "rows": selectors.queue(user=request.user),
            "high": _high_threshold(),
        },
    )


def _high_threshold() -> int:
    return policy_for("").high_priority


@login_required
def console_queue(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "alarms.operate")
    return render(
        request,
        "alarms/_queue.html",
        {"rows": selectors.queue(user=request.user), "high": _high_threshold(), "now": timezone.now()},
    )


def _sse(data: str, event: str = "") -> str:
    return (f"event: {event}\n" if event else "") + f"data: {data}\n\n"


@login_required
def console_stream(request: AuthedRequest) -> HttpResponse | StreamingHttpResponse:
    """Server-sent events of incident changes in the user's regions. Streams under ASGI (async
    generator) and under WSGI (a thread per connection); a client that does not ask for
    text/event-stream gets a one-off snapshot of the queue instead of a stream."""
    scope.require_perm(request.user, "alarms.operate")
    prefixes = scope.prefixes(request.user, "alarms.operate")
    if "text/event-stream" not in request.headers.get("Accept", ""):
        body = "".join(
            _sse(json.dumps(events.incident_event(i), ensure_ascii=False), "snapshot")
            for i in selectors.queue(user=request.user)
        )
        return HttpResponse(body, content_type="text/event-stream; charset=utf-8")
    stream = _async_stream(prefixes) if isinstance(request, ASGIRequest) else _sync_stream(prefixes)
    response = StreamingHttpResponse(stream, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


def _hello() -> str:
    return "retry: 2000\n" + _sse(json.dumps({"subscribers": hub.count(), "at": time.time()}), "hello")


async def _async_stream(prefixes: list[str]) -> AsyncIterator[str]:
    sub = AsyncSubscriber(prefixes, asyncio.get_running_loop())
    hub.subscribe(sub)
    try:
        yield _hello()
        while not sub.dropped:
            try:
                data = await asyncio.wait_for(sub.queue.get(), PING_SECONDS_ASGI)
            except TimeoutError:
                yield ": ping\n\n"
                continue
            yield _sse(data)
    finally:
        hub.unsubscribe(sub)


def _sync_stream(prefixes: list[str]) -> Iterator[str]:
    sub = ThreadSubscriber(prefixes)
    hub.subscribe(sub)
    try:
        yield _hello()
        end = time.monotonic() + WSGI_STREAM_SECONDS
        last = time.monotonic()
        while time.monotonic() < end and not sub.dropped:
            data = sub.get(timeout=0.5)
            if data is None:
                if time.monotonic() - last >= PING_SECONDS_WSGI:
                    last = time.monotonic()
                    yield ": ping\n\n"
                continue
            last = time.monotonic()
            yield _sse(data)
    finally:
        hub.unsubscribe(sub)


def _card_context(
    request: AuthedRequest, incident: Incident, failed: ServiceForm | None = None
) -> dict[str, Any]:
    actions = selectors.incident_actions(request.user, incident)
    return {
        "i": incident,
        "card": card.incident_card(actor=request.user, incident=incident, request=request),  # audits
        "timeline": incident.timeline.all(),
        "responders": incident.responders.all(),
        "candidates": services.untried_candidates(incident)[:6] if IncidentAction.DISPATCH in actions else [],
        "actions": actions,
        "can_operate": scope.has_perm(request.user, "alarms.operate", incident.region_code),
        "call_targets": CallTarget.choices,
        "call_outcomes": CallOutcome.choices,
        "outcomes": Outcome.choices,
        "failed": failed,
    }


def _incident_page(
    request: AuthedRequest, incident: Incident, *, failed: ServiceForm | None = None, status: int = 200
) -> HttpResponse:
    """The incident's card (htmx: the console's panel) or its page; `failed` is the action form that
    came back with errors, shown on the card."""
    template = "alarms/_card.html" if request.htmx else "alarms/incident_detail.html"
    return render(request, template, _card_context(request, incident, failed), status=status)


@login_required
def incident_card(request: AuthedRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, incident_id=incident_id)
    return render(request, "alarms/_card.html", _card_context(request, incident))


@login_required
def incident_detail(request: AuthedRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, incident_id=incident_id)
    return render(request, "alarms/incident_detail.html", _card_context(request, incident))


def _act(
    request: AuthedRequest,
    incident_id: int,
    form_class: type[ServiceForm],
    service: Callable[..., Any],
    **fixed: Any,
) -> HttpResponse:
    """One action on an incident: the form's values go to the service with the actor, the incident
    and the request; a bad value comes back on the card (422), a refusal or a conflict goes to the
    error page (core.middleware); success shows the card again (htmx) or goes back to the page."""
    selectors.incident_get(user=request.user, incident_id=incident_id)
    form = form_class(request.POST)
    ok = form.submit(partial(service, actor=request.user, incident_id=incident_id, request=request, **fixed))
    incident = selectors.incident_get(user=request.user, incident_id=incident_id)
    if not ok:
        return _incident_page(request, incident, failed=form, status=INVALID_STATUS)
    if request.htmx:
        return _incident_page(request, incident)
    return redirect("alarms:incident_detail", incident_id=incident_id)


@login_required
@require_POST
def incident_acknowledge(request: AuthedRequest, incident_id: int) -> HttpResponse:
    return _act(request, incident_id, forms.ActionForm, services.incident_acknowledge)


@login_required
@require_POST
def incident_call(request: AuthedRequest, incident_id: int) -> HttpResponse:
    return _act(request, incident_id, forms.CallForm, services.incident_call)


@login_required
@require_POST
def incident_dispatch(request: AuthedRequest, incident_id: int) -> HttpResponse:
    return _act(request, incident_id, forms.DispatchForm, services.responder_dispatch)


@login_required
@require_POST
def incident_on_site(request: AuthedRequest, incident_id: int) -> HttpResponse:
    return _act(
        request, incident_id, forms.ActionForm, services.incident_advance, state=IncidentState.ON_SITE
    )


@login_required
@require_POST
def incident_resolve(request: AuthedRequest, incident_id: int) -> HttpResponse:
    return _act(request, incident_id, forms.ResolveForm, services.incident_resolve)


@login_required
@require_POST
def incident_note(request: AuthedRequest, incident_id: int) -> HttpResponse:
    return _act(request, incident_id, forms.NoteForm, services.incident_note)


@login_required
@require_POST
def responder_confirm(request: AuthedRequest, responder_id: int) -> HttpResponse:
    responder = services.responder_confirm(actor=request.user, responder_id=responder_id, request=request)
    return redirect("alarms:incident_detail", incident_id=responder.incident_id)


@login_required
def incident_timeline_csv(request: AuthedRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, incident_id=incident_id)
    timeline = disclosure.timeline_export(actor=request.user, incident=incident, request=request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="incident-{incident.pk}-timeline.csv"'
    response.write("\ufeff")
    w = exports.csv_writer(response)
    w.writerow(
        [_("警情"), incident.pk, incident.title, incident.get_state_display(), incident.get_outcome_display()]
    )
    w.writerow([_("时间"), _("距发生（秒）"), _("类别"), _("操作人"), _("内容")])
    for row in timeline:
        w.writerow([row["at"], row["seconds"], row["kind"], row["actor"], row["text"]])
    return response


@login_required
def phone_open(request: AuthedRequest) -> HttpResponse:
    """An operator opens an incident by hand for someone who phoned the hotline."""
    scope.require_perm(request.user, "alarms.operate")
    q = request.GET.get("q", "").strip()
    people = []
    if q:
        found = registry_selectors.person_search(user=request.user, text=q)[:50]
        people = [p for p in found if scope.has_perm(request.user, "alarms.operate", p.region_code)][:20]
    form = forms.PhoneOpenForm(request.POST if request.method == "POST" else None)
    ctx = {
        "q": q,
        "people": people,
        "form": form,
        "kinds": [("phone", _("电话呼入"))] + list(AlarmKind.choices),
    }
    if request.method != "POST":
        return render(request, "alarms/phone_open.html", ctx)

    def open_call(*, person_id: int, kind: str, note: str) -> Incident:
        person = registry_selectors.person_get(user=request.user, person_id=person_id, perm="alarms.operate")
        return services.incident_open_by_phone(
            actor=request.user, person=person, kind=kind, note=note, request=request
        )

    if not form.submit(open_call):
        return render_invalid(request, "alarms/phone_open.html", ctx)
    return redirect("alarms:incident_detail", incident_id=form.result.pk)


@login_required
def devices(request: AuthedRequest) -> HttpResponse:
    """Every device of the user's regions, paged and filtered (GET); POST exports the filtered set."""
    return list_pages.page(
        request,
        list_specs.DEVICES,
        template="alarms/devices.html",
        context={"form": forms.DeviceForm(user=request.user), "kinds": DeviceKind.choices},
    )


@login_required
@require_POST
def device_register(request: AuthedRequest) -> HttpResponse:
    """Register a device; the list shows again with its one-time token, or with the form's errors."""
    form = forms.DeviceForm(request.POST, user=request.user)
    context, _query = list_pages.listing(list_specs.DEVICES, request)
    context["kinds"] = DeviceKind.choices
    if not form.submit(partial(services.device_register, actor=request.user, request=request)):
        return render(request, "alarms/devices.html", {**context, "form": form}, status=INVALID_STATUS)
    device, token = form.result
    messages.success(
        request, _("已登记设备 %(s)s，请把下面的令牌写入设备（只显示一次）") % {"s": device.serial}
    )
    context.update({"form": forms.DeviceForm(user=request.user), "token": token})
    return render(request, "alarms/devices.html", context)


@login_required
def incident_list(request: AuthedRequest) -> HttpResponse:
    """The incidents of the user's regions, every state, for the supervisor (GET; POST exports)."""
    return list_pages.page(request, list_specs.INCIDENTS)


@login_required
def supervisor(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "alarms.supervise")
    raw_day = request.GET.get("day", "")
    day = tables.parse_date(raw_day, "day") if raw_day else timezone.localdate()
    levels = selectors.service_levels(user=request.user, day=day)
    waiting = (
        selectors.incidents(user=request.user, perm="alarms.supervise")
        .filter(state=IncidentState.NEW)
        .count()
    )
    return render(request, "alarms/supervisor.html", {"levels": levels, "day": day, "waiting": waiting})


@login_required
def monthly_report(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "alarms.supervise")
    month = tables.parse_month(request.GET.get("month", "") or timezone.localdate(), "month")
    raw = month.strftime("%Y-%m")
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            reports.workbook_export(actor=request.user, month=month, request=request),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="alarms-{raw}.xlsx"'
        return response
    if request.GET.get("format") == "csv":
        rows = disclosure.monthly_report_export(actor=request.user, month=month, request=request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="alarms-{raw}.csv"'
        response.write("\ufeff")
        w = exports.csv_writer(response)
        sources = list(rows[0]["by_source"]) if rows else []
        outcomes = list(rows[0]["by_outcome"]) if rows else []
        w.writerow(
            [
                _("区划代码"),
                _("区划"),
                _("警情数"),
                *sources,
                *outcomes,
                _("未结案"),
                _("%(s)s秒内接警率%%") % {"s": rows[0]["limit_seconds"] if rows else ""},
                _("接警中位秒数"),
                _("到场中位分钟"),
            ]
        )
        for r in rows:
            w.writerow(
                [
                    r["region_code"],
                    r["region"],
                    r["total"],
                    *r["by_source"].values(),
                    *r["by_outcome"].values(),
                    r["open"],
                    r["share_in_time"],
                    r["median_answer_seconds"],
                    r["median_on_site_minutes"],
                ]
            )
        return response
    rows = selectors.monthly_report(user=request.user, month=month)
    by_type = reports.by_district_and_type(user=request.user, month=month)
    return render(
        request,
        "alarms/monthly.html",
        {"rows": rows, "by_type": by_type, "month": raw, "targets": selectors.centre_targets(request.user)},
    )
