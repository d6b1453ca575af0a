"""What the credit pages take: each form's fields are the keyword arguments of its service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core.forms import ServiceForm
from carecircle.oversight.models import CorrectionAction


class PenaltyForm(ServiceForm):
    decision_no = forms.CharField(required=False, max_length=60)
    decided_on = forms.DateField(required=False, error_messages={"invalid": _("处罚日期格式不正确")})
    authority = forms.CharField(required=False, max_length=100)
    fine = forms.DecimalField(
        required=False, max_digits=12, decimal_places=2, error_messages={"invalid": _("罚款金额格式不正确")}
    )
    text = forms.CharField(required=False, max_length=500)


class CorrectionRequestForm(ServiceForm):
    action = forms.ChoiceField(
        choices=CorrectionAction.choices,
        error_messages={"required": _("请选择申请事项"), "invalid_choice": _("请选择申请事项")},
    )
    new_points = forms.DecimalField(
        required=False, max_digits=7, decimal_places=2, error_messages={"invalid": _("更正后分值格式不正确")}
    )
    reason = forms.CharField(required=False, max_length=500)


class CorrectionDecisionForm(ServiceForm):
    approved = forms.TypedChoiceField(
        choices=[("1", _("同意")), ("0", _("不同意"))],
        coerce=lambda v: v == "1",
        error_messages={"required": _("请选择审核结论"), "invalid_choice": _("请选择审核结论")},
    )
    note = forms.CharField(required=False, max_length=300)
