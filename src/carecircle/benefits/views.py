import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.benefits import engine, selectors, services
from carecircle.benefits.models import Appeal, Batch, Fund, Programme, TierMode
from carecircle.core import limits, regions, scope
from carecircle.core.errors import DomainError, InvalidInput, NotFound
from carecircle.core.selectors import region_label
from carecircle.registry.models import Person
from carecircle.registry.selectors import person_get


def _parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        raise InvalidInput(_("日期格式应为 YYYY-MM-DD"), field="day") from None


@login_required
def payroll_index(request):
    scope.require_perm(request.user, "benefits.view")
    today = timezone.localdate()
    state = request.GET.get("state", "")
    batches = selectors.batch_list(user=request.user, state=state)[:100]
    form = {"month": request.POST.get("month", engine.month_of(today)), "programme": request.POST.get("programme", ""),
            "region": request.POST.get("region", ""), "lookback": request.POST.get("lookback", "0")}
    error = None
    if request.method == "POST":
        scope.require_perm(request.user, "benefits.prepare")
        try:
            lookback = int(form["lookback"] or 0)
        except ValueError:
            lookback = -1
        try:
            made = services.payroll_run(actor=request.user, month=form["month"].strip(), programme_code=form["programme"],
                                        region_code=form["region"].strip(), lookback=lookback, request=request)
        except DomainError as exc:
            error = exc
        else:
            if made:
                messages.success(request, _("已生成 %(n)d 个待审核批次") % {"n": len(made)})
            else:
                messages.info(request, _("没有新的差额：无需新批次"))
            return redirect("benefits:payroll_index")
    return render(request, "benefits/payroll_index.html", {
        "batches": batches, "form": form, "error": error, "state": state, "states": Batch.State.choices,
        "programmes": selectors.programme_list(user=request.user),
        "regions": scope.region_codes(request.user, "benefits.prepare"),
        "can_prepare": scope.has_perm(request.user, "benefits.prepare"),
        "counts": selectors.payroll_counts(user=request.user),
    })


