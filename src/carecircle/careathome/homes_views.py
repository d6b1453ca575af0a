"""Pages of home adaptation (居家适老化改造): one view per action (docs/directory-guide.md, "Writing a
page"); input through homes_forms, what a user may do from homes_selectors.case_actions, writes and
audit rows in adaptation_services, refusals left to the error middleware."""

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from carecircle.careathome import adaptation_services as services
from carecircle.careathome import homes_forms as forms
from carecircle.careathome import homes_list_specs, homes_photos, homes_reference, homes_selectors
from carecircle.careathome.homes_selectors import CaseAction
from carecircle.careathome.models.homes import AdaptationCase, AdaptationPhoto, PhotoStage
from carecircle.core import list_pages, scope
from carecircle.core.errors import NotFound
from carecircle.core.forms import render_invalid
from carecircle.core.types import AuthedRequest
from carecircle.registry.selectors import person_search

DETAIL = "careathome/adaptation_detail.html"


@login_required
def adaptation_home(request: AuthedRequest) -> HttpResponse:
    """The figures (households adapted against Qujing's 5,000) and the way to every page."""
    scope.require_perm(request.user, "careathome.homes_view")
    return render(
        request,
        "careathome/adaptation_home.html",
        {
            "figures": homes_selectors.adaptation_figures(user=request.user),
            "refer_form": forms.ReferForm(user=request.user),
            "may_apply": scope.has_perm(request.user, "careathome.homes_apply"),
        },
    )


@login_required
def adaptation_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, homes_list_specs.CASES)


@login_required
def adaptation_catalogue(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "careathome.homes_view")
    region = next(iter(scope.prefixes(request.user, "careathome.homes_view")), "")
    return render(
        request,
        "careathome/adaptation_catalogue.html",
        {
            "rows": homes_selectors.catalogue(region),
            "missing": homes_reference.missing_message(),
            "source": homes_reference.SOURCE_LIST,
        },
    )


@login_required
def adaptation_apply(request: AuthedRequest) -> HttpResponse:
    """GET: find the person (name or whole ID number); POST: open the case."""
    scope.require_perm(request.user, "careathome.homes_apply")
    text = (request.GET.get("q") or "").strip()
    found = list(person_search(user=request.user, text=text)[:20]) if text else []
    form = forms.ApplyForm(request.POST or None, user=request.user)
    context: dict[str, Any] = {"form": form, "q": text, "found": found}
    if request.method == "POST":
        if not form.submit(partial(services.case_apply, actor=request.user, request=request)):
            return render_invalid(request, "careathome/adaptation_apply.html", context)
        messages.success(request, _("已登记适老化改造申请"))
        return redirect("careathome:adaptation_detail", form.result.pk)
    return render(request, "careathome/adaptation_apply.html", context)


def _detail_context(request: AuthedRequest, case: AdaptationCase, **forms_bound: Any) -> dict[str, Any]:
    actions = homes_selectors.case_actions(request.user, case)
    photos: dict[str, list[Any]] = {s: [] for s in PhotoStage.values}
    for p in case.photos.all():
        photos[p.stage].append(p)
    return {
        "case": case,
        "actions": {a.value for a in actions},
        "lines": case.lines.select_related("item"),
        "photos": [(PhotoStage(s).label, ps) for s, ps in photos.items() if ps],
        "assess_form": forms_bound.get("assess") or forms.AssessForm(),
        "plan_form": forms_bound.get("plan") or forms.PlanForm(),
        "approve_form": forms_bound.get("approve")
        or forms.ApproveForm(contractors=homes_selectors.contractors_for(case)),
        "works_form": forms_bound.get("works") or forms.WorksForm(),
        "accept_form": forms_bound.get("accept") or forms.AcceptForm(),
        "refuse_form": forms_bound.get("refuse") or forms.RefuseForm(),
    }


@login_required
def adaptation_detail(request: AuthedRequest, adaptation_case_id: int) -> HttpResponse:
    case = homes_selectors.case_get(user=request.user, case_id=adaptation_case_id)
    return render(request, DETAIL, _detail_context(request, case))


