"""What the early-warning pages take: each form's fields are the keyword arguments of its service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core.forms import ServiceForm
from carecircle.oversight.models import SubjectKind, WarningLevel


class DismissForm(ServiceForm):
    reason = forms.CharField(required=False, max_length=500)


class ToInspectForm(ServiceForm):
    note = forms.CharField(required=False, max_length=500)


class RuleForm(ServiceForm):
    name = forms.CharField(required=False, max_length=100)
    subject_kind = forms.ChoiceField(
        choices=SubjectKind.choices,
        error_messages={"required": _("请选择预警对象"), "invalid_choice": _("请选择预警对象")},
    )
    expression = forms.CharField(required=False, max_length=2000)
    level = forms.ChoiceField(
        choices=WarningLevel.choices,
        error_messages={"required": _("请选择预警等级"), "invalid_choice": _("请选择预警等级")},
    )
    deadline_days = forms.IntegerField(required=False, error_messages={"invalid": _("处理时限应为1至365天")})
