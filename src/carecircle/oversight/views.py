"""Oversight pages: the registers (items, units, inspectors), the 双随机 plans, and the public draw
pages anyone can check (docs/directory-guide.md, "Writing a page")."""

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import list_pages, region_pick, scope
from carecircle.core.forms import render_invalid
from carecircle.core.types import AuthedRequest, Request
from carecircle.oversight import forms, selectors, services
from carecircle.oversight.list_specs import INSPECTORS, ITEMS, PLANS, UNITS
from carecircle.oversight.models import DrawPlan, PlanState

PLANS_TEMPLATE = "oversight/plans.html"


def _plans_extra(request: AuthedRequest, failed: forms.PlanForm | None = None) -> dict[str, object]:
    may_plan = scope.has_perm(request.user, "oversight.plan")
    return {"may_plan": may_plan, "plan_form": failed or forms.PlanForm(user=request.user), "failed": failed}


@login_required
def plan_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, PLANS, template=PLANS_TEMPLATE, context=_plans_extra(request))


@login_required
@require_POST
def plan_publish(request: AuthedRequest) -> HttpResponse:
    form = forms.PlanForm(request.POST, user=request.user)
    if not form.submit(partial(services.plan_publish, actor=request.user, request=request)):
        context, _query = list_pages.listing(PLANS, request)
        return render_invalid(request, PLANS_TEMPLATE, {**context, **_plans_extra(request, form)})
    messages.success(request, _("抽查计划已公示：随机种子和输入摘要已公开，可以抽取"))
    return redirect("oversight:plan_detail", draw_plan_id=form.result.pk)


def _plan_context(plan: DrawPlan) -> dict[str, object]:
    return {
        "plan": plan,
        "region": region_pick.names_of([plan.region_code]).get(plan.region_code, ""),
        "rows": selectors.drawn_rows(plan),
        "check": selectors.plan_verify(plan),
        "drawn": plan.state == PlanState.DRAWN,
    }


@login_required
def plan_detail(request: AuthedRequest, draw_plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=draw_plan_id)
    may_draw = plan.state == PlanState.PUBLISHED and scope.has_perm(
        request.user, "oversight.plan", plan.region_code
    )
    return render(request, "oversight/plan_detail.html", {**_plan_context(plan), "may_draw": may_draw})


@login_required
@require_POST
def plan_draw(request: AuthedRequest, draw_plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=draw_plan_id)
    drawn = services.plan_draw(actor=request.user, plan=plan, request=request)
    messages.success(request, _("已抽取 %(n)d 个检查对象，结果已公开") % {"n": len(drawn)})
    return redirect("oversight:plan_detail", draw_plan_id=plan.pk)


def _may_declare(request: AuthedRequest) -> Callable[[object], bool]:
    may = scope.has_perm(request.user, "oversight.inspect")
    return lambda _unit: may


@login_required
def unit_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, UNITS, template="oversight/units.html", row_extra=_may_declare(request))


@login_required
@require_POST
def unit_conflict(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = selectors.unit_get(user=request.user, unit_id=unit_id)
    form = forms.ConflictForm(request.POST)
    if not form.submit(partial(services.conflict_declare, actor=request.user, unit=unit, request=request)):
        context, _query = list_pages.listing(UNITS, request, row_extra=_may_declare(request))
        return render_invalid(
            request, "oversight/units.html", {**context, "failed": form, "failed_unit": unit}
        )
    messages.success(request, _("已申报回避：今后不会抽到您检查 %(u)s") % {"u": unit.name})
    return redirect("oversight:units")


@login_required
def item_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, ITEMS, template="core/list_page.html")


@login_required
def inspector_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, INSPECTORS, template="core/list_page.html")


# ------------------------------------------------------------------ public (一公开): no sign-in


def public_draws(request: Request) -> HttpResponse:
    plans = list(selectors.public_plans()[:200])
    names = region_pick.names_of(p.region_code for p in plans)
    return render(request, "oversight/public_draws.html", {"plans": plans, "names": names})


def _public_plan(draw_plan_id: int) -> DrawPlan:
    try:
        return selectors.public_plan(draw_plan_id)
    except DrawPlan.DoesNotExist:
        raise Http404 from None


def public_draw(request: Request, draw_plan_id: int) -> HttpResponse:
    return render(request, "oversight/public_draw.html", _plan_context(_public_plan(draw_plan_id)))


def public_draw_inputs(request: Request, draw_plan_id: int) -> HttpResponse:
    """The published inputs as canonical JSON: with the seed, all anyone needs to re-run the draw."""
    plan = _public_plan(draw_plan_id)
    body = {"seed": plan.seed, "inputs_digest": plan.inputs_digest, "inputs": plan.inputs}
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "sort_keys": True})
