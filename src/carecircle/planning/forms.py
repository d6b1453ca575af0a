"""What the planning pages take (docs/directory-guide.md, "Writing a page"); the services check
the values again (the API calls them too)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core import regions
from carecircle.core.forms import ServiceForm
from carecircle.core.widgets import RegionField, ScopedRegionsForm

NUMBERS = _("目标值和年份应为数字")
# Whose published targets a region may adopt: the five seeds' cities (defaults.TARGET_SOURCES).
CITIES = [
    ("hangzhou", _("杭州市方案")),
    ("jiaxing", _("嘉兴市意见")),
    ("qujing", _("曲靖市方案")),
    ("yizhou", _("伊州区方案")),
    ("hechuan", _("合川区方案")),
]


class DayField(forms.DateField):
    """An empty day is today (selectors.parse_day); a malformed one names the field."""

    default_error_messages = {"invalid": _("日期格式应为 YYYY-MM-DD")}

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)


class ValueForm(ServiceForm):
    indicator_code = forms.CharField(required=False)
    day = DayField()
    value = forms.FloatField(error_messages={"required": _("数值应为数字"), "invalid": _("数值应为数字")})
    source = forms.CharField(required=False)

    def add_prefix(self, field_name):  # the page's field is `indicator`
        return "indicator" if field_name == "indicator_code" else super().add_prefix(field_name)


class TargetForm(ServiceForm):
    indicator_code = forms.CharField(required=False)
    year = forms.IntegerField(error_messages={"required": NUMBERS, "invalid": NUMBERS})
    op = forms.CharField(required=False, empty_value=">=")
    value = forms.FloatField(required=False, error_messages={"invalid": NUMBERS})
    source = forms.CharField(required=False)

    def add_prefix(self, field_name):
        return "indicator" if field_name == "indicator_code" else super().add_prefix(field_name)


class AdoptForm(ServiceForm):
    adopt = forms.ChoiceField(
        choices=CITIES,
        error_messages={"required": _("未知的目标来源"), "invalid_choice": _("未知的目标来源")},
    )


class SnapshotForm(forms.Form):
    day = DayField()


class CoverageForm(ScopedRegionsForm, ServiceForm):
    """A coverage run: the area is a region of the user's (city, district or street), picked by
    name (core.widgets.RegionField; the view passes user=request.user), posted as `region`."""

    region_code = RegionField(
        label=_("测算区域"),
        perm="planning.manage",
        levels=(regions.CITY, regions.DISTRICT, regions.STREET),
        required=False,
    )
    group = forms.CharField(required=False)
    kind = forms.CharField(required=False)
    day = DayField()
    minutes = forms.IntegerField(required=False, error_messages={"invalid": _("步行时间应为整数")})

    def add_prefix(self, field_name):
        return "region" if field_name == "region_code" else super().add_prefix(field_name)

    def clean_minutes(self):
        return self.cleaned_data["minutes"] or 15


class SitingForm(ServiceForm):
    new_sites = forms.IntegerField(required=False, error_messages={"invalid": _("新增站点数应为整数")})
    candidates = forms.CharField(required=False, empty_value="communities")

    def clean_new_sites(self):
        return self.cleaned_data["new_sites"] or 0
