"""Pages of home services. Thin: each view calls one selector or service; scope is enforced there."""

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carecircle.core import scope
from carecircle.core.errors import DomainError, InvalidInput, NotFound
from carecircle.core.organisations import OrganisationKind, organisations_of
from carecircle.homecare import evv, selectors, services, services_dispatch, settlement
from carecircle.homecare.models import OrderStatus, ServiceItem, VisitException
from carecircle.registry.selectors import family_persons, person_search
from carecircle.workforce.selectors import caregiver_for_user, organisation_caregiver, organisation_caregivers


def _day(value) -> datetime.date:
    return parse_date(value or "") or timezone.localdate()


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
def order_list(request):
    params = {k: request.GET.get(k, "").strip() for k in ("day", "status")}
    day = parse_date(params["day"]) if params["day"] else None
    qs = selectors.order_search(user=request.user, status=params["status"], day=day)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "homecare/order_list.html", {
        "page": page, "params": params, "statuses": OrderStatus.choices, "roles": _roles(request.user)})


@login_required
def catalogue(request):
    return render(request, "homecare/catalogue.html", {"categories": selectors.catalogue()})


def _orderable_persons(user, text: str = ""):
    """The resident's own record and their parents; staff who order for people search by name
    or whole ID number (within their regions)."""
    own = list(family_persons(user).defer("id_number", "phone", "address")[:20])
    if text and scope.has_perm(user, "homecare.order") and scope.has_perm(user, "registry.view"):
        found = [p for p in person_search(user=user, text=text)[:20]
                 if scope.has_perm(user, "homecare.order", p.region_code)]
        own += [p for p in found if p not in own]
    return own


@login_required
def order_new(request):
    """Step 1: choose; step 2 (preview): the price split, before anything is saved; step 3: confirm."""
    data = request.POST if request.method == "POST" else request.GET
    ctx = {"persons": _orderable_persons(request.user, data.get("q", "").strip()), "q": data.get("q", ""),
           "staff": scope.has_perm(request.user, "homecare.order"), "items": ServiceItem.objects.filter(active=True)
           .select_related("category"), "values": data, "quote": None, "providers": [], "error": None}
    person_id = data.get("person_id", "").strip()
    if not person_id:
        return render(request, "homecare/order_new.html", ctx)
    try:
        if not person_id.isdigit():
            raise InvalidInput(_("请选择服务对象"), field="person_id")
        person = services.person_for_order(actor=request.user, person_id=int(person_id))
        ctx["person"] = person
        item = services.item_get(data.get("item", ""))
        start = parse_datetime(data.get("window_start", "") or "")
        if start is None:
            raise InvalidInput(_("请填写服务开始时间"), field="window_start")
        if timezone.is_naive(start):
            start = timezone.make_aware(start)
        ctx["providers"] = selectors.providers_for(person.region_code, item, start.date())
        if not ctx["providers"]:
            raise InvalidInput(_("暂无机构在该社区提供此项服务"), field="item")
        provider_id = data.get("provider_id") or str(ctx["providers"][0][0].pk)
        provider = services.provider_for_order(provider_id)
        ctx.update(quote=services.quote(person=person, item=item, provider=provider, window_start=start),
                   item=item, provider=provider, start=start,
                   key=data.get("idempotency_key") or uuid.uuid4().hex)
        if request.method == "POST" and data.get("confirm") == "1":
            order = services.order_create(actor=request.user, person=person, item=item, provider=provider,
                                          window_start=start, idempotency_key=ctx["key"],
                                          notes=data.get("notes", ""), request=request)
            messages.success(request, _("下单成功，服务机构将尽快派单"))
            return redirect("homecare:order_detail", order_id=order.pk)
    except NotFound:
        raise
    except DomainError as exc:
        ctx["error"] = exc.message
    return render(request, "homecare/order_new.html", ctx)


