"""What the routing pages take (issue 18): a centre's settings, the centre an operator signs on at.
Field names are the keyword arguments of `alarms.services.centre_save` / `shift_sign_on`."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.alarms import routing
from carecircle.alarms.models import Centre
from carecircle.core import regions
from carecircle.core.forms import ServiceForm
from carecircle.core.types import Actor
from carecircle.core.widgets import RegionField, ScopedRegionsForm


class CentreForm(ScopedRegionsForm, ServiceForm):
    region_code = RegionField(
        label=_("所属区县"),
        perm="alarms.supervise",
        levels=[regions.DISTRICT],
        error_messages={"required": _("请选择区县")},
    )
    name = forms.CharField(
        label=_("中心名称"), max_length=100, error_messages={"required": _("请填写中心名称")}
    )
    overflow = forms.ModelChoiceField(
        label=_("溢出中心"),
        queryset=Centre.objects.all(),
        required=False,
        empty_label=_("（不设溢出）"),
        error_messages={"invalid_choice": _("请从列表中选择溢出中心")},
    )
    ring_after_seconds = forms.IntegerField(
        label=_("未接警振铃本中心空闲坐席（秒）"),
        initial=20,
        error_messages={"required": _("请填写秒数"), "invalid": _("请填写整数秒")},
    )
    overflow_after_seconds = forms.IntegerField(
        label=_("未接警振铃溢出中心（秒）"),
        initial=60,
        error_messages={"required": _("请填写秒数"), "invalid": _("请填写整数秒")},
    )


class SignOnForm(ServiceForm):
    """The centre to sign on at: one of those whose district the operator serves."""

    centre = forms.ModelChoiceField(
        label=_("接警中心"),
        queryset=Centre.objects.none(),
        empty_label=None,
        error_messages={"required": _("请选择接警中心"), "invalid_choice": _("请从列表中选择接警中心")},
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["centre"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = routing.operable_centres(user)
