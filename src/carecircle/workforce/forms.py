"""What the caregiver pages take (docs/directory-guide.md, "Writing a page"): each form's fields are
the keyword arguments of the one service its page calls."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core.forms import ServiceForm
from carecircle.core.regions import COMMUNITY
from carecircle.core.widgets import RegionField, ScopedRegionsForm


class CertificateForm(ServiceForm):
    kind = forms.CharField(required=False)
    level = forms.TypedChoiceField(
        choices=[("", "")] + [(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("养老护理员证书须填写等级（1-5）")},
    )
    number = forms.CharField(required=False)
    issuer = forms.CharField(required=False)
    valid_from = forms.DateField(
        error_messages={"required": _("请填写有效期起"), "invalid": _("请填写有效期起")}
    )
    valid_to = forms.DateField(required=False, error_messages={"invalid": _("有效期止的日期格式不正确")})


class CaregiverForm(ScopedRegionsForm, ServiceForm):
    """Registering a caregiver of the admin's own organisation; the community where they work is
    picked by name (core.widgets.RegionField)."""

    organisation_id = forms.TypedChoiceField(
        coerce=int, error_messages={"required": _("请选择本机构"), "invalid_choice": _("请选择本机构")}
    )
    name = forms.CharField(required=False)
    phone = forms.CharField(required=False)
    region_code = RegionField(label=_("所在社区"), perm="region.view", levels=(COMMUNITY,), required=False)
    employed_from = forms.DateField(
        error_messages={"required": _("请填写入职日期"), "invalid": _("请填写入职日期")}
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation_id"].choices = [(str(o), str(o)) for o in organisations]


class VerifyForm(ServiceForm):
    evidence = forms.CharField(required=False, max_length=300)


class ShiftForm(ServiceForm):
    """Putting a worker on the roster of the workplace the page shows."""

    worker_id = forms.IntegerField(error_messages={"required": _("请选择人员"), "invalid": _("请选择人员")})
    day = forms.DateField(error_messages={"required": _("请填写日期"), "invalid": _("日期格式不正确")})
    start = forms.TimeField(
        error_messages={"required": _("请填写开始时间"), "invalid": _("开始时间格式不正确")}
    )
    end = forms.TimeField(
        error_messages={"required": _("请填写结束时间"), "invalid": _("结束时间格式不正确")}
    )
    class_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_id"].choices = [("", "")] + [(str(c.pk), c.name) for c in classes]


class ImportForm(forms.Form):
    employer = forms.ChoiceField(
        error_messages={"required": _("请选择用人单位"), "invalid_choice": _("请选择用人单位")}
    )
    file = forms.FileField(error_messages={"required": _("请选择要导入的文件"), "empty": _("文件是空的")})

    def __init__(self, *args, employers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [(f"{k}:{i}", label) for k, i, label in employers]
