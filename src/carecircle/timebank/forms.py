"""What the time-bank pages take (docs/directory-guide.md, "Writing a page"): each form's fields are
the keyword arguments of the one service its page calls; the rules stay in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core.forms import ServiceForm
from carecircle.timebank.models import Skill

HOURS = {"required": _("请填写时长（小时）"), "invalid": _("时长须为数字（小时）")}


class VolunteerForm(ServiceForm):
    name = forms.CharField(required=False, max_length=50)
    birth_date = forms.DateField(
        error_messages={"required": _("请填写出生日期"), "invalid": _("出生日期格式不正确")}
    )
    phone = forms.CharField(required=False, max_length=20)
    region_code = forms.ChoiceField(
        error_messages={"required": _("请选择所在社区"), "invalid_choice": _("请选择所在社区")}
    )
    skills = forms.MultipleChoiceField(
        choices=Skill.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项服务技能"), "invalid_choice": _("服务技能不正确")},
    )
    availability = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [("", "—")] + communities


class RequestForm(ServiceForm):
    person: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, error_messages={"required": _("请选择为谁发布"), "invalid_choice": _("请选择为谁发布")}
    )
    kind = forms.ChoiceField(
        choices=Skill.choices,
        error_messages={"required": _("请选择服务内容"), "invalid_choice": _("请选择服务内容")},
    )
    wanted_on = forms.DateField(
        error_messages={"required": _("请填写期望日期"), "invalid": _("期望日期格式不正确")}
    )
    hours = forms.DecimalField(error_messages=HOURS)
    note = forms.CharField(required=False, max_length=200)
    pay = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("不使用时间（志愿服务）")),
            ("own", _("用本人的时间兑换")),
            ("pool", _("由互助池支付（工作人员）")),
        ],
        error_messages={"invalid_choice": _("支付方式不正确")},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class PositionForm(ServiceForm):
    """Check-in and check-out: the phone's position, filled by timebank/checkin.js."""

    latitude = forms.CharField(required=False)
    longitude = forms.CharField(required=False)


class ConfirmForm(ServiceForm):
    hours = forms.DecimalField(error_messages=HOURS)


class EmptyForm(ServiceForm):
    pass


class GiveForm(ServiceForm):
    person: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        error_messages={"required": _("请选择亲属"), "invalid_choice": _("只能转赠给已关联的亲属")},
    )
    hours = forms.DecimalField(error_messages=HOURS)
    token = forms.CharField(required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class DonateForm(ServiceForm):
    hours = forms.DecimalField(error_messages=HOURS)
    token = forms.CharField(required=False)


class GuaranteeForm(ServiceForm):
    region_code = forms.ChoiceField(
        error_messages={"required": _("请选择区县"), "invalid_choice": _("请选择区县")}
    )
    hours = forms.DecimalField(required=False, error_messages={"invalid": _("保障时数须为数字")})
    money = forms.DecimalField(required=False, error_messages={"invalid": _("保障资金须为数字")})
    hour_value = forms.DecimalField(required=False, error_messages={"invalid": _("每小时折算金额须为数字")})
    memo = forms.CharField(required=False, max_length=200)
    token = forms.CharField(required=False)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = districts
