"""What the facility pages take from the user. Each form's fields are the keyword arguments of the
one service its page calls (views.py: `form.submit(partial(service, …))`): what a page splits into
several inputs (the documents, the scores, a change's field and value) is put together by the
form's `clean`. The services check the values again (the API calls them too) and their
InvalidInput lands on the field."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from carecircle.core import limits, scope
from carecircle.core.forms import ServiceForm
from carecircle.core.types import Viewer
from carecircle.facilities import standards
from carecircle.facilities.models import Bed, BedKind, Facility, FacilityKind, Filing, FilingKind, Operator
from carecircle.facilities.services import required_documents
from carecircle.registry.models import Person


class FacilityForm(ServiceForm):
    kind = forms.ChoiceField(label=_("类型"), choices=FacilityKind.choices)
    operator: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("运营主体"), queryset=Operator.objects.none()
    )
    name = forms.CharField(label=_("名称"), max_length=120)
    address = forms.CharField(label=_("地址"), max_length=200)
    region_code = forms.CharField(label=_("所属社区代码（12位）"), max_length=12)
    latitude = forms.FloatField(label=_("纬度"), min_value=limits.LATITUDE_MIN, max_value=limits.LATITUDE_MAX)
    longitude = forms.FloatField(
        label=_("经度"), min_value=limits.LONGITUDE_MIN, max_value=limits.LONGITUDE_MAX
    )
    licence = forms.CharField(label=_("许可/登记证号"), max_length=60, required=False)
    opening_hours = forms.CharField(label=_("开放时间"), max_length=100, required=False)
    services = forms.CharField(label=_("服务项目（以顿号或逗号分隔）"), required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    beds_general = forms.IntegerField(label=_("普通床位"), min_value=0, max_value=limits.COUNT_MAX, initial=0)
    beds_nursing = forms.IntegerField(
        label=_("护理型床位"), min_value=0, max_value=limits.COUNT_MAX, initial=0
    )
    beds_cognitive = forms.IntegerField(
        label=_("认知症照护床位"), min_value=0, max_value=limits.COUNT_MAX, initial=0
    )
    childcare_places = forms.IntegerField(label=_("托位"), min_value=0, max_value=limits.COUNT_MAX, initial=0)
    childcare_places_puhui = forms.IntegerField(
        label=_("普惠托位"), min_value=0, max_value=limits.COUNT_MAX, initial=0
    )
    childcare_fee_monthly = forms.DecimalField(
        label=_("普惠托位月收费(元)"), min_value=0, max_digits=8, decimal_places=2, required=False
    )
    staff_count = forms.IntegerField(label=_("工作人员"), min_value=0, max_value=limits.COUNT_MAX, initial=0)
    caregiver_count = forms.IntegerField(
        label=_("护理/保育人员"), min_value=0, max_value=limits.COUNT_MAX, initial=0
    )

    def __init__(self, *args: Any, operators: QuerySet[Operator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["operator"]).queryset = operators
        document_fields(self, [code for code in standards.DOCUMENTS if code != "closure_plan"])

    def clean(self) -> dict[str, Any]:
        """The documents' inputs (doc_<code>) become the service's `documents`."""
        data = super().clean() or {}
        documents = {k[4:]: v for k, v in data.items() if k.startswith("doc_") and v}
        return {k: v for k, v in data.items() if not k.startswith("doc_")} | {"documents": documents}


def document_fields(form: forms.Form, codes: list[str] | dict[str, Any]) -> None:
    """One text field per document kind (standards.DOCUMENTS, labelled in Chinese): doc_<code>."""
    for code in codes:
        form.fields[f"doc_{code}"] = forms.CharField(
            label=standards.DOCUMENTS[code],
            required=False,
            max_length=200,
            help_text=_("填写证书编号或材料名称"),
            error_messages={"max_length": _("%(d)s：最多200个字") % {"d": standards.DOCUMENTS[code]}},
        )


def change_document_hints() -> list[tuple[str, str]]:
    """(what is changed, the documents it needs), as the change form's hint lists them."""
    return [
        (standards.field_label(f), "、".join(str(standards.DOCUMENTS[c]) for c in codes))
        for f, codes in standards.REQUIRED_FOR_CHANGE.items()
    ] + [(str(FilingKind.CLOSURE.label), str(standards.DOCUMENTS["closure_plan"]))]