def _act(
    request: AuthedRequest,
    adaptation_case_id: int,
    action: CaseAction,
    form_class: Any,
    service: Any,
    done: str,
    **form_kw: Any,
) -> HttpResponse:
    case = homes_selectors.case_get(user=request.user, case_id=adaptation_case_id)
    if action == CaseAction.APPROVE:
        form_kw["contractors"] = homes_selectors.contractors_for(case)
    form = form_class(request.POST, request.FILES, **form_kw)
    if not form.submit(partial(service, actor=request.user, case=case, request=request)):
        case.refresh_from_db()
        return render_invalid(request, DETAIL, _detail_context(request, case, **{action.value: form}))
    messages.success(request, done)
    return redirect("careathome:adaptation_detail", case.pk)


def _action_view(action: CaseAction, form_class: Any, service: Any, done: Promise) -> Any:
    """The POST page of one case action (its URL names it): the action's form, its service and
    what is said when it is done, through `_act` — one body for every action, the photo uploads of
    the assessment, the works and the acceptance included (the service stores them through
    homes_photos)."""

    @login_required
    @require_POST
    def view(request: AuthedRequest, adaptation_case_id: int) -> HttpResponse:
        return _act(request, adaptation_case_id, action, form_class, service, str(done))

    view.__name__ = view.__qualname__ = f"adaptation_{action.value}"
    return view


adaptation_assess = _action_view(
    CaseAction.ASSESS, forms.AssessForm, services.case_assess, _l("已记录入户评估")
)
adaptation_plan = _action_view(CaseAction.PLAN, forms.PlanForm, services.case_plan, _l("已保存改造方案"))
adaptation_approve = _action_view(
    CaseAction.APPROVE, forms.ApproveForm, services.case_approve, _l("方案已审批")
)
adaptation_works = _action_view(CaseAction.WORKS, forms.WorksForm, services.case_start_works, _l("已开工"))
adaptation_accept = _action_view(CaseAction.ACCEPT, forms.AcceptForm, services.case_accept, _l("已验收"))
adaptation_pay = _action_view(CaseAction.PAY, forms.EmptyForm, services.case_pay, _l("补贴已支付给施工单位"))
adaptation_refuse = _action_view(CaseAction.REFUSE, forms.RefuseForm, services.case_refuse, _l("已不予受理"))


@login_required
def adaptation_photo(request: AuthedRequest, adaptation_photo_id: int) -> HttpResponse:
    """A case's photo, to whoever may see the case."""

    photo = AdaptationPhoto.objects.filter(pk=adaptation_photo_id).select_related("case").first()
    if photo is None:
        raise NotFound()
    homes_selectors.case_get(user=request.user, case_id=photo.case_id)
    try:
        body = homes_photos.read(photo.file)
    except FileNotFoundError:
        raise NotFound() from None
    return HttpResponse(body, content_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


@login_required
@require_POST
def adaptation_refer(request: AuthedRequest) -> HttpResponse:
    """The rule finds eligible households in a region and opens their cases."""
    form = forms.ReferForm(request.POST, user=request.user)
    if not form.submit(partial(services.cases_refer_eligible, actor=request.user, request=request)):
        return render_invalid(
            request,
            "careathome/adaptation_home.html",
            {
                "figures": homes_selectors.adaptation_figures(user=request.user),
                "refer_form": form,
                "may_apply": True,
            },
        )
    messages.success(request, _("按规则筛查，新建个案 %(n)d 件") % {"n": form.result})
    return redirect("careathome:adaptation_list")


@login_required
def contractor_list(request: AuthedRequest) -> HttpResponse:
    """The contractor register; officials add to it (POST)."""
    scope.require_perm(request.user, "careathome.homes_view")
    form = forms.ContractorForm(request.POST or None, user=request.user)
    context = {"contractors": homes_selectors.contractors(user=request.user), "form": form}
    if request.method == "POST":
        if not form.submit(partial(services.contractor_register, actor=request.user, request=request)):
            return render_invalid(request, "careathome/adaptation_contractors.html", context)
        messages.success(request, _("已登记施工单位"))
        return redirect("careathome:contractor_list")
    context["may_manage"] = scope.has_perm(request.user, "careathome.homes_manage")
    return render(request, "careathome/adaptation_contractors.html", context)


@login_required
@require_POST
def contractor_deregister(request: AuthedRequest, contractor_id: int) -> HttpResponse:
    contractor = homes_selectors.contractor_get(user=request.user, contractor_id=contractor_id)
    form = forms.EmptyForm(request.POST)
    form.submit(
        partial(services.contractor_deregister, actor=request.user, contractor=contractor, request=request)
    )
    messages.success(request, _("已注销施工单位“%(n)s”") % {"n": contractor.name})
    return redirect("careathome:contractor_list")