@login_required
def order_detail(request, order_id: int):
    order = selectors.order_get(user=request.user, order_id=order_id)
    roles = _roles(request.user)
    caregiver = roles["caregiver"]
    is_recipient_side = order.person.user_id == request.user.pk or selectors.is_family_of(request.user, order.person)
    visit = getattr(order, "visit", None) if hasattr(order, "visit") else None
    return render(request, "homecare/order_detail.html", {
        "order": order, "lines": order.payment_lines.all(), "events": order.dispatch_events.select_related(
            "caregiver", "actor"), "visit": visit,
        "exceptions": VisitException.objects.filter(visit__order=order) if visit else [],
        # Distances only for those who review the flags; everyone else sees in range or not.
        "sees_distance": roles["can_review"], "ranges": evv.visit_ranges(visit) if visit else {},
        "rating": getattr(order, "rating", None) if hasattr(order, "rating") else None,
        "complaints": order.complaints.all(), "roles": roles,
        "is_provider": order.provider_id in roles["provider_ids"],
        "is_caregiver": caregiver is not None and order.caregiver_id == caregiver.pk,
        "is_recipient_side": is_recipient_side,
        "team": organisation_caregivers(organisation_id=order.provider_id)
        if order.provider_id in roles["provider_ids"] else [],
        "key": uuid.uuid4().hex,
        "can_cancel": order.status in (OrderStatus.CONFIRMED, OrderStatus.OFFERED, OrderStatus.ACCEPTED),
    })


DONE = {
    "cancel": gettext_lazy("订单已取消"), "reschedule": gettext_lazy("已改期，将重新派单"),
    "accept": gettext_lazy("已接单"), "decline": gettext_lazy("已拒单，订单将重新派单"),
    "reassign": gettext_lazy("已改派"), "rate": gettext_lazy("感谢您的评价"),
    "complain": gettext_lazy("投诉已提交，服务机构和街道将在时限内答复"),
    "check_in": gettext_lazy("已签到"), "check_out": gettext_lazy("已签退"),
}


@login_required
@require_POST
def order_action(request, order_id: int, action: str):
    order = selectors.order_get(user=request.user, order_id=order_id)
    p, user = request.POST, request.user
    try:
        if action == "cancel":
            services.order_cancel(actor=user, order=order, reason=p.get("reason", ""), request=request)
        elif action == "reschedule":
            start = parse_datetime(p.get("window_start", "") or "")
            if start is None:
                raise InvalidInput(_("请填写新的服务时间"), field="window_start")
            services.order_reschedule(actor=user, order=order, request=request,
                                      window_start=start if timezone.is_aware(start) else timezone.make_aware(start))
        elif action == "accept":
            services_dispatch.order_accept(actor=user, order=order, request=request)
        elif action == "decline":
            services_dispatch.order_decline(actor=user, order=order, reason=p.get("reason", ""), request=request)
        elif action == "reassign":
            caregiver = organisation_caregiver(organisation_id=order.provider_id,
                                               caregiver_id=p.get("caregiver_id") or 0)
            if caregiver is None:
                raise InvalidInput(_("请选择本机构的护理员"), field="caregiver_id")
            services_dispatch.order_reassign(actor=user, order=order, caregiver=caregiver,
                                             reason=p.get("reason", ""), request=request)
        elif action == "rate":
            settlement.order_rate(actor=user, order=order, score=p.get("score"), comment=p.get("comment", ""),
                                  request=request)
        elif action == "complain":
            settlement.complaint_create(actor=user, order=order, text=p.get("text", ""), request=request)
        elif action in ("check_in", "check_out"):
            do = evv.visit_check_in if action == "check_in" else evv.visit_check_out
            extra = {"reason": p.get("reason", "")} if action == "check_in" else {}
            check = do(actor=user, order=order, latitude=p.get("latitude"), longitude=p.get("longitude"),
                       accuracy_m=p.get("accuracy_m") or 0, idempotency_key=p.get("idempotency_key", ""),
                       request=request, **extra)
            if note := evv.check_note(check):
                messages.info(request, note)
        elif action == "address":
            address = evv.order_address_reveal(actor=user, order=order, request=request)
            return render(request, "homecare/address.html", {"order": order, "address": address})
        else:
            raise NotFound()
        messages.success(request, DONE.get(action, _("已保存")))
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    nxt = p.get("next", "")
    if nxt.startswith("/homecare/") and "//" not in nxt:
        return redirect(nxt)
    return redirect("homecare:order_detail", order_id=order.pk)


@login_required
def my_visits(request):
    """The caregiver's phone page: today's route, check-in and check-out with the phone's position."""
    caregiver = caregiver_for_user(request.user)
    if caregiver is None:
        raise NotFound()
    day = _day(request.GET.get("day"))
    route = selectors.caregiver_route(caregiver=caregiver, day=day)
    for stop in route:
        stop["key"] = uuid.uuid4().hex
        opens, closes = evv.address_window(stop["order"])
        stop["address_open"] = opens <= timezone.now() <= closes
        opens, closes = evv.checkin_window(stop["order"])
        stop["checkin_open"] = opens <= timezone.now() <= closes  # else the form asks for a reason
    return render(request, "homecare/my_visits.html", {"caregiver": caregiver, "day": day, "route": route})


