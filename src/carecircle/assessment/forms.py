"""What the assessment pages take from the user (docs/directory-guide.md, "Writing a page"). Each
form hands the keyword arguments of the one service its page calls (views.py: `form.submit(…)`);
the scores, the screenings' values and the referral's steps are checked by the services (the API
calls them too), whose InvalidInput lands on the field it names."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.assessment import capability
from carecircle.assessment.models import CheckKind
from carecircle.core.errors import InvalidInput
from carecircle.core.forms import ServiceForm

MCHAT_ITEMS = range(1, 21)


def _int_or_text(value: str) -> int | str | None:
    """An answer as typed: an integer when it is one, else the text (the service says what is wrong)."""
    value = (value or "").strip()
    return int(value) if value.lstrip("-").isdigit() else value or None


class AssessmentListForm(ServiceForm):
    """The filters of the assessment list (GET): a level and a region code."""

    level = forms.TypedChoiceField(
        choices=[("", "")] + [(str(i), str(i)) for i in range(len(capability.LEVEL_NAMES))],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("能力等级应为0–4")},
    )
    region = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.cleaned_data = {"level": cleaned.get("level"), "region_code": cleaned.get("region", "")}
        return self.cleaned_data


class AssessmentForm(ServiceForm):
    """The capability assessment form (GB/T 42195-2022): one field per item (named by its code,
    B.1.1 … B.4.5), the date, the reason, the adjustments and a note. The items go to the service
    as `answers`; an error on `answers.B.2.3` lands on item B.2.3."""

    assessed_on = forms.DateField(
        error_messages={"required": _("评估日期格式不正确"), "invalid": _("评估日期格式不正确")}
    )
    reason = forms.CharField(required=False)
    coma = forms.BooleanField(required=False)
    dementia = forms.BooleanField(required=False)
    risk_events_30d = forms.CharField(required=False)
    note = forms.CharField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in capability.ITEMS:
            self.fields[code] = forms.CharField(required=False)

    def clean_risk_events_30d(self) -> int:
        value = _int_or_text(self.cleaned_data["risk_events_30d"]) or 0
        if not isinstance(value, int):
            raise forms.ValidationError(_("近30天照护风险事件次数应为整数"))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        answers = {code: _int_or_text(cleaned.pop(code, "")) for code in capability.ITEMS}
        cleaned["dementia_or_mental_disorder"] = cleaned.pop("dementia", False)
        cleaned["reason"] = cleaned.get("reason") or self.initial.get("reason", "")
        cleaned["answers"] = answers
        self.cleaned_data = cleaned
        return cleaned

    def submit(self, call: Callable[..., Any]) -> bool:
        def by_item(**values: Any) -> Any:
            try:
                return call(**values)
            except InvalidInput as exc:  # the service names an item as answers.<code>: the field is <code>
                exc.field = (exc.field or "").removeprefix("answers.") or None
                raise

        return super().submit(by_item)

    def item_value(self, code: str) -> str:
        """What the page shows as chosen for an item (the value sent, or nothing)."""
        return str(self[code].value() or "")


class CheckForm(ServiceForm):
    """An infant check: its kind, the date and the values of that kind, which go to the service as
    `data` (hearing and vision: each side, the method, the findings; growth: weight and length;
    M-CHAT-R/F: the twenty answers and, after the follow-up interview, the items still failed)."""

    kind = forms.CharField(required=False)
    checked_on = forms.DateField(
        error_messages={"required": _("检查日期格式不正确"), "invalid": _("检查日期格式不正确")}
    )
    left = forms.CharField(required=False)
    right = forms.CharField(required=False)
    method = forms.CharField(required=False)
    findings = forms.CharField(required=False)
    weight_kg = forms.CharField(required=False)
    length_cm = forms.CharField(required=False)
    follow_up_done = forms.BooleanField(required=False)
    follow_up_failed = forms.TypedMultipleChoiceField(
        choices=[(str(i), str(i)) for i in MCHAT_ITEMS],
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("后续访谈仍未通过的条目应为题号列表")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in MCHAT_ITEMS:
            self.fields[f"q{i}"] = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind") or CheckKind.GROWTH
        data: dict[str, Any]
        if kind in (CheckKind.HEARING, CheckKind.VISION):
            data = {k: cleaned.get(k, "") for k in ("left", "right", "method", "findings")}
        elif kind == CheckKind.GROWTH:
            data = {k: cleaned.get(k, "") for k in ("weight_kg", "length_cm")}
        else:
            answers = [{"yes": True, "no": False}.get(cleaned.get(f"q{i}", "")) for i in MCHAT_ITEMS]
            data = {"answers": answers}
            if cleaned.get("follow_up_done"):
                data["follow_up_failed"] = cleaned.get("follow_up_failed") or []
        self.cleaned_data = {"kind": kind, "checked_on": cleaned.get("checked_on"), "data": data}
        return self.cleaned_data


class ReferralForm(ServiceForm):
    """A referral's next step: the status it moves to and where the child was referred, or why closed."""

    status = forms.CharField(required=False)
    note = forms.CharField(required=False)


class RequestAcceptForm(ServiceForm):
    """Accept a request for an assessment with the assessor's visit day (requests.assessment_request_accept)."""

    appointment_on = forms.DateField(
        label=_("预约评估日期"),
        error_messages={"required": _("请填写预约评估日期"), "invalid": _("预约评估日期格式应为 2026-03-31")},
    )


class RequestRefuseForm(ServiceForm):
    """Refuse a request with the reason the applicant reads (requests.assessment_request_refuse)."""

    reason = forms.CharField(label=_("不予受理原因"), required=False, max_length=300)
