from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core import limits
from carecircle.facilities import standards
from carecircle.facilities.models import BedKind, FacilityKind, FilingKind


class FacilityForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=FacilityKind.choices)
    operator = forms.TypedChoiceField(label=_("运营主体"), coerce=int, choices=())
    name = forms.CharField(label=_("名称"), max_length=120)
    address = forms.CharField(label=_("地址"), max_length=200)
    region_code = forms.CharField(label=_("所属社区代码（12位）"), max_length=12)
    latitude = forms.FloatField(label=_("纬度"), min_value=limits.LATITUDE_MIN, max_value=limits.LATITUDE_MAX)
    longitude = forms.FloatField(label=_("经度"), min_value=limits.LONGITUDE_MIN, max_value=limits.LONGITUDE_MAX)
    licence = forms.CharField(label=_("许可/登记证号"), max_length=60, required=False)
    opening_hours = forms.CharField(label=_("开放时间"), max_length=100, required=False)
    services = forms.CharField(label=_("服务项目（以顿号或逗号分隔）"), required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    beds_general = forms.IntegerField(label=_("普通床位"), min_value=0, max_value=limits.COUNT_MAX, initial=0)
    beds_nursing = forms.IntegerField(label=_("护理型床位"), min_value=0, max_value=limits.COUNT_MAX, initial=0)
    beds_cognitive = forms.IntegerField(label=_("认知症照护床位"), min_value=0, max_value=limits.COUNT_MAX, initial=0)
    childcare_places = forms.IntegerField(label=_("托位"), min_value=0, max_value=limits.COUNT_MAX, initial=0)
    childcare_places_puhui = forms.IntegerField(label=_("普惠托位"), min_value=0, max_value=limits.COUNT_MAX, initial=0)
    childcare_fee_monthly = forms.DecimalField(label=_("普惠托位月收费(元)"), min_value=0, max_digits=8,
                                               decimal_places=2, required=False)
    staff_count = forms.IntegerField(label=_("工作人员"), min_value=0, max_value=limits.COUNT_MAX, initial=0)
    caregiver_count = forms.IntegerField(label=_("护理/保育人员"), min_value=0, max_value=limits.COUNT_MAX, initial=0)

    def __init__(self, *args, operators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = [(o.pk, o.name) for o in operators]
        for code, label in standards.DOCUMENTS.items():
            if code != "closure_plan":
                self.fields[f"doc_{code}"] = forms.CharField(label=label, required=False, max_length=200,
                                                             help_text=_("填写证书编号或材料名称"))

    def documents(self) -> dict:
        return {k[4:]: v for k, v in self.cleaned_data.items() if k.startswith("doc_") and v}


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("申报类别"), choices=[(FilingKind.CHANGE, FilingKind.CHANGE.label),
                                                       (FilingKind.CLOSURE, FilingKind.CLOSURE.label)])
    field = forms.ChoiceField(label=_("变更项目"), required=False, choices=[("", "—")] + [
        (f, standards.field_label(f)) for f in sorted(standards.EDITABLE)])
    value = forms.CharField(label=_("变更后内容"), required=False)
    note = forms.CharField(label=_("说明（关闭时写明原因）"), required=False, max_length=300)
    documents = forms.CharField(label=_("提交材料（类别=编号，每行一项）"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def parsed_documents(self) -> dict:
        out = {}
        for line in (self.cleaned_data.get("documents") or "").splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                out[k.strip()] = v.strip()
        return out


class EvaluationForm(forms.Form):
    evaluated_on = forms.DateField(label=_("评定日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, scheme="star", **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, maximum in standards.FORMS[scheme]:
            self.fields[f"score_{key}"] = forms.DecimalField(label=f"{label}（{_('满分')} {maximum}）", min_value=0,
                                                             max_value=maximum, decimal_places=1)

    def scores(self) -> dict:
        return {k[6:]: v for k, v in self.cleaned_data.items() if k.startswith("score_")}


class BedsForm(forms.Form):
    kind = forms.ChoiceField(label=_("床位类型"), choices=BedKind.choices)
    count = forms.IntegerField(label=_("张数"), min_value=1, max_value=2000)


class PersonPickForm(forms.Form):
    person_id = forms.IntegerField(label=_("人员编号"), min_value=1, max_value=limits.ID_MAX)
    bed_kind = forms.ChoiceField(label=_("床位类型"), choices=BedKind.choices)
