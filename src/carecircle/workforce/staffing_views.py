"""The nursing-staff ratio rule page (issue 21, item 2): the rules of the user's regions, and the
form with which an official with workforce.manage sets one (workforce/staffing.py). Thin: the form
in, one service call, reads scoped to the user's regions."""

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.assessment.types import CapabilityLevel
from carecircle.core import region_pick, scope
from carecircle.core.forms import ServiceForm
from carecircle.core.widgets import RegionField, ScopedRegionsForm
from carecircle.workforce import staffing
from carecircle.workforce.models import NursingRatioRule


class RuleForm(ScopedRegionsForm, ServiceForm):
    region_code = RegionField(
        label=gettext_lazy("适用区域"),
        perm="workforce.manage",
        error_messages={"required": gettext_lazy("请选择适用区域")},
    )
    care_level = forms.TypedChoiceField(
        label=gettext_lazy("能力等级"),
        choices=CapabilityLevel.choices,
        coerce=int,
        error_messages={
            "required": gettext_lazy("请选择能力等级"),
            "invalid_choice": gettext_lazy("能力等级无效"),
        },
    )
    residents_per_carer = forms.CharField(
        label=gettext_lazy("每名持证护理员服务老人数"), required=False, max_length=10
    )
    source = forms.CharField(label=gettext_lazy("依据（文件名称与文号）"), required=False, max_length=200)


@login_required
def nursing_rules(request):
    if not scope.has_perm(request.user, "workforce.view"):
        raise PermissionDenied
    may_manage = scope.has_perm(request.user, "workforce.manage")
    form = RuleForm(request.POST if request.method == "POST" else None, user=request.user)
    status = 200
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.submit(partial(staffing.nursing_rule_set, actor=request.user, request=request)):
            messages.success(request, _("已保存护理员配比规则"))
            return redirect("workforce:nursing_rules")
        status = form.failed_status
    rules = list(scope.in_scope(NursingRatioRule.objects.all(), request.user, "workforce.view"))
    names = region_pick.names_of({r.region_code for r in rules})
    for r in rules:
        r.region_name = names.get(r.region_code, "")
        r.level_name = CapabilityLevel(r.care_level).label
    context = {"rules": rules, "form": form, "may_manage": may_manage}
    return render(request, "workforce/nursing_rules.html", context, status=status)
