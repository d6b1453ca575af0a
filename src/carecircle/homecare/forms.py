"""What each page of home services takes from the user. Each form's fields are the keyword
arguments of the one service its page calls (views.py: `form.submit(partial(service, …))`); the
service checks the values again (the API calls it too) and its InvalidInput lands on the field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core.forms import ServiceForm


class ActionForm(ServiceForm):
    """An action on an order; `next` (a /homecare/ page) is where the button was."""

    next = forms.CharField(required=False)
    not_for_service = ("next",)


class OrderForm(ServiceForm):
    """Ordering: step 1 picks the person (GET), the preview shows the split (GET), confirm saves (POST)."""

    person_id = forms.IntegerField(
        error_messages={"required": _("请选择服务对象"), "invalid": _("请选择服务对象")}
    )
    item = forms.CharField(required=False)
    window_start = forms.DateTimeField(
        error_messages={"required": _("请填写服务开始时间"), "invalid": _("请填写服务开始时间")}
    )
    provider_id = forms.IntegerField(required=False, error_messages={"invalid": _("未知的服务机构")})
    idempotency_key = forms.CharField(required=False)
    notes = forms.CharField(required=False)
    confirm = forms.BooleanField(required=False)
    q = forms.CharField(required=False)
    not_for_service = ("q",)


class ReasonForm(ActionForm):
    """Cancel and decline: the service asks for the reason (请填写取消原因 / 请填写拒单原因)."""

    reason = forms.CharField(required=False, strip=True)


class RescheduleForm(ActionForm):
    window_start = forms.DateTimeField(
        error_messages={"required": _("请填写新的服务时间"), "invalid": _("请填写新的服务时间")}
    )


class ReassignForm(ActionForm):
    caregiver: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        error_messages={"required": _("请选择本机构的护理员"), "invalid_choice": _("请选择本机构的护理员")},
    )
    reason = forms.CharField(required=False)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caregiver"].queryset = team


class RateForm(ActionForm):
    score = forms.IntegerField(
        min_value=1,
        max_value=5,
        error_messages={
            "required": _("评分应为1-5的整数"),
            "invalid": _("评分应为1-5的整数"),
            "min_value": _("评分应为1-5的整数"),
            "max_value": _("评分应为1-5的整数"),
        },
    )
    comment = forms.CharField(required=False)


class ComplainForm(ActionForm):
    text = forms.CharField(required=False)


class CheckForm(ActionForm):
    """Check-out; the position is checked by evv (its messages name latitude/longitude)."""

    latitude = forms.CharField(required=False)
    longitude = forms.CharField(required=False)
    accuracy_m = forms.CharField(required=False)
    idempotency_key = forms.CharField(required=False)

    def clean_accuracy_m(self):
        return self.cleaned_data["accuracy_m"] or 0

    def clean_latitude(self):
        return self.cleaned_data["latitude"] or None

    def clean_longitude(self):
        return self.cleaned_data["longitude"] or None


class CheckInForm(CheckForm):
    reason = forms.CharField(required=False)


class ExceptionReviewForm(ServiceForm):
    accept = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0"), ("", "")],
        coerce=lambda v: v == "1",
        required=False,
        empty_value=False,  # type: ignore[arg-type]  # django-stubs types it str; Django returns any value
    )
    reason = forms.CharField(required=False)


class DispatchForm(forms.Form):
    """The dispatch board's choice of provider and day (GET to look, POST to run)."""

    provider = forms.IntegerField(required=False)
    day = forms.DateField(required=False)


class StatementForm(ServiceForm):
    provider: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        error_messages={"required": _("请选择机构和月份"), "invalid_choice": _("请选择机构和月份")},
    )
    month = forms.DateField(
        input_formats=["%Y-%m"],
        error_messages={"required": _("请选择机构和月份"), "invalid": _("请选择机构和月份")},
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
