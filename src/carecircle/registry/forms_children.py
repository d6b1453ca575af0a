"""What the pages of the register of children in difficulty take (docs/directory-guide.md, "Writing a
page"): each form's fields are the keyword arguments of the service its page calls
(registry/children_services.py); the service checks the values."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core.forms import ServiceForm
from carecircle.core.regions import COMMUNITY
from carecircle.core.widgets import RegionField, ScopedRegionsForm
from carecircle.registry.checks import CHILD_STATUSES
from carecircle.registry.forms import DuplicateIdOnForm
from carecircle.registry.models import GuardianRelation, GuardianshipOutcome, StatusKind


class ChildRegisterForm(ScopedRegionsForm, DuplicateIdOnForm):
    """A child already on the register (e.g. imported as an infant) is a 409 on the ID number with a
    link to the record, the typed values kept (DuplicateIdOnForm), not the error page. The community
    is picked by name among the user's (core.widgets.RegionField)."""

    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False)
    region_code = RegionField(label=_("所属社区"), perm="registry.edit", levels=(COMMUNITY,), required=False)
    kind = forms.CharField(
        label=_("儿童类别"),
        required=False,
        widget=forms.Select(choices=[(k.value, k.label) for k in StatusKind if k.value in CHILD_STATUSES]),
    )
    valid_from = forms.DateField(
        label=_("认定日期"), required=False, error_messages={"invalid": _("认定日期格式应为 YYYY-MM-DD")}
    )
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("居住地址"), max_length=200, required=False)
    source = forms.CharField(label=_("信息来源"), max_length=200, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class GuardianshipForm(ServiceForm):
    guardian_name = forms.CharField(label=_("监护人"), max_length=50, required=False)
    relation = forms.CharField(
        label=_("与儿童关系"),
        required=False,
        widget=forms.Select(choices=[("", "—"), *GuardianRelation.choices]),
    )
    guardian_phone = forms.CharField(label=_("监护人电话"), max_length=20, required=False)
    assessed_on = forms.DateField(
        label=_("评估日期"),
        error_messages={"required": _("请填写评估日期"), "invalid": _("评估日期格式应为 YYYY-MM-DD")},
    )
    outcome = forms.CharField(
        label=_("评估结论"),
        required=False,
        widget=forms.Select(choices=[("", "—"), *GuardianshipOutcome.choices]),
    )
    notes = forms.CharField(label=_("评估情况"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
