"""The LTC pages' forms (docs/directory-guide.md, "Writing a page"): field names are the services'
keyword arguments; the record form's fields are the city table's items (`answers.<code>`)."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.careathome.models.ltc import ApplicantKind, LtcCarePlan, RefusalReason
from carecircle.careathome.types import LtcScale
from carecircle.core import scope
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.forms import ServiceForm
from carecircle.core.tables import parse_month
from carecircle.core.types import Actor


class LtcApplyForm(ServiceForm):
    applicant_kind = forms.ChoiceField(
        label=_("申请人"), choices=ApplicantKind.choices, error_messages={"required": _("请选择申请人")}
    )
    applicant_name = forms.CharField(
        label=_("申请人姓名"), max_length=50, error_messages={"required": _("请填写申请人姓名")}
    )


class LtcRefuseForm(ServiceForm):
    reason = forms.ChoiceField(
        label=_("不予受理原因"),
        choices=[("", "—"), *RefusalReason.choices],
        required=False,
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class LtcObjectForm(ServiceForm):
    note = forms.CharField(label=_("异议理由"), max_length=300, required=False)


class LtcRecordForm(ServiceForm):
    """One field per item of the city's table, a radio per option; a missing answer names the item."""

    def __init__(self, *args: Any, scale: LtcScale, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in scale.items:
            self.fields[f"answers.{item.code}"] = forms.TypedChoiceField(
                label=item.name,
                choices=[(o.score, f"{o.score}分 {o.text}") for o in item.options],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("「%(name)s」未作答") % {"name": item.name},
                    "invalid_choice": _("「%(name)s」的得分不在选项中") % {"name": item.name},
                },
            )


class LtcSettleForm(ServiceForm):
    """A closed month of one provider settled from the settlements list (ltc_care.ltc_settle): the
    providers with LTC plans in the regions where the user settles; the month as YYYY-MM. A month
    settled already comes back on the form with the service's message (409)."""

    shown_on_form = (InvalidInput, Conflict)
    default_field = "month"

    provider = forms.ModelChoiceField(
        label=_("服务机构"),
        queryset=LtcCarePlan.objects.none(),  # replaced by the providers in __init__
        error_messages={
            "required": _("请选择服务机构"),
            "invalid_choice": _("请选择服务机构（本辖区内有长期护理计划的机构）"),
        },
    )
    month = forms.CharField(
        label=_("结算月份（YYYY-MM）"), max_length=7, error_messages={"required": _("请填写结算月份")}
    )

    def __init__(self, *args: Any, user: Actor = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        providers = LtcCarePlan._meta.get_field("provider").related_model._default_manager
        with_plans = providers.filter(pk__in=LtcCarePlan.objects.values("provider_id"))
        self.fields["provider"].queryset = scope.in_scope(with_plans, user, "ltc.decide").order_by("name")  # type: ignore[attr-defined]

    def clean_month(self) -> datetime.date:
        try:
            return parse_month(self.cleaned_data["month"], "month")
        except InvalidInput:
            raise forms.ValidationError(_("结算月份应为YYYY-MM格式，如2026-10")) from None
