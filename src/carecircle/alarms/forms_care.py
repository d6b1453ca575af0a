"""What the device-care and call-audit pages take from the user (issue 18, items 4 and 6). Each
form's fields are the keyword arguments of the one service its page calls."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.alarms.models import CallAuditItem
from carecircle.core.errors import InvalidInput
from carecircle.core.forms import ServiceForm
from carecircle.core.tables import parse_month


class DeviceTestCallForm(ServiceForm):
    """Starting a test call: nothing to fill in."""


class DeviceTestResultForm(ServiceForm):
    """The operator's confirmation (note optional) or failure (the note says what happened)."""

    note = forms.CharField(required=False, max_length=300)


class CallAuditDrawForm(ServiceForm):
    """The month to draw (2026-03)."""

    month = forms.CharField(error_messages={"required": _("请选择月份")})

    def clean_month(self) -> Any:
        try:
            return parse_month(self.cleaned_data["month"], "month")
        except InvalidInput as exc:
            raise forms.ValidationError(str(exc.message)) from None


PASS, FAIL = "pass", "fail"


class CallAuditReviewForm(ServiceForm):
    """One pass/fail choice per checklist item (`item_<code>`, gathered into the service's
    `results`), and a comment. An item left unanswered is an error on that item (the service's)."""

    comment = forms.CharField(required=False, max_length=1000)

    def __init__(self, *args: Any, items: list[CallAuditItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.code}"] = forms.ChoiceField(
                label=item.label, choices=((PASS, _("通过")), (FAIL, _("不通过"))), required=False
            )
        self.not_for_service = tuple(f"item_{i.code}" for i in items)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["results"] = {
            i.code: cleaned[f"item_{i.code}"] == PASS for i in self.items if cleaned.get(f"item_{i.code}")
        }
        return cleaned

    def choice(self, code: str) -> str:
        """The value chosen for an item (the bound form shown again keeps it)."""
        return str(self[f"item_{code}"].value() or "")
