"""The LTC pages: the staff list (count, filters, Excel export), an application for a person, an
assessment's page (its stage, the two assessors' records, notice, objection, delivery) and the
assessors' phone page. Input through ltc_forms.py, what a user may do from
selectors.ltc_actions, writes and audit rows in the services."""

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.careathome import ltc_forms, selectors, services
from carecircle.careathome.ltc_list_specs import LTC_ASSESSMENTS
from carecircle.careathome.ltc_reference import DIMENSIONS, LEVEL_NAMES, SOURCE
from carecircle.careathome.models.ltc import LtcAssessment
from carecircle.core import list_pages
from carecircle.core.forms import ServiceForm
from carecircle.core.selectors import region_label
from carecircle.core.types import AuthedRequest
from carecircle.registry.selectors import person_get


def _row_actions(user: Any) -> Any:
    def actions(a: LtcAssessment) -> list[str]:
        return sorted(selectors.ltc_actions(user, a))

    return actions


@login_required
def ltc_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(
        request, LTC_ASSESSMENTS, template="careathome/ltc_list.html", row_extra=_row_actions(request.user)
    )


@login_required
def ltc_apply(request: AuthedRequest, ltc_person_id: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=ltc_person_id, perm="ltc.apply")
    form = ltc_forms.LtcApplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.submit(partial(services.ltc_apply, actor=request.user, person=person, request=request)):
            messages.success(request, _("已提交%(n)s的长期护理失能等级评估申请") % {"n": person.name})
            return redirect("careathome:ltc_detail", form.result.pk)
    status = form.failed_status if form.errors else 200
    return render(request, "careathome/ltc_apply.html", {"form": form, "person": person}, status=status)


def _detail(request: AuthedRequest, a: LtcAssessment, failed: ServiceForm | None = None) -> HttpResponse:
    records = list(a.records.select_related("assessor").order_by("round", "recorded_at"))
    context = {
        "a": a,
        "person": a.person,
        "region": region_label(a.region_code),
        "actions": selectors.ltc_actions(request.user, a),
        "records": [(r, LEVEL_NAMES[r.level]) for r in records],
        "level_name": "" if a.level is None else LEVEL_NAMES[a.level],
        "standard": SOURCE,
        "failed": failed,
        "refuse_form": ltc_forms.LtcRefuseForm(),
    }
    status = failed.failed_status if failed is not None else 200
    return render(request, "careathome/ltc_detail.html", context, status=status)


@login_required
def ltc_detail(request: AuthedRequest, ltc_assessment_id: int) -> HttpResponse:
    return _detail(request, selectors.ltc_assessment_get(user=request.user, assessment_id=ltc_assessment_id))


@login_required
@require_POST
def ltc_accept(request: AuthedRequest, ltc_assessment_id: int) -> HttpResponse:
    a = selectors.ltc_assessment_get(user=request.user, assessment_id=ltc_assessment_id)
    a = services.ltc_accept(actor=request.user, assessment=a, request=request)
    messages.success(request, _("已受理，请于%(d)s前完成现场评估") % {"d": a.assess_by})
    return redirect("careathome:ltc_detail", a.pk)


@login_required
@require_POST
def ltc_refuse(request: AuthedRequest, ltc_assessment_id: int) -> HttpResponse:
    a = selectors.ltc_assessment_get(user=request.user, assessment_id=ltc_assessment_id)
    form = ltc_forms.LtcRefuseForm(request.POST)
    if not form.submit(partial(services.ltc_refuse, actor=request.user, assessment=a, request=request)):
        return _detail(request, a, failed=form)
    messages.success(request, _("已答复：不予受理"))
    return redirect("careathome:ltc_detail", a.pk)


@login_required
@require_POST
def ltc_object(request: AuthedRequest, ltc_assessment_id: int) -> HttpResponse:
    a = selectors.ltc_assessment_get(user=request.user, assessment_id=ltc_assessment_id)
    form = ltc_forms.LtcObjectForm(request.POST)
    if not form.submit(partial(services.ltc_object, actor=request.user, assessment=a, request=request)):
        return _detail(request, a, failed=form)
    messages.success(request, _("已登记异议，将由另两名评估人员复评"))
    return redirect("careathome:ltc_detail", a.pk)


@login_required
@require_POST
def ltc_deliver(request: AuthedRequest, ltc_assessment_id: int) -> HttpResponse:
    a = selectors.ltc_assessment_get(user=request.user, assessment_id=ltc_assessment_id)
    a = services.ltc_deliver(actor=request.user, assessment=a, request=request)
    messages.success(request, _("评估结果已送达，有效期至%(d)s") % {"d": a.valid_until})
    return redirect("careathome:ltc_detail", a.pk)


@login_required
def ltc_record(request: AuthedRequest, ltc_assessment_id: int) -> HttpResponse:
    """The assessor's phone page: the city table's items as radio buttons, one record per assessor."""
    a = selectors.ltc_assessment_get(user=request.user, assessment_id=ltc_assessment_id)
    scale = selectors.ltc_scale(a.region_code)
    form = ltc_forms.LtcRecordForm(request.POST if request.method == "POST" else None, scale=scale)
    if request.method == "POST":

        def call(**cleaned: int) -> LtcAssessment:
            answers = {k.removeprefix("answers."): v for k, v in cleaned.items()}
            return services.ltc_record(actor=request.user, assessment=a, answers=answers, request=request)

        if form.submit(call):
            done = form.result
            if done.level is not None:
                messages.success(
                    request, _("两名评估人员结论一致：%(lv)s，进入公示") % {"lv": LEVEL_NAMES[done.level]}
                )
            else:
                messages.success(request, _("已录入，等待另一名评估人员录入"))
            return redirect("careathome:ltc_detail", a.pk)
    dims = [
        (name, [form[f"answers.{i.code}"] for i in scale.items_of(code)]) for code, name, _n in DIMENSIONS
    ]
    status = form.failed_status if form.errors else 200
    context = {"a": a, "person": a.person, "form": form, "dims": dims, "source": scale.source}
    return render(request, "careathome/ltc_record.html", context, status=status)
