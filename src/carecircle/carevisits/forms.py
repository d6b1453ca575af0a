"""What the visit pages take (docs/directory-guide.md, "Writing a page"): each form's fields are the
keyword arguments of the service its page calls; the service checks the values (the API calls it too)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.carevisits.models import Need
from carecircle.core.forms import ServiceForm
from carecircle.core.widgets import RegionField, ScopedRegionsForm


class VisitForm(ServiceForm):
    visited_at = forms.DateTimeField(
        error_messages={"required": _("请填写探访时间"), "invalid": _("请填写探访时间")}
    )
    place = forms.CharField(required=False)
    seen = forms.CharField(required=False)
    condition = forms.CharField(required=False)
    needs = forms.MultipleChoiceField(required=False, choices=Need.choices)
    notes = forms.CharField(required=False)
    follow_up = forms.BooleanField(required=False)
    raise_alarm = forms.BooleanField(required=False)
    idempotency_key = forms.CharField(required=False)


class AssignForm(ServiceForm):
    username = forms.CharField(required=False)
    next = forms.CharField(required=False)
    not_for_service = ("next",)


class RuleForm(ScopedRegionsForm, ServiceForm):
    """A visit rule for a region of the user's (any level: a street's rule overrides its district's),
    picked by name."""

    region_code = RegionField(label=_("适用区域"), perm="carevisits.manage", required=False)
    group = forms.CharField(required=False)
    frequency = forms.CharField(required=False)
    active = forms.BooleanField(required=False)
    note = forms.CharField(required=False)


class GenerateForm(ScopedRegionsForm, ServiceForm):
    region_code = RegionField(label=_("区域"), perm="carevisits.manage", required=False)
    month = forms.DateField(
        required=False, input_formats=["%Y-%m"], error_messages={"invalid": _("月份格式应为 YYYY-MM")}
    )
