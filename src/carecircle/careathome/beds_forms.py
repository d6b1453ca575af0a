"""Forms of the family-bed pages: field names are the services' keyword arguments."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.careathome import beds_reference
from carecircle.careathome.models.beds import FamilyBed
from carecircle.core import scope
from carecircle.core.forms import ServiceForm
from carecircle.core.types import Actor
from carecircle.registry.models import Person

DEVICE_LABELS = {
    "door": _("门磁"),
    "bed": _("智能床垫（离床监测）"),
    "sos": _("一键呼叫器"),
    "smoke": _("烟感报警器"),
}


def _related(field: str) -> Any:
    """The model a FamilyBed foreign key points to (homecare's provider, facilities' facility)."""
    return FamilyBed._meta.get_field(field).related_model


class ContractForm(ServiceForm):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), error_messages={"invalid_choice": _("请选择人员")}
    )
    provider = forms.ModelChoiceField(
        label=_("服务机构"),
        queryset=_related("provider").objects.none(),
        error_messages={"required": _("请选择服务机构"), "invalid_choice": _("请选择服务机构")},
    )
    facility = forms.ModelChoiceField(
        label=_("所属养老机构（可选）"),
        queryset=_related("facility").objects.none(),
        required=False,
        error_messages={"invalid_choice": _("请选择养老机构")},
    )
    visit_every_days = forms.TypedChoiceField(
        label=_("上门服务频次"), choices=beds_reference.VISIT_EVERY, coerce=int
    )
    assessment_note = forms.CharField(
        label=_("入户评估意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Actor = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = scope.in_scope(Person.objects.all(), user, "careathome.homes_apply")  # type: ignore[attr-defined]
        self.fields["provider"].queryset = _related("provider").objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["facility"].queryset = scope.in_scope(  # type: ignore[attr-defined]
            _related("facility").objects.all(), user, "careathome.homes_apply"
        )


class DeviceForm(ServiceForm):
    kind = forms.ChoiceField(label=_("设备类型"), choices=list(DEVICE_LABELS.items()))
    serial = forms.CharField(label=_("设备编号"), max_length=64, required=False)
    location = forms.CharField(label=_("安装位置"), max_length=100, required=False)


class EndForm(ServiceForm):
    reason = forms.CharField(label=_("终止原因"), max_length=200, required=False)