@login_required
def exception_list(request):
    roles = _roles(request.user)
    if not roles["can_review"]:
        raise NotFound()
    status = request.GET.get("status", "open")
    rows = selectors.exceptions_for(user=request.user, status=status)[:200]
    return render(request, "homecare/exceptions.html", {"rows": rows, "status": status, "roles": roles,
                                                        "statuses": VisitException.Status.choices})


@login_required
@require_POST
def exception_review(request, exception_id: int):
    exc = selectors.exceptions_for(user=request.user, status="").filter(pk=exception_id).first()
    if exc is None:
        raise NotFound()
    try:
        evv.exception_review(actor=request.user, exception=exc, accept=request.POST.get("accept") == "1",
                             reason=request.POST.get("reason", ""), request=request)
        messages.success(request, _("已审核"))
    except DomainError as exc_:
        messages.error(request, exc_.message)
    return redirect("homecare:exception_list")


@login_required
def dispatch_board(request):
    """Provider admin: run dispatch for a day, see each caregiver's route and what is still waiting."""
    providers = list(selectors.providers_visible(user=request.user).order_by("name")[:200])
    if not providers:
        raise NotFound()
    day = _day(request.GET.get("day") or request.POST.get("day"))
    pid = request.GET.get("provider") or request.POST.get("provider") or str(providers[0].pk)
    provider = next((p for p in providers if str(p.pk) == pid), providers[0])
    summary = None
    if request.method == "POST":
        try:
            summary = services_dispatch.dispatch_day(actor=request.user, day=day, provider=provider, request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
    orders = selectors.order_search(user=request.user, day=day, provider_id=provider.pk)
    routes = {}
    for o in orders:
        if o.caregiver_id and o.status != OrderStatus.CANCELLED:
            routes.setdefault(o.caregiver, []).append(o)
    waiting = [o for o in orders if o.status == OrderStatus.CONFIRMED]
    return render(request, "homecare/dispatch.html", {
        "roles": _roles(request.user), "providers": providers, "provider": provider, "day": day, "summary": summary,
        "routes": sorted(routes.items(), key=lambda kv: kv[0].name), "waiting": waiting})


@login_required
def statement_list(request):
    rows = selectors.statements_for(user=request.user)[:100]
    providers = selectors.providers_visible(user=request.user)
    if request.method == "POST":
        provider = providers.filter(pk=request.POST.get("provider") or 0).first()
        month = parse_date((request.POST.get("month") or "") + "-01")
        if provider is None or month is None:
            messages.error(request, _("请选择机构和月份"))
        else:
            try:
                st = settlement.statement_generate(actor=request.user, provider=provider, month=month,
                                                   request=request)
                return redirect("homecare:statement_detail", statement_id=st.pk)
            except DomainError as exc:
                messages.error(request, exc.message)
    return render(request, "homecare/statements.html", {"rows": rows, "providers": providers,
                                                        "month": timezone.localdate().strftime("%Y-%m")})


@login_required
def statement_detail(request, statement_id: int):
    st = selectors.statement_get(user=request.user, statement_id=statement_id)
    lines = settlement.statement_lines(st)
    return render(request, "homecare/statement_detail.html", {
        "st": st, "lines": lines, "month_closed": settlement.month_bounds(st.month)[1] <= timezone.now(),
        "entries": st.entries.exclude(state="paid").select_related("order__item", "order__person")})


@login_required
def satisfaction(request):
    return render(request, "homecare/satisfaction.html", {
        "by_provider": selectors.satisfaction(user=request.user, by="provider"),
        "by_street": selectors.satisfaction(user=request.user, by="street"),
        "complaints": selectors.complaints_for(user=request.user)[:50]})


@login_required
def provider_detail(request, provider_id: int):
    provider = selectors.provider_get(user=request.user, provider_id=provider_id)
    day = timezone.localdate()
    prices = [(item, selectors.provider_price(provider, item, day)) for item in ServiceItem.objects.filter(active=True)]
    return render(request, "homecare/provider_detail.html", {
        "provider": provider, "areas": provider.areas.all(), "prices": [(i, p) for i, p in prices if p is not None],
        "caregivers": organisation_caregivers(organisation_id=provider.pk).count()})

