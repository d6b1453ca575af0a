"""What the call platform's pages take from the user. Each form's fields are the keyword arguments
of the one service its page calls (views.py: `form.submit(partial(service, …))`); the services check
the values (a call target, an outcome) and their InvalidInput lands on the field."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core import limits, scope
from carecircle.core.forms import ServiceForm
from carecircle.core.types import Viewer
from carecircle.core.vault import blind_index
from carecircle.registry.models import Person


class ActionForm(ServiceForm):
    """An action with nothing to fill in (acknowledge, on site)."""


class CallForm(ServiceForm):
    target = forms.CharField(required=False)
    outcome = forms.CharField(required=False)
    note = forms.CharField(required=False)


class DispatchForm(ServiceForm):
    """The candidate's key; empty sends the first one not yet asked."""

    key = forms.CharField(required=False)


class ResolveForm(ServiceForm):
    outcome = forms.CharField(required=False)
    note = forms.CharField(required=False)


class NoteForm(ServiceForm):
    text = forms.CharField(required=False)


class PhoneOpenForm(ServiceForm):
    """An incident opened by hand for a caller (the view looks the person up in the operator's scope)."""

    person_id = forms.IntegerField(
        min_value=1,
        max_value=limits.ID_MAX,
        error_messages={
            "required": _("请选择人员"),
            "invalid": _("请选择人员"),
            "min_value": _("请选择人员"),
            "max_value": _("请选择人员"),
        },
    )
    kind = forms.CharField(required=False)
    note = forms.CharField(required=False)

    def clean_kind(self) -> str:
        return str(self.cleaned_data["kind"] or "phone")


class DeviceForm(ServiceForm):
    """Registering a device for a person of the user's regions, found by the ID number on their
    card (through the blind index: the number is never stored or searched in clear); a number of
    someone outside the user's regions is an error on the field, as a typo is."""

    person = forms.CharField(max_length=18, error_messages={"required": _("请填写使用人的身份证号")})
    kind = forms.CharField(required=False)
    serial = forms.CharField(required=False)
    heartbeat_seconds = forms.IntegerField(
        required=False, error_messages={"invalid": _("心跳间隔须为数字（秒）")}
    )
    location = forms.CharField(required=False)

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_person(self) -> Person:
        number = str(self.cleaned_data["person"]).strip().upper()
        if not (len(number) == 18 and number[:17].isdigit()):
            raise forms.ValidationError(_("身份证号应为18位"))
        found = (
            scope.in_scope(Person.objects.all(), self.user, "alarms.devices")
            .filter(id_hash=blind_index(number))
            .first()
        )
        if found is None:
            raise forms.ValidationError(_("未找到，或不在您的管辖范围内"))
        return found

    def clean_heartbeat_seconds(self) -> int:
        return int(self.cleaned_data["heartbeat_seconds"] or 3600)
