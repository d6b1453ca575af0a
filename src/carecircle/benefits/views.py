"""Pages of the benefits module, written as docs/directory-guide.md "Writing a page" says: one view
per action (a payroll batch's approve, reject, paid and recover at payrolls/<id>/<action>/), input
through forms.py, what the user may do from `selectors.batch_actions` / `appeal_actions`, writes
and audit rows in the services, an InvalidInput shown on the form (422) and every other domain
error on core.middleware.DomainErrorMiddleware's page."""

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carecircle.benefits import engine, forms, list_specs, selectors, services
from carecircle.benefits.models import Batch, Programme, TierMode
from carecircle.benefits.selectors import AppealAction, BatchAction
from carecircle.core import list_pages, lists, region_pick, regions, scope, tables
from carecircle.core.errors import NotFound
from carecircle.core.forms import ServiceForm
from carecircle.core.selectors import region_label
from carecircle.core.types import AuthedRequest
from carecircle.registry.models import Person
from carecircle.registry.selectors import person_get


def _parse_day(value: str) -> datetime.date:
    """?day= (today when absent); a bad value is a 422 naming it (core.tables.parse_date)."""
    return tables.parse_date(value, "day") if value else timezone.localdate()


def _list_page(
    request: AuthedRequest,
    spec: lists.ListSpec,
    template: str,
    extra: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """A page around a staff list (core/lists.py): the list's export (a POST with a purpose) is
    the component's; a GET, or a form of the page that came back with errors (`status` 422), shows
    the list as a GET would, with `extra` (the page's forms and figures)."""
    if request.method == "POST" and "purpose" in request.POST:
        return list_pages.page(request, spec, template=template, context=extra)
    context, _query = list_pages.listing(spec, request)
    return render(request, template, {**context, **extra}, status=status)


def _payroll_index_page(
    request: AuthedRequest, form: forms.PayrollRunForm, *, status: int = 200
) -> HttpResponse:
    extra = {
        "form": form,
        "programmes": selectors.payroll_programmes(user=request.user),
        "can_prepare": scope.has_perm(request.user, "benefits.prepare"),
        "counts": selectors.payroll_counts(user=request.user),
    }
    return _list_page(request, list_specs.BATCHES, "benefits/payroll_index.html", extra, status=status)


@login_required
def payroll_index(request: AuthedRequest) -> HttpResponse:
    """The batches; officials with benefits.prepare compute a month's batches (POST)."""
    scope.require_perm(request.user, "benefits.view")
    if request.method != "POST" or "purpose" in request.POST:  # a GET, or the list's export
        initial = {"month": engine.month_of(timezone.localdate()), "lookback": 0}
        return _payroll_index_page(request, forms.PayrollRunForm(initial=initial, user=request.user))
    scope.require_perm(request.user, "benefits.prepare")
    form = forms.PayrollRunForm(request.POST, user=request.user)
    if not form.submit(partial(services.payroll_run, actor=request.user, request=request)):
        return _payroll_index_page(request, form, status=422)
    if form.result:
        messages.success(request, _("已生成 %(n)d 个待审核批次") % {"n": len(form.result)})
    else:
        messages.info(request, _("没有新的差额：无需新批次"))
    return redirect("benefits:payroll_index")


def _payroll_page(
    request: AuthedRequest, batch: Batch, *, failed: ServiceForm | None = None, status: int = 200
) -> HttpResponse:
    """The batch's page with its payment lines (list_specs.PAYMENT_LINES, the `batch` parameter
    set to this batch whatever the query says); `failed` is the action form that came back with
    errors (shown again)."""
    query = request.GET.copy()
    query["batch"] = str(batch.pk)  # the lines of this batch, never another's
    request.GET = query  # type: ignore[assignment]
    actions = selectors.batch_actions(request.user, batch)
    districts = batch.summary.get("by_district", [])
    names = region_pick.names_of(d["region"] for d in districts)
    extra = {
        "batch": batch,
        "region": region_label(batch.region_code),
        "districts": [{**d, "name": names.get(d["region"], "")} for d in districts],
        "actions": actions,
        "recoverable": (
            [x for x in selectors.batch_open_recoveries(batch) if selectors.recovery_open(x)]
            if BatchAction.RECOVER in actions
            else []
        ),
        "is_preparer": selectors.is_batch_preparer(request.user, batch),
        "available": services.fund_available(batch.programme.fund),
        "form": failed,
    }
    return _list_page(request, list_specs.PAYMENT_LINES, "benefits/payroll_detail.html", extra, status=status)


@login_required
def payroll_detail(request: AuthedRequest, payroll_id: int) -> HttpResponse:
    """A batch and its lines; a POST is only the lines' export (each action has its own URL)."""
    if request.method not in ("GET", "HEAD") and not (request.method == "POST" and "purpose" in request.POST):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _payroll_page(request, selectors.batch_get(user=request.user, batch_id=payroll_id))


DONE = {
    BatchAction.APPROVE: gettext_lazy("已审批，资金已承诺"),
    BatchAction.REJECT: gettext_lazy("已退回"),
    BatchAction.PAID: gettext_lazy("已登记发放"),
    BatchAction.RECOVER: gettext_lazy("已登记追回"),
}


def _batch_act(
    request: AuthedRequest,
    payroll_id: int,
    action: BatchAction,
    form: ServiceForm,
    service: Callable[..., Any],
    *,
    takes_batch: bool = True,
) -> HttpResponse:
    """One batch action: the form's values go to the service with the actor and the request (and
    the batch's id when the service takes it); success goes back to the batch's page."""
    batch = selectors.batch_get(user=request.user, batch_id=payroll_id)
    if "purpose" in request.POST:  # the lines' export form, on a page an action came back to
        return _payroll_page(request, batch)
    call = partial(service, actor=request.user, request=request)
    if not form.submit(partial(call, batch_id=batch.pk) if takes_batch else call):
        return _payroll_page(request, batch, failed=form, status=422)
    messages.success(request, DONE[action])
    return redirect("benefits:payroll_detail", payroll_id=batch.pk)


@login_required
@require_POST
def payroll_approve(request: AuthedRequest, payroll_id: int) -> HttpResponse:
    return _batch_act(
        request, payroll_id, BatchAction.APPROVE, forms.BatchNoteForm(request.POST), services.payroll_approve
    )


@login_required
@require_POST
def payroll_reject(request: AuthedRequest, payroll_id: int) -> HttpResponse:
    return _batch_act(
        request, payroll_id, BatchAction.REJECT, forms.BatchNoteForm(request.POST), services.payroll_reject
    )


@login_required
@require_POST
def payroll_paid(request: AuthedRequest, payroll_id: int) -> HttpResponse:
    return _batch_act(
        request, payroll_id, BatchAction.PAID, forms.BatchForm(request.POST), services.payroll_mark_paid
    )


@login_required
@require_POST
def payroll_recover(request: AuthedRequest, payroll_id: int) -> HttpResponse:
    return _batch_act(
        request,
        payroll_id,
        BatchAction.RECOVER,
        forms.RecoveryForm(request.POST),
        services.recovery_collect,
        takes_batch=False,
    )


@login_required
def payroll_export(request: AuthedRequest, payroll_id: int, fmt: str) -> HttpResponse:
    selectors.batch_get(user=request.user, batch_id=payroll_id)
    body, name = services.payroll_export(
        actor=request.user,
        batch_id=payroll_id,
        fmt=fmt,
        purpose=request.GET.get("purpose", ""),
        request=request,
    )
    ctype = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def programme_list(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "benefits.view")
    return render(
        request,
        "benefits/programme_list.html",
        {"programmes": selectors.payroll_programmes(user=request.user)},
    )


def _tiers_text(programme: Programme) -> str:
    return "\n".join(f"{t.label} | {t.condition} | {t.amount}" for t in programme.tiers.all())


@login_required
def programme_detail(request: AuthedRequest, programme_id: int) -> HttpResponse:
    """A programme's rule; officials with benefits.manage over its region change it (POST)."""
    programme = selectors.programme_get(user=request.user, programme_id=programme_id)
    can_edit = scope.has_perm(request.user, "benefits.manage", programme.region_code)
    form = forms.ProgrammeForm(
        initial={
            "name": programme.name,
            "target_rule": programme.target_rule,
            "tiers": _tiers_text(programme),
            "tier_mode": programme.tier_mode,
            "cap": programme.cap or "",
            "valid_from": programme.valid_from.isoformat(),
            "valid_to": programme.valid_to.isoformat() if programme.valid_to else "",
            "active": programme.active,
        }
    )
    status = 200
    if request.method == "POST":
        selectors.programme_get(user=request.user, programme_id=programme_id, perm="benefits.manage")
        form = forms.ProgrammeForm(request.POST)
        if form.submit(
            partial(
                services.programme_save,
                actor=request.user,
                code=programme.code,
                fund=programme.fund,
                region_code=programme.region_code,
                period=programme.period,
                payment_method=programme.payment_method,
                basis=programme.basis,
                request=request,
            )
        ):
            messages.success(request, _("已保存；下次发放按新规则计算"))
            return redirect("benefits:programme_detail", programme_id=programme.pk)
        status = 422
    return render(
        request,
        "benefits/programme_detail.html",
        {
            "programme": programme,
            "form": form,
            "can_edit": can_edit,
            "tier_modes": TierMode.choices,
            "facts": engine.rules.FACT_LABELS,
        },
        status=status,
    )


def _funds_page(
    request: AuthedRequest,
    *,
    failed: ServiceForm | None = None,
    failed_fund: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """Each fund's balances (and the appropriation form), then the ledger's postings as a staff
    list (list_specs.LEDGER)."""
    can_manage = scope.has_perm(request.user, "benefits.manage")
    extra = {
        "funds": selectors.fund_balances(user=request.user),
        "check": selectors.ledger_check() if can_manage else None,
        "can_manage": can_manage,
        "form": failed,
        "failed_fund": failed_fund,
    }
    return _list_page(request, list_specs.LEDGER, "benefits/funds.html", extra, status=status)


@login_required
def funds(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "benefits.view")
    return _funds_page(request)


@login_required
@require_POST
def fund_appropriate(request: AuthedRequest, fund_id: int) -> HttpResponse:
    """Money appropriated into a fund the user sees (the service asks for benefits.manage)."""
    fund = selectors.fund_get(user=request.user, fund_id=fund_id)
    if "purpose" in request.POST:  # the ledger's export form, on the page a failed form came back to
        return _funds_page(request)
    form = forms.FundAppropriateForm(request.POST)
    if not form.submit(partial(services.fund_appropriate, actor=request.user, fund=fund, request=request)):
        return _funds_page(request, failed=form, failed_fund=fund.pk, status=422)
    messages.success(request, _("已拨入"))
    return redirect("benefits:funds")


def _appeals_page(
    request: AuthedRequest,
    *,
    failed: ServiceForm | None = None,
    failed_appeal: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """The appeals as a staff list (list_specs.APPEALS: open ones first visit), and below it a
    decision form for each appeal of the page the user may decide (selectors.appeal_actions)."""
    spec = list_specs.APPEALS
    extra: dict[str, Any] = {"form": failed, "failed_appeal": failed_appeal}
    if request.method == "POST" and "purpose" in request.POST:
        return list_pages.page(request, spec, template="benefits/appeals.html", context=extra)
    context, _query = list_pages.listing(spec, request)
    context["decide"] = [
        a
        for a in context["page"].object_list
        if AppealAction.DECIDE in selectors.appeal_actions(request.user, a)
    ]
    if failed_appeal is not None and all(a.pk != failed_appeal for a in context["decide"]):
        # the form that came back is shown with its errors even when its appeal is on another page
        context["decide"].insert(0, selectors.appeal_get(user=request.user, appeal_id=failed_appeal))
    return render(request, "benefits/appeals.html", {**context, **extra}, status=status)


@login_required
def appeals(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "benefits.view")
    return _appeals_page(request)


@login_required
@require_POST
def appeal_decide(request: AuthedRequest, appeal_id: int) -> HttpResponse:
    appeal = selectors.appeal_get(user=request.user, appeal_id=appeal_id)
    if "purpose" in request.POST:  # the list's export form, on the page a failed decision came back to
        return _appeals_page(request)
    form = forms.AppealDecideForm(request.POST)
    if not form.submit(
        partial(services.appeal_decide, actor=request.user, appeal_id=appeal.pk, request=request)
    ):
        return _appeals_page(request, failed=form, failed_appeal=appeal.pk, status=422)
    messages.success(request, _("已处理申诉#%(id)d") % {"id": appeal.pk})
    return redirect("benefits:appeals")


@login_required
def person_benefits(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A person's entitlements and payments; the person's family or a worker files an appeal (POST)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    own = selectors.own_person(request.user, person)
    if not own:
        person = person_get(user=request.user, person_id=person_id, perm="benefits.view")
    day = _parse_day(request.GET.get("day", ""))
    form = forms.AppealFileForm(
        request.POST if request.method == "POST" else None, programmes=Programme.objects.all()
    )
    status = 200
    if request.method == "POST":
        if form.submit(partial(services.appeal_file, actor=request.user, person=person, request=request)):
            messages.success(
                request,
                _("申诉已提交，将由%(r)s处理") % {"r": region_label(regions.district_of(person.region_code))},
            )
            return redirect(request.path)
        status = 422
    results = selectors.person_eligibility(user=request.user, person=person, day=day)
    return render(
        request,
        "benefits/person.html",
        {
            "person": person,
            "day": day,
            "results": results,
            "payments": selectors.payments_of(person),
            "appeals": person.benefit_appeals.select_related("programme").order_by("-filed_at")[:20],
            "month": engine.month_of(day),
            "own": own,
            "region": region_label(person.region_code),
            "form": form,
        },
        status=status,
    )


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    persons = list(selectors.my_persons(request.user))
    today = timezone.localdate()
    rows = [
        {
            "person": p,
            "results": list(engine.person_eligibility(p, today)),
            "payments": selectors.payments_of(p, 12),
        }
        for p in persons
    ]
    return render(request, "benefits/mine.html", {"rows": rows, "today": today})
