"""What each benefits page takes from the user (docs/directory-guide.md, "Writing a page"). Each
form's field names are the keyword arguments of the one service its page calls; the service checks
the values again (the API calls it too) and its InvalidInput lands on the named field."""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecircle.core.forms import ServiceForm
from carecircle.core.limits import ID_MAX
from carecircle.core.widgets import RegionField, ScopedRegionsForm

DAY_ERRORS = {"invalid": _("日期格式应为 YYYY-MM-DD")}
LOOKBACK = _("回溯月数应在0到24之间")


class PayrollRunForm(ScopedRegionsForm, ServiceForm):
    """Compute a month's batches (`services.payroll_run`); an empty programme means every one in
    force. The scope is a region of the user's, picked by name (core.widgets.RegionField)."""

    month = forms.CharField(required=False)
    programme_code = forms.CharField(required=False)
    region_code = RegionField(label=_("范围"), perm="benefits.prepare", required=False)
    lookback = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=24,
        error_messages={"invalid": LOOKBACK, "min_value": LOOKBACK, "max_value": LOOKBACK},
    )

    def clean_lookback(self) -> int:
        return self.cleaned_data["lookback"] or 0


class BatchForm(ServiceForm):
    """Mark a batch paid: nothing to fill in."""


class BatchNoteForm(ServiceForm):
    """Approve or send back a batch; the note is required to send it back (请填写退回理由)."""

    note = forms.CharField(required=False)


class RecoveryForm(ServiceForm):
    """An overpayment came back: the recovery line of the batch (`services.recovery_collect`)."""

    payment_id = forms.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        error_messages={
            "required": _("请选择追回款"),
            "invalid": _("追回款应为编号（整数）"),
            "min_value": _("追回款超出编号范围"),
            "max_value": _("追回款超出编号范围"),
        },
    )


def _tier_rows(text: str) -> list[dict[str, Any]]:
    """'名称 | 条件 | 金额' per line, as `services.programme_save` takes tiers."""
    tiers = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [x.strip() for x in line.split("|")]
        if len(parts) != 3:
            raise forms.ValidationError(_("第%(n)d行档位应写成：名称 | 条件 | 金额") % {"n": n})
        tiers.append({"label": parts[0], "condition": parts[1], "amount": parts[2]})
    return tiers


class ProgrammeForm(ServiceForm):
    """A programme's rule, tiers and validity (the rest of `programme_save`'s arguments stay the
    programme's own: code, fund, region, period, payment method, basis)."""

    name = forms.CharField(required=False)
    target_rule = forms.CharField(required=False, strip=False)
    tiers = forms.CharField(required=False, strip=False)
    tier_mode = forms.CharField(required=False)
    cap = forms.CharField(required=False)
    valid_from = forms.DateField(required=False, error_messages=DAY_ERRORS)
    valid_to = forms.DateField(required=False, error_messages=DAY_ERRORS)
    active = forms.BooleanField(required=False)

    def clean_tiers(self) -> list[dict[str, Any]]:
        return _tier_rows(self.cleaned_data["tiers"])

    def clean_cap(self) -> str | None:
        return self.cleaned_data["cap"] or None

    def clean_valid_from(self) -> datetime.date:
        value: datetime.date | None = self.cleaned_data["valid_from"]
        return value or timezone.localdate()


class FundAppropriateForm(ServiceForm):
    """Money appropriated into a fund (`services.fund_appropriate`)."""

    amount = forms.CharField(required=False)
    memo = forms.CharField(required=False)


class AppealDecideForm(ServiceForm):
    """Grant (with the amount per period and from when) or reject an appeal, with the reason."""

    grant = forms.TypedChoiceField(
        choices=[("grant", _("准予")), ("reject", _("驳回"))],
        coerce=lambda v: v == "grant",
        required=False,
        empty_value=False,  # type: ignore[arg-type]  # django-stubs types empty_value as str; Django takes any value
    )
    amount = forms.CharField(required=False)
    grant_from = forms.DateField(required=False, error_messages=DAY_ERRORS)
    reason = forms.CharField(required=False)

    def clean_amount(self) -> Decimal | str | None:
        return self.cleaned_data["amount"] or None


class AppealFileForm(ServiceForm):
    """A person's appeal against a decision (`services.appeal_file`); the programme by its code."""

    programme: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        to_field_name="code",
        error_messages={"required": _("请选择项目"), "invalid_choice": _("请选择项目")},
    )
    month = forms.CharField(required=False)
    reason = forms.CharField(required=False)

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programmes