@login_required
def payroll_detail(request, payroll_id: int):
    batch = selectors.batch_get(user=request.user, batch_id=payroll_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.payroll_approve(actor=request.user, batch_id=batch.pk, note=request.POST.get("note", ""),
                                         request=request)
                messages.success(request, _("已审批，资金已承诺"))
            elif action == "reject":
                services.payroll_reject(actor=request.user, batch_id=batch.pk, note=request.POST.get("note", ""),
                                        request=request)
                messages.success(request, _("已退回"))
            elif action == "paid":
                services.payroll_mark_paid(actor=request.user, batch_id=batch.pk, request=request)
                messages.success(request, _("已登记发放"))
            elif action == "recovered":
                services.recovery_collect(actor=request.user, payment_id=limits.parse_id(request.POST.get("payment"), "payment"),
                                          request=request)
                messages.success(request, _("已登记追回"))
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("benefits:payroll_detail", payroll_id=batch.pk)
    can_approve = scope.has_perm(request.user, "benefits.approve", batch.region_code)
    return render(request, "benefits/payroll_detail.html", {
        "batch": batch, "lines": selectors.batch_lines(batch), "region": region_label(batch.region_code),
        "can_approve": can_approve and batch.prepared_by_id != request.user.pk,
        "is_preparer": batch.prepared_by_id == request.user.pk,
        "available": services.fund_available(batch.programme.fund),
    })


@login_required
def payroll_export(request, payroll_id: int, fmt: str):
    selectors.batch_get(user=request.user, batch_id=payroll_id)
    body, name = services.payroll_export(actor=request.user, batch_id=payroll_id, fmt=fmt,
                                         purpose=request.GET.get("purpose", ""), request=request)
    ctype = "text/csv; charset=utf-8" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def programme_list(request):
    scope.require_perm(request.user, "benefits.view")
    return render(request, "benefits/programme_list.html", {"programmes": selectors.programme_list(user=request.user)})


def _tiers_text(programme: Programme) -> str:
    return "\n".join(f"{t.label} | {t.condition} | {t.amount}" for t in programme.tiers.all())


def _parse_tiers(text: str) -> list[dict]:
    tiers = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [x.strip() for x in line.split("|")]
        if len(parts) != 3:
            raise InvalidInput(_("第%(n)d行档位应写成：名称 | 条件 | 金额") % {"n": n}, field="tiers")
        tiers.append({"label": parts[0], "condition": parts[1], "amount": parts[2]})
    return tiers


@login_required
def programme_detail(request, programme_id: int):
    programme = selectors.programme_get(user=request.user, programme_id=programme_id)
    can_edit = scope.has_perm(request.user, "benefits.manage", programme.region_code)
    data: dict[str, Any] = {
        "name": programme.name, "target_rule": programme.target_rule, "tiers": _tiers_text(programme),
        "tier_mode": programme.tier_mode, "cap": programme.cap or "", "valid_from": programme.valid_from.isoformat(),
        "valid_to": programme.valid_to.isoformat() if programme.valid_to else "", "active": programme.active,
    }
    error = None
    if request.method == "POST":
        selectors.programme_get(user=request.user, programme_id=programme_id, perm="benefits.manage")
        data = {k: request.POST.get(k, "") for k in data} | {"active": request.POST.get("active") == "on"}
        try:
            services.programme_save(
                actor=request.user, code=programme.code, name=data["name"], fund=programme.fund,
                region_code=programme.region_code, target_rule=data["target_rule"], tiers=_parse_tiers(data["tiers"]),
                tier_mode=data["tier_mode"], cap=data["cap"] or None, period=programme.period,
                payment_method=programme.payment_method, valid_from=_parse_day(data["valid_from"]),
                valid_to=_parse_day(data["valid_to"]) if data["valid_to"] else None, active=data["active"],
                basis=programme.basis, request=request,
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("已保存；下次发放按新规则计算"))
            return redirect("benefits:programme_detail", programme_id=programme.pk)
    return render(request, "benefits/programme_detail.html", {
        "programme": programme, "data": data, "error": error, "can_edit": can_edit, "tier_modes": TierMode.choices,
        "facts": engine.rules.FACT_LABELS,
    })


@login_required
def funds(request):
    scope.require_perm(request.user, "benefits.view")
    if request.method == "POST":
        fund = Fund.objects.filter(pk=request.POST.get("fund") or 0).first()
        if fund is None or not selectors.fund_list(user=request.user).filter(pk=fund.pk).exists():
            raise NotFound()
        try:
            services.fund_appropriate(actor=request.user, fund=fund, amount=request.POST.get("amount", ""),
                                      memo=request.POST.get("memo", ""), request=request)
            messages.success(request, _("已拨入"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("benefits:funds")
    return render(request, "benefits/funds.html", {
        "funds": selectors.fund_balances(user=request.user),
        "rows": selectors.balances(user=request.user)[:300],
        "check": selectors.ledger_check() if scope.has_perm(request.user, "benefits.manage") else None,
        "can_manage": scope.has_perm(request.user, "benefits.manage"),
    })


@login_required
def appeals(request):
    scope.require_perm(request.user, "benefits.view")
    state = request.GET.get("state", "open")
    return render(request, "benefits/appeals.html", {
        "appeals": selectors.appeal_inbox(user=request.user, state=state)[:100], "state": state,
        "states": Appeal.State.choices,
    })


@login_required
@require_POST
def appeal_decide(request, appeal_id: int):
    appeal = selectors.appeal_get(user=request.user, appeal_id=appeal_id)
    try:
        services.appeal_decide(
            actor=request.user, appeal_id=appeal.pk, grant=request.POST.get("decision") == "grant",
            reason=request.POST.get("reason", ""), amount=request.POST.get("amount") or None,
            grant_from=_parse_day(request.POST["grant_from"]) if request.POST.get("grant_from") else None,
            request=request,
        )
        messages.success(request, _("已处理申诉#%(id)d") % {"id": appeal.pk})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("benefits:appeals")


@login_required
def person_benefits(request, person_id: int):
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    own = selectors.own_person(request.user, person)
    if not own:
        person = person_get(user=request.user, person_id=person_id, perm="benefits.view")
    day = _parse_day(request.GET.get("day", ""))
    if request.method == "POST":
        programme = Programme.objects.filter(code=request.POST.get("programme", "")).first()
        try:
            if programme is None:
                raise InvalidInput(_("请选择项目"), field="programme")
            services.appeal_file(actor=request.user, person=person, programme=programme,
                                 month=request.POST.get("month", ""), reason=request.POST.get("reason", ""),
                                 request=request)
            messages.success(request, _("申诉已提交，将由%(r)s处理") % {"r": region_label(regions.district_of(person.region_code))})
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(request.path)
    results = selectors.person_eligibility(user=request.user, person=person, day=day)
    return render(request, "benefits/person.html", {
        "person": person, "day": day, "results": results, "payments": selectors.payments_of(person),
        "appeals": person.benefit_appeals.select_related("programme").order_by("-filed_at")[:20],
        "month": engine.month_of(day), "own": own, "region": region_label(person.region_code),
    })


@login_required
def mine(request):
    persons = list(selectors.my_persons(request.user))
    today = timezone.localdate()
    rows = [{"person": p, "results": [r for r in engine.person_eligibility(p, today)],
             "payments": selectors.payments_of(p, 12)} for p in persons]
    return render(request, "benefits/mine.html", {"rows": rows, "today": today})