class ChangeForm(ServiceForm):
    """A change or closure filing: `field` and `value` become the service's `changes`, one field per
    document kind (doc_<code>) its `documents`. The documents the filing needs (the service's
    required_documents: a capacity change its fire and building documents, a closure of a facility
    with residents or children its placement plan) are required here, each on its own field, so a
    page user files a complete filing; the reviewer checks them again."""

    kind = forms.ChoiceField(
        label=_("申报类别"),
        choices=[
            (FilingKind.CHANGE, FilingKind.CHANGE.label),
            (FilingKind.CLOSURE, FilingKind.CLOSURE.label),
        ],
        error_messages={"required": _("请选择申报类别"), "invalid_choice": _("请选择申报类别")},
    )
    field = forms.ChoiceField(
        label=_("变更项目"),
        required=False,
        choices=[("", "—")] + [(f, standards.field_label(f)) for f in sorted(standards.EDITABLE)],
        error_messages={"invalid_choice": _("请从列表中选择变更项目")},
    )
    value = forms.CharField(label=_("变更后内容"), required=False, max_length=200)
    note = forms.CharField(label=_("说明（关闭时写明原因）"), required=False, max_length=300)

    def __init__(self, *args: Any, facility: Facility | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.facility = facility
        document_fields(self, standards.DOCUMENTS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        field, value = data.pop("field", ""), data.pop("value", "")
        kind = data.get("kind")
        if kind == FilingKind.CHANGE and not field:
            self.add_error("field", _("请选择变更项目"))
        elif kind == FilingKind.CHANGE and not str(value).strip():
            self.add_error("value", _("请填写变更后内容"))
        data["changes"] = {field: value} if kind == FilingKind.CHANGE and field else {}
        documents = {k[4:]: v for k, v in data.items() if k.startswith("doc_") and v}
        if kind and self.facility is not None:
            # the service's own rule of what the filing needs (an unsaved filing: nothing is written)
            needed = required_documents(Filing(facility=self.facility, kind=kind, changes=data["changes"]))
            for code in needed:
                if not documents.get(code) and not self.has_error(f"doc_{code}"):
                    self.add_error(f"doc_{code}", _("请提交%(d)s") % {"d": standards.DOCUMENTS[code]})
        return {k: v for k, v in data.items() if not k.startswith("doc_")} | {"documents": documents}


class EvaluationForm(ServiceForm):
    """The scores of the facility's scheme (score_<key>) become the service's `scores`."""

    evaluated_on = forms.DateField(label=_("评定日期"), widget=forms.DateInput(attrs={"type": "date"}))
    # Jiaxing 二(二)7 sets minimums: empty records the grade's minimum; the service refuses less.
    yearly_subsidy = forms.CharField(
        label=_("年度补助(元，空则按等级补助标准，不得低于标准)"), required=False, max_length=20
    )

    def __init__(self, *args: Any, scheme: str = "star", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label, maximum in standards.FORMS[scheme]:
            self.fields[f"score_{key}"] = forms.DecimalField(
                label=f"{label}（{_('满分')} {maximum}）", min_value=0, max_value=maximum, decimal_places=1
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scores = {k[6:]: v for k, v in data.items() if k.startswith("score_")}
        return {k: v for k, v in data.items() if not k.startswith("score_")} | {"scores": scores}


BEDS_MISSING = _("请填写床位类型和张数")


class BedsForm(ServiceForm):
    kind = forms.ChoiceField(
        label=_("床位类型"),
        choices=BedKind.choices,
        error_messages={"required": BEDS_MISSING, "invalid_choice": BEDS_MISSING},
    )
    count = forms.IntegerField(
        label=_("张数"),
        min_value=1,
        max_value=2000,
        error_messages={"required": BEDS_MISSING, "invalid": BEDS_MISSING},
    )


PERSON_MISSING = _("请填写人员编号")


class PersonPickForm(ServiceForm):
    """A person of the user's regions by record number, and the kind of bed (admission, waiting list)."""

    person: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("人员编号"),
        queryset=Person.objects.none(),
        widget=forms.TextInput(attrs={"size": 8}),
        error_messages={"required": PERSON_MISSING, "invalid_choice": _("未找到，或不在您的管辖范围内")},
    )
    bed_kind = forms.ChoiceField(label=_("床位类型"), choices=BedKind.choices)

    def __init__(self, *args: Any, user: Viewer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            cast(forms.ModelChoiceField, self.fields["person"]).queryset = scope.in_scope(
                Person.objects.all(), user, "registry.view"
            )


class ActionForm(ServiceForm):
    """An action with nothing to fill in (notify the next on the waiting list)."""


class ReasonForm(ServiceForm):
    """Discharge and withdrawal: the service asks for the reason when it needs one."""

    reason = forms.CharField(required=False)


class OfferRespondForm(ServiceForm):
    """The answer to an offer: accept (admits to the bed) or decline (with the reason)."""

    accept = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")],
        coerce=lambda v: v == "1",
        error_messages={"required": _("请选择接受或放弃"), "invalid_choice": _("请选择接受或放弃")},
    )
    reason = forms.CharField(required=False)


class ReviewForm(ServiceForm):
    """An official's review of a filing: approve, or return it with the reasons."""

    approve = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0"), ("", "")],
        coerce=lambda v: v == "1",
        required=False,
        empty_value=False,  # type: ignore[arg-type]  # django-stubs types it str; Django returns any value
    )
    reasons = forms.CharField(required=False)


class FindForm(ServiceForm):
    """The admission desk's search: an ID number (whole) or a part of a name (admission.find)."""

    q = forms.CharField(
        label=_("姓名或身份证号"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"size": 22, "autocomplete": "off"}),
    )


class AdmitForm(ServiceForm):
    """Admit an applicant of the waiting list: the bed chosen among the free ones (admission.entry_admit)."""

    bed: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("床位"),
        queryset=Bed.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("床位不属于该机构，请另选")},
    )

    def __init__(self, *args: Any, facility_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["bed"]).queryset = Bed.objects.filter(
            facility_id=facility_id, active=True
        )
