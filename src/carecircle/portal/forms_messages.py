"""The message pages' forms (portal/views_messages.py): a resident's choice of what they receive."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core.forms import ServiceForm
from carecircle.portal.selectors_messages import Choice
from carecircle.portal.types import MessageKind


class MessageChoicesForm(ServiceForm):
    """Two boxes per kind, `wanted_<kind>` (receive it) and `sms_<kind>` (also by SMS); the kinds
    that cannot be switched off are shown ticked and disabled. Hands the service `choices`."""

    def __init__(self, *args: Any, choices: list[Choice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for c in choices:
            wanted = forms.BooleanField(required=False, initial=c.wanted, disabled=c.locked, label=_("接收"))
            sms = forms.BooleanField(required=False, initial=c.by_sms, disabled=c.locked, label=_("也发短信"))
            self.fields[f"wanted_{c.kind.value}"] = wanted
            self.fields[f"sms_{c.kind.value}"] = sms
            self.rows.append((c, self[f"wanted_{c.kind.value}"], self[f"sms_{c.kind.value}"]))
        self.not_for_service = tuple(self.fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["choices"] = {
            kind: (bool(data.get(f"wanted_{kind.value}")), bool(data.get(f"sms_{kind.value}")))
            for kind in MessageKind
        }
        return data
