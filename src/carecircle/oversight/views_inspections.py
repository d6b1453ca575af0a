"""Inspection on a phone and the rectification pages (issue 20 items 3-4)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import list_pages
from carecircle.core.types import AuthedRequest
from carecircle.oversight import evidence, forms, selectors, services
from carecircle.oversight.inspections import finding_actions, inspection_actions
from carecircle.oversight.list_specs_inspections import FINDINGS, TASKS
from carecircle.oversight.models import Finding, Inspection, ItemResult

INSPECTION_TEMPLATE = "oversight/inspection.html"
FINDING_TEMPLATE = "oversight/finding.html"


def _inspection_page(
    request: AuthedRequest,
    inspection: Inspection,
    *,
    failed: forms.ServiceForm | None = None,
    item_id: int = 0,
) -> HttpResponse:
    context = {
        "inspection": inspection,
        "actions": inspection_actions(request.user, inspection),
        "sheet": selectors.inspection_sheet(inspection),
        "inspectors": [a.inspector for a in inspection.drawn.assignments.select_related("inspector")],
        "confirmed": set(inspection.confirmations.values_list("inspector_id", flat=True)),
        "failed": failed,
        "failed_item": item_id,
        "findings": inspection.findings.all(),
    }
    return render(request, INSPECTION_TEMPLATE, context, status=failed.failed_status if failed else 200)


@login_required
def task_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, TASKS, template="core/list_page.html")


@login_required
def inspection_detail(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    return _inspection_page(request, selectors.inspection_get(user=request.user, inspection_id=inspection_id))


def _act(
    request: AuthedRequest, inspection_id: int, form: forms.ServiceForm, service, done: str
) -> HttpResponse:  # noqa: ANN001 — a service of services_inspections
    inspection = selectors.inspection_get(user=request.user, inspection_id=inspection_id)
    call = partial(service, actor=request.user, inspection=inspection)
    if not form.submit(call):
        return _inspection_page(request, inspection, failed=form, item_id=form.data.get("item_id", 0))
    messages.success(request, done)
    return redirect("oversight:inspection_detail", inspection_id=inspection.pk)


@login_required
@require_POST
def inspection_check_in(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    form = forms.CheckInForm(request.POST)
    return _act(
        request, inspection_id, form, partial(services.inspection_check_in, request=request), _("已签到")
    )


@login_required
@require_POST
def inspection_record(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    form = forms.ItemResultForm(request.POST, request.FILES)
    return _act(request, inspection_id, form, services.inspection_record, _("已记录"))


@login_required
@require_POST
def inspection_submit(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    form = forms.ServiceForm(request.POST)
    return _act(
        request,
        inspection_id,
        form,
        partial(services.inspection_submit, request=request),
        _("检查记录已提交，待另一名检查人员确认"),
    )


@login_required
@require_POST
def inspection_confirm(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    form = forms.ServiceForm(request.POST)
    return _act(
        request,
        inspection_id,
        form,
        partial(services.inspection_confirm, request=request),
        _("已确认检查记录"),
    )


@login_required
def result_photo(request: AuthedRequest, result_id: int) -> HttpResponse:
    result = ItemResult.objects.filter(pk=result_id).select_related("inspection").first()
    if result is None or not result.photo:
        raise Http404
    selectors.inspection_get(user=request.user, inspection_id=result.inspection_id)
    return _photo(result.photo)


def _photo(name: str) -> HttpResponse:
    try:
        body = evidence.read(name)
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(body, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------ findings (整改)


def _finding_page(
    request: AuthedRequest, finding: Finding, *, failed: forms.ServiceForm | None = None
) -> HttpResponse:
    context = {
        "finding": finding,
        "actions": finding_actions(request.user, finding),
        "answers": finding.answers.select_related("by", "decided_by"),
        "failed": failed,
    }
    return render(request, FINDING_TEMPLATE, context, status=failed.failed_status if failed else 200)


@login_required
def finding_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, FINDINGS, template="core/list_page.html")


@login_required
def finding_detail(request: AuthedRequest, finding_id: int) -> HttpResponse:
    return _finding_page(request, selectors.finding_get(user=request.user, finding_id=finding_id))


@login_required
@require_POST
def finding_answer(request: AuthedRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, finding_id=finding_id)
    form = forms.AnswerForm(request.POST, request.FILES)
    if not form.submit(
        partial(services.finding_answer, actor=request.user, finding=finding, request=request)
    ):
        return _finding_page(request, finding, failed=form)
    messages.success(request, _("整改情况已提交，等待检查人员验收"))
    return redirect("oversight:finding_detail", finding_id=finding.pk)


@login_required
@require_POST
def finding_decide(request: AuthedRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_get(user=request.user, finding_id=finding_id)
    form = forms.DecisionForm(request.POST)
    if not form.submit(
        partial(services.finding_decide, actor=request.user, finding=finding, request=request)
    ):
        return _finding_page(request, finding, failed=form)
    messages.success(request, _("已验收") if form.result.closed_at else _("已退回整改"))
    return redirect("oversight:finding_detail", finding_id=finding.pk)


@login_required
def answer_photo(request: AuthedRequest, answer_id: int) -> HttpResponse:
    finding = Finding.objects.filter(answers__pk=answer_id).first()
    if finding is None:
        raise Http404
    selectors.finding_get(user=request.user, finding_id=finding.pk)
    return _photo(finding.answers.get(pk=answer_id).evidence)
