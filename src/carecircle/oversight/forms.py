"""What the oversight pages take: each form's fields are the keyword arguments of its service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core.forms import ServiceForm
from carecircle.core.regions import CITY, DISTRICT, STREET
from carecircle.core.widgets import RegionField, ScopedRegionsForm


class PlanForm(ScopedRegionsForm, ServiceForm):
    name = forms.CharField(required=False)
    region_code = RegionField(
        label=_("抽查区域"), perm="oversight.plan", levels=(CITY, DISTRICT, STREET), required=False
    )
    period_start = forms.DateField(
        error_messages={"required": _("请填写开始日期"), "invalid": _("开始日期格式不正确")}
    )
    period_end = forms.DateField(
        error_messages={"required": _("请填写结束日期"), "invalid": _("结束日期格式不正确")}
    )
    per_unit = forms.IntegerField(
        initial=2,
        error_messages={"required": _("请填写每个对象的检查人员数"), "invalid": _("检查人员数应为整数")},
    )
    always_after_months = forms.IntegerField(
        initial=12, error_messages={"required": _("请填写必抽月数"), "invalid": _("必抽月数应为整数")}
    )


class ConflictForm(ServiceForm):
    reason = forms.CharField(required=False, max_length=200)


class CheckInForm(ServiceForm):
    latitude = forms.FloatField(required=False)
    longitude = forms.FloatField(required=False)


class ItemResultForm(ServiceForm):
    item_id = forms.IntegerField(error_messages={"required": _("请选择检查事项")})
    outcome = forms.CharField(required=False)
    note = forms.CharField(required=False, max_length=500)
    photo = forms.FileField(required=False)


class AnswerForm(ServiceForm):
    text = forms.CharField(required=False, max_length=500)
    evidence_photo = forms.FileField(required=False)


class DecisionForm(ServiceForm):
    accepted = forms.TypedChoiceField(
        choices=[("1", _("验收通过")), ("0", _("退回整改"))],
        coerce=lambda v: v == "1",
        error_messages={"required": _("请选择验收结论"), "invalid_choice": _("请选择验收结论")},
    )
    note = forms.CharField(required=False, max_length=300)
