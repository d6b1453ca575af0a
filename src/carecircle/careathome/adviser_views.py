"""The care adviser's page of one person (养老顾问, one plan per person): the plan gathered across
modules, naming the adviser, recording a 委托代办 consent or withdrawing it, and the adviser's
application on the person's behalf under a consent."""

from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carecircle.careathome import adviser_selectors, adviser_services, beds_reference
from carecircle.careathome.models.beds import ConsentPurpose, FamilyBed
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.forms import ServiceForm, render_invalid
from carecircle.core.types import AuthedRequest

PAGE = "careathome/adviser_plan.html"


class AssignForm(ServiceForm):
    adviser_id = forms.CharField(
        label=gettext_lazy("养老顾问（工作人员编号）"), max_length=12, required=False
    )


class ConsentForm(ServiceForm):
    purpose = forms.ChoiceField(label=gettext_lazy("代办事项"), choices=ConsentPurpose.choices)
    given_by = forms.CharField(label=gettext_lazy("委托人"), max_length=60, required=False)
    relation = forms.CharField(label=gettext_lazy("与老人关系"), max_length=20, required=False)


def _context(request: AuthedRequest, person: Any, **bound: Any) -> dict[str, Any]:
    return {
        "person": person,
        **adviser_selectors.care_plan(user=request.user, person=person),
        "may_act": adviser_selectors.may_act(request.user, person),
        "assign_form": bound.get("assign") or AssignForm(),
        "consent_form": bound.get("consent") or ConsentForm(),
        "behalf_form": bound.get("behalf") or BehalfForm(),
        "revoke_form": bound.get("revoke") or RevokeForm(),
    }


@login_required
def adviser_plan(request: AuthedRequest, adviser_person_id: int) -> HttpResponse:
    person = adviser_selectors.plan_person(user=request.user, person_id=adviser_person_id)
    return render(request, PAGE, _context(request, person))


@login_required
@require_POST
def adviser_assign(request: AuthedRequest, adviser_person_id: int) -> HttpResponse:
    person = adviser_selectors.plan_person(user=request.user, person_id=adviser_person_id)
    form = AssignForm(request.POST)
    if not form.submit(
        partial(adviser_services.adviser_assign, actor=request.user, person=person, request=request)
    ):
        return render_invalid(request, PAGE, _context(request, person, assign=form))
    messages.success(request, _("已指定养老顾问"))
    return redirect("careathome:adviser_plan", person.pk)


@login_required
@require_POST
def adviser_consent(request: AuthedRequest, adviser_person_id: int) -> HttpResponse:
    person = adviser_selectors.plan_person(user=request.user, person_id=adviser_person_id)
    plan = adviser_selectors.plan_of(person)
    if plan is None:
        raise Conflict(_("请先为该老人指定养老顾问，再记录委托代办"), field="plan")
    form = ConsentForm(request.POST)
    if not form.submit(
        partial(adviser_services.consent_record, actor=request.user, plan=plan, request=request)
    ):
        return render_invalid(request, PAGE, _context(request, person, consent=form))
    messages.success(request, _("已记录委托代办"))
    return redirect("careathome:adviser_plan", person.pk)


BEHALF_CHOICES = [
    (p.value, p.label) for p in (ConsentPurpose.LTC, ConsentPurpose.ADAPTATION, ConsentPurpose.FAMILY_BED)
]


class BehalfForm(ServiceForm):
    """委托代办 from the page: an LTC assessment or a home adaptation (the person is all they need), or
    a family bed with what its contract asks (the provider, the visits' frequency, the home
    assessment; beds_services.bed_contract refuses a missing one naming it). Each needs a recorded,
    unrevoked consent (the service refuses otherwise)."""

    shown_on_form = (InvalidInput, Conflict, Forbidden)
    default_field = "purpose"
    purpose = forms.ChoiceField(label=gettext_lazy("代办申请事项"), choices=BEHALF_CHOICES)
    provider = forms.ModelChoiceField(
        label=gettext_lazy("服务机构（家庭养老床位）"),
        # lazy, and copied per form: each page reads the providers active at that moment
        queryset=FamilyBed._meta.get_field("provider").related_model._default_manager.filter(active=True),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("请选择服务机构")},
    )
    visit_every_days = forms.TypedChoiceField(
        label=gettext_lazy("上门服务频次（家庭养老床位）"),
        choices=[("", "—"), *beds_reference.VISIT_EVERY],
        coerce=int,
        empty_value=None,
        required=False,
    )
    assessment_note = forms.CharField(
        label=gettext_lazy("入户评估意见（家庭养老床位）"), max_length=500, required=False
    )


class RevokeForm(ServiceForm):
    shown_on_form = (InvalidInput, Conflict)
    default_field = "consent_id"
    consent_id = forms.CharField(label=gettext_lazy("撤回的委托"), max_length=12, required=False)


def _plan_of(person: Any) -> Any:
    plan = adviser_selectors.plan_of(person)
    if plan is None:
        raise Conflict(_("请先为该老人指定养老顾问"), field="plan")
    return plan


def _plan_post(
    request: AuthedRequest,
    adviser_person_id: int,
    form_class: type[ServiceForm],
    call: Any,
    key: str,
    done: str,
) -> HttpResponse:
    """A POST of the plan's forms: the person in scope, a plan named, the form to the service."""
    person = adviser_selectors.plan_person(user=request.user, person_id=adviser_person_id)
    plan = _plan_of(person)
    form = form_class(request.POST)
    if not form.submit(partial(call, actor=request.user, plan=plan, request=request)):
        return render(request, PAGE, _context(request, person, **{key: form}), status=form.failed_status)
    messages.success(request, done)
    return redirect("careathome:adviser_plan", person.pk)


@login_required
@require_POST
def adviser_on_behalf(request: AuthedRequest, adviser_person_id: int) -> HttpResponse:
    return _plan_post(
        request,
        adviser_person_id,
        BehalfForm,
        adviser_services.apply_on_behalf,
        "behalf",
        _("已代为提交申请（委托代办）"),
    )


@login_required
@require_POST
def adviser_revoke(request: AuthedRequest, adviser_person_id: int) -> HttpResponse:
    return _plan_post(
        request, adviser_person_id, RevokeForm, adviser_services.consent_withdraw, "revoke", _("已撤回委托")
    )
