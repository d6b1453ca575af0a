"""Pages of home services — the example of docs/directory-guide.md, "Writing a page": one view per
action, input through a form (forms.py), what the user may do from selectors.order_actions, writes
and audit rows in the services, domain errors left to core.middleware.DomainErrorMiddleware
(an InvalidInput lands on the form through core.forms.ServiceForm.submit)."""

import datetime
import uuid
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carecircle.core import months, region_pick, scope, tables
from carecircle.core.errors import InvalidInput, NotFound
from carecircle.core.forms import render_invalid
from carecircle.core.organisations import OrganisationKind, organisations_of
from carecircle.homecare import evv, forms, selectors, services, services_dispatch, settlement
from carecircle.homecare.models import OrderStatus, ServiceItem, VisitException
from carecircle.homecare.selectors import OrderAction
from carecircle.registry.selectors import family_persons, person_search
from carecircle.workforce.selectors import caregiver_for_user, organisation_caregivers


def _day(value) -> datetime.date:
    """The page's ?day= (today when absent); a bad one is a 422 naming the field, not a 500."""
    return tables.parse_date(value, "day") if value else timezone.localdate()


def _roles(user) -> dict:
    orgs = organisations_of(user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")
    return {
        "is_staff_view": scope.has_perm(user, "homecare.view"),
        "can_order": scope.has_perm(user, "homecare.order") or family_persons(user).exists(),
        "can_review": scope.has_perm(user, "homecare.review") or bool(orgs),
        "can_manage": scope.has_perm(user, "homecare.manage"),
        "provider_ids": sorted(orgs),
        "caregiver": caregiver_for_user(user),
    }


@login_required
def catalogue(request):
    return render(request, "homecare/catalogue.html", {"categories": selectors.catalogue()})


def _orderable_persons(user, text: str = ""):
    """The resident's own record and their parents; staff who order for people search by name
    or whole ID number (within their regions)."""
    own = list(family_persons(user).defer("id_number", "phone", "address")[:20])
    if text and scope.has_perm(user, "homecare.order") and scope.has_perm(user, "registry.view"):
        found = [
            p
            for p in person_search(user=user, text=text)[:20]
            if scope.has_perm(user, "homecare.order", p.region_code)
        ]
        own += [p for p in found if p not in own]
    return own


@login_required
def order_new(request):
    """Step 1: choose; step 2 (preview): the price split, before anything is saved; step 3: confirm."""
    form = forms.OrderForm(request.POST if request.method == "POST" else (request.GET or None))
    q = form.data.get("q", "").strip()
    ctx = {
        "persons": _orderable_persons(request.user, q),
        "q": q,
        "form": form,
        "staff": scope.has_perm(request.user, "homecare.order"),
        "items": ServiceItem.objects.filter(active=True).select_related("category"),
        "values": form.data,
        "quote": None,
        "providers": [],
        "choices": [],
    }
    if not form.data.get("person_id", "").strip():
        return render(request, "homecare/order_new.html", ctx)

    def preview(*, person_id, item, window_start, provider_id, idempotency_key, notes, confirm):
        person = services.person_for_order(actor=request.user, person_id=person_id)
        ctx["person"] = person
        item = services.item_get(item)
        ctx["providers"] = selectors.providers_for(person.region_code, item, window_start.date())
        if not ctx["providers"]:
            raise InvalidInput(_("暂无机构在该社区提供此项服务"), field="item")
        ctx["choices"] = selectors.provider_grades(ctx["providers"])  # shown with their credit grade
        provider = services.provider_for_order(provider_id or ctx["providers"][0][0].pk)
        ctx.update(
            quote=services.quote(person=person, item=item, provider=provider, window_start=window_start),
            item=item,
            provider=provider,
            start=window_start,
            key=idempotency_key or uuid.uuid4().hex,
        )
        if request.method == "POST" and confirm:
            return services.order_create(
                actor=request.user,
                person=person,
                item=item,
                provider=provider,
                window_start=window_start,
                idempotency_key=ctx["key"],
                notes=notes,
                request=request,
            )
        return None

    if not form.submit(preview):
        return render_invalid(request, "homecare/order_new.html", ctx)
    if form.result is not None:
        messages.success(request, _("下单成功，服务机构将尽快派单"))
        return redirect("homecare:order_detail", order_id=form.result.pk)
    return render(request, "homecare/order_new.html", ctx)


def _order_page(request, order, *, failed=None, status: int = 200):
    """The order's page; `failed` is the action form that came back with errors (shown again)."""
    roles = _roles(request.user)
    actions = selectors.order_actions(request.user, order)
    visit = getattr(order, "visit", None) if hasattr(order, "visit") else None
    return render(
        request,
        "homecare/order_detail.html",
        {
            "order": order,
            "lines": order.payment_lines.all(),
            "events": order.dispatch_events.select_related("caregiver", "actor"),
            "visit": visit,
            "exceptions": VisitException.objects.filter(visit__order=order) if visit else [],
            # Distances only for those who review the flags; everyone else sees in range or not.
            "sees_distance": roles["can_review"],
            "ranges": evv.visit_ranges(visit) if visit else {},
            "rating": getattr(order, "rating", None) if hasattr(order, "rating") else None,
            "complaints": order.complaints.all(),
            "roles": roles,
            "actions": actions,
            "is_caregiver": selectors.is_order_caregiver(request.user, order),
            "team": organisation_caregivers(organisation_id=order.provider_id).order_by("name")
            if OrderAction.REASSIGN in actions
            else [],
            "failed": failed,
        },
        status=status,
    )


@login_required
def order_detail(request, order_id: int):
    return _order_page(request, selectors.order_get(user=request.user, order_id=order_id))


DONE = {
    OrderAction.CANCEL: gettext_lazy("订单已取消"),
    OrderAction.RESCHEDULE: gettext_lazy("已改期，将重新派单"),
    OrderAction.ACCEPT: gettext_lazy("已接单"),
    OrderAction.DECLINE: gettext_lazy("已拒单，订单将重新派单"),
    OrderAction.REASSIGN: gettext_lazy("已改派"),
    OrderAction.RATE: gettext_lazy("感谢您的评价"),
    OrderAction.COMPLAIN: gettext_lazy("投诉已提交，服务机构和街道将在时限内答复"),
    OrderAction.CHECK_IN: gettext_lazy("已签到"),
    OrderAction.CHECK_OUT: gettext_lazy("已签退"),
}


def _act(request, order_id: int, action: OrderAction, form_class, service, **form_kwargs):
    """One order action: the form's values go to the service with the actor, the order and the
    request; errors go where core/forms.py says; success goes back where the button was."""
    order = selectors.order_get(user=request.user, order_id=order_id)
    form = form_class(request.POST, **{k: v(order) for k, v in form_kwargs.items()})
    if not form.submit(partial(service, actor=request.user, order=order, request=request)):
        if action in (OrderAction.CHECK_IN, OrderAction.CHECK_OUT) and order.caregiver is not None:
            return _visits_page(
                request,
                order.caregiver,
                selectors.local_day(order.window_start),
                failed={order.pk: form},
                status=422,
            )
        return _order_page(request, order, failed=form, status=422)
    messages.success(request, DONE[action])
    if action in (OrderAction.CHECK_IN, OrderAction.CHECK_OUT) and (note := evv.check_note(form.result)):
        messages.info(request, note)
    nxt = form.cleaned_data.get("next", "")
    if nxt.startswith("/homecare/") and "//" not in nxt:
        return redirect(nxt)
    return redirect("homecare:order_detail", order_id=order.pk)


@login_required
@require_POST
def order_cancel(request, order_id: int):
    return _act(request, order_id, OrderAction.CANCEL, forms.ReasonForm, services.order_cancel)


@login_required
@require_POST
def order_reschedule(request, order_id: int):
    return _act(request, order_id, OrderAction.RESCHEDULE, forms.RescheduleForm, services.order_reschedule)


@login_required
@require_POST
def order_accept(request, order_id: int):
    return _act(request, order_id, OrderAction.ACCEPT, forms.ActionForm, services_dispatch.order_accept)


@login_required
@require_POST
def order_decline(request, order_id: int):
    return _act(request, order_id, OrderAction.DECLINE, forms.ReasonForm, services_dispatch.order_decline)


@login_required
@require_POST
def order_reassign(request, order_id: int):
    return _act(
        request,
        order_id,
        OrderAction.REASSIGN,
        forms.ReassignForm,
        services_dispatch.order_reassign,
        team=lambda order: organisation_caregivers(organisation_id=order.provider_id),
    )


@login_required
@require_POST
def order_rate(request, order_id: int):
    return _act(request, order_id, OrderAction.RATE, forms.RateForm, settlement.order_rate)


@login_required
@require_POST
def order_complain(request, order_id: int):
    return _act(request, order_id, OrderAction.COMPLAIN, forms.ComplainForm, settlement.complaint_create)


@login_required
@require_POST
def order_check_in(request, order_id: int):
    return _act(request, order_id, OrderAction.CHECK_IN, forms.CheckInForm, evv.visit_check_in)


@login_required
@require_POST
def order_check_out(request, order_id: int):
    return _act(request, order_id, OrderAction.CHECK_OUT, forms.CheckForm, evv.visit_check_out)


@login_required
@require_POST
def order_address(request, order_id: int):
    """The full address, shown once; the service audits the reveal (a refusal is the error page)."""
    order = selectors.order_get(user=request.user, order_id=order_id)
    address = evv.order_address_reveal(actor=request.user, order=order, request=request)
    return render(request, "homecare/address.html", {"order": order, "address": address})


def _visits_page(request, caregiver, day: datetime.date, *, failed=None, status: int = 200):
    failed = failed or {}
    route, now = [], timezone.now()
    for n, stop in enumerate(selectors.caregiver_route(caregiver=caregiver, day=day), start=1):
        opens, closes = evv.checkin_window(stop.order)
        route.append(
            {
                "n": n,
                "order": stop.order,
                "travel_minutes": stop.travel_minutes,
                "key": uuid.uuid4().hex,
                "actions": selectors.order_actions(request.user, stop.order),
                "failed": failed.get(stop.order.pk),
                "opens": opens,
                "closes": closes,
                "checkin_open": opens <= now <= closes,  # else the form asks for a reason
                "done": stop.order.status in (OrderStatus.SERVED, OrderStatus.COMPLETED),
                "flags": evv.caregiver_flags(stop.order),
            }
        )
    route.sort(
        key=lambda stop: stop["done"]
    )  # stable: the unfinished in visit order (the next first), then the done
    return render(
        request,
        "homecare/my_visits.html",
        {"caregiver": caregiver, "day": day, "route": route},
        status=status,
    )


@login_required
def my_visits(request):
    """The caregiver's phone page: today's route, check-in and check-out with the phone's position."""
    caregiver = caregiver_for_user(request.user)
    if caregiver is None:
        raise NotFound()
    return _visits_page(request, caregiver, _day(request.GET.get("day")))


@login_required
def dispatch_board(request):
    """Provider admin: run dispatch for a day, see each caregiver's route and what is still waiting."""
    providers = list(selectors.providers_visible(user=request.user).order_by("name")[:200])
    if not providers:
        if not scope.has_perm(request.user, "homecare.manage"):
            raise NotFound()
        # an official whose region has no provider yet: the page says so (its menu offers it)
        return render(
            request,
            "homecare/dispatch.html",
            {
                "roles": _roles(request.user),
                "providers": [],
                "provider": None,
                "day": timezone.localdate(),
                "summary": None,
                "routes": [],
                "waiting": [],
            },
        )
    values = _dispatch_choice(request.POST if request.method == "POST" else request.GET)
    day = values.get("day") or timezone.localdate()
    provider = providers[0]
    if values.get("provider") is not None:
        provider = next((p for p in providers if p.pk == values["provider"]), None)
        if provider is None:  # not a provider the user runs or oversees: as if it did not exist
            raise NotFound()
    summary = None
    if request.method == "POST":
        summary = services_dispatch.dispatch_day(
            actor=request.user, day=day, provider=provider, request=request
        )
    orders = selectors.order_search(user=request.user, day=day, provider_id=provider.pk)
    routes = {}
    for o in orders:
        if o.caregiver_id and o.status != OrderStatus.CANCELLED:
            routes.setdefault(o.caregiver, []).append(o)
    waiting = [o for o in orders if o.status == OrderStatus.CONFIRMED]
    return render(
        request,
        "homecare/dispatch.html",
        {
            "roles": _roles(request.user),
            "providers": providers,
            "provider": provider,
            "day": day,
            "summary": summary,
            "routes": sorted(routes.items(), key=lambda kv: kv[0].name),
            "waiting": waiting,
        },
    )


DISPATCH_FIELDS = {"provider": gettext_lazy("服务机构"), "day": gettext_lazy("日期")}


def _dispatch_choice(data: QueryDict) -> dict:
    """The dispatch board's provider and day; a value that is neither is a 422 naming the field
    (never a silent fallback to the first provider or today)."""
    choice = forms.DispatchForm(data)
    if not choice.is_valid():
        field, errors = next(iter(choice.errors.items()))
        raise InvalidInput(
            _("%(f)s有误：%(v)s（%(e)s）")
            % {"f": DISPATCH_FIELDS.get(field, field), "v": data.get(field, ""), "e": errors[0]},
            field=field,
        )
    return choice.cleaned_data


@login_required
def statement_list(request):
    rows = selectors.statements_for(user=request.user)[:100]
    providers = selectors.providers_visible(user=request.user)
    form = forms.StatementForm(request.POST or None, providers=providers)
    if request.method == "POST":
        if form.submit(partial(settlement.statement_generate, actor=request.user, request=request)):
            return redirect("homecare:statement_detail", statement_id=form.result.pk)
    return render(
        request,
        "homecare/statements.html",
        {"rows": rows, "providers": providers, "form": form, "month": timezone.localdate().strftime("%Y-%m")},
        status=422 if form.errors else 200,
    )


@login_required
def statement_detail(request, statement_id: int):
    st = selectors.statement_get(user=request.user, statement_id=statement_id)
    lines = settlement.statement_lines(st)
    return render(
        request,
        "homecare/statement_detail.html",
        {
            "st": st,
            "lines": lines,
            "month_closed": months.month_bounds(st.month)[1] <= timezone.now(),
            "entries": st.entries.exclude(state="paid").select_related("order__item", "order__person"),
        },
    )


@login_required
def satisfaction(request):
    return render(
        request,
        "homecare/satisfaction.html",
        {
            "by_provider": selectors.satisfaction(user=request.user, by="provider"),
            "by_street": selectors.satisfaction(user=request.user, by="street"),
            "complaints": selectors.complaints_for(user=request.user)[:50],
        },
    )


@login_required
def provider_detail(request, provider_id: int):
    provider = selectors.provider_get(user=request.user, provider_id=provider_id)
    day = timezone.localdate()
    prices = [
        (item, selectors.provider_price(provider, item, day))
        for item in ServiceItem.objects.filter(active=True)
    ]
    return render(
        request,
        "homecare/provider_detail.html",
        {
            "provider": provider,
            "areas": provider.areas.annotate(region_name=region_pick.name_of()),
            "prices": [(i, p) for i, p in prices if p is not None],
            "caregivers": organisation_caregivers(organisation_id=provider.pk).count(),
        },
    )
