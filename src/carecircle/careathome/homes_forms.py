"""Forms of the adaptation and rental pages: field names are the services' keyword arguments."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.careathome.models.homes import AdaptationItem, CaseSource, Contractor, DeviceType
from carecircle.core import scope
from carecircle.core.forms import ServiceForm
from carecircle.core.types import Actor
from carecircle.core.widgets import RegionField, ScopedRegionsForm
from carecircle.registry.models import Person


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one field (the service checks each is an image and re-encodes it)."""

    widget = MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(d, initial) for d in items if d]


class ApplyForm(ServiceForm):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), error_messages={"invalid_choice": _("请选择人员")}
    )
    source = forms.ChoiceField(label=_("来源"), choices=CaseSource.choices, initial=CaseSource.APPLICATION)

    def __init__(self, *args: Any, user: Actor = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = scope.in_scope(Person.objects.all(), user, "careathome.homes_apply")  # type: ignore[attr-defined]


class AssessForm(ServiceForm):
    note = forms.CharField(
        label=_("评估意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("现场照片"))


class PlanForm(ServiceForm):
    """One quantity per item of the catalogue (qty_<code>), handed to the service as `quantities`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in AdaptationItem.objects.all():
            self.fields[f"qty_{item.code}"] = forms.IntegerField(
                label=item.name, required=False, min_value=0, max_value=999, initial=0
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        quantities = {}
        for key in list(data):
            if key.startswith("qty_"):
                value = data.pop(key)
                if value:
                    quantities[key[4:]] = value
        data["quantities"] = quantities
        return data


class ApproveForm(ServiceForm):
    contractor = forms.ModelChoiceField(
        label=_("施工单位"),
        queryset=Contractor.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("请选择名录内的施工单位")},
    )

    def __init__(self, *args: Any, contractors: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if contractors is not None:
            self.fields["contractor"].queryset = contractors  # type: ignore[attr-defined]


class WorksForm(ServiceForm):
    photos = PhotosField(label=_("改造前照片"))


class AcceptForm(ServiceForm):
    photos = PhotosField(label=_("改造后照片"))
    signature = forms.FileField(label=_("签字验收单照片"), required=False)
    signer = forms.CharField(label=_("签字人"), max_length=60, required=False)


class EmptyForm(ServiceForm):
    """An action without input (支付补贴)."""


class RefuseForm(ServiceForm):
    reason = forms.CharField(label=_("原因"), max_length=300, required=False)


class ReferForm(ScopedRegionsForm, ServiceForm):
    region_code = RegionField(label=_("筛查范围"), perm="careathome.homes_apply")


class ContractorForm(ScopedRegionsForm, ServiceForm):
    name = forms.CharField(label=_("单位名称"), max_length=100, required=False)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    region_code = RegionField(label=_("登记区划"), perm="careathome.homes_manage", levels=(2, 3))


# ---------------------------------------------------------------- rental


class PointForm(ScopedRegionsForm, ServiceForm):
    name = forms.CharField(label=_("租赁点名称"), max_length=100, required=False)
    region_code = RegionField(label=_("所在社区"), perm="careathome.rental")


class UnitForm(ServiceForm):
    device_type = forms.ModelChoiceField(label=_("品类"), queryset=DeviceType.objects.all(), required=False)
    serial = forms.CharField(label=_("序列号"), max_length=40, required=False)


class DeliverForm(ServiceForm):
    person = forms.ModelChoiceField(
        label=_("租用人"), queryset=Person.objects.none(), error_messages={"invalid_choice": _("请选择人员")}
    )
    delivered_on = forms.DateField(label=_("交付日期"), widget=forms.DateInput(attrs={"type": "date"}))
    months = forms.IntegerField(label=_("租期（月）"), min_value=1, max_value=36, initial=3)

    def __init__(self, *args: Any, user: Actor = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = scope.in_scope(Person.objects.all(), user, "careathome.rental")  # type: ignore[attr-defined]


class BillForm(ServiceForm):
    month = forms.CharField(label=_("账期（YYYY-MM）"), max_length=7)


class ReturnForm(ServiceForm):
    returned_on = forms.DateField(label=_("归还日期"), widget=forms.DateInput(attrs={"type": "date"}))
    damaged = forms.BooleanField(label=_("有损坏，需维修"), required=False)
