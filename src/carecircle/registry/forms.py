from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core import limits
from carecircle.registry.models import StatusKind


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    region_code = forms.CharField(label=_("社区代码"), max_length=12)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("居住地址"), max_length=200, required=False)
    latitude = forms.FloatField(label=_("纬度"), required=False, min_value=limits.LATITUDE_MIN,
                                max_value=limits.LATITUDE_MAX)
    longitude = forms.FloatField(label=_("经度"), required=False, min_value=limits.LONGITUDE_MIN,
                                 max_value=limits.LONGITUDE_MAX)


class PersonEditForm(PersonForm):
    id_number = None  # type: ignore[assignment]  # Django's documented way to drop an inherited form field


class StatusForm(forms.Form):
    kind = forms.ChoiceField(label=_("状况"), choices=StatusKind.choices)
    valid_from = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    valid_to = forms.DateField(label=_("终止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    source = forms.CharField(label=_("来源"), max_length=200)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))


class ContactForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    relation = forms.CharField(label=_("关系"), max_length=20)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    username = forms.CharField(label=_("关联账号（可选，子女的登录名）"), max_length=150, required=False)
