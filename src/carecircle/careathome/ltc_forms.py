"""The LTC pages' forms (docs/directory-guide.md, "Writing a page"): field names are the services'
keyword arguments; the record form's fields are the city table's items (`answers.<code>`)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.careathome.models.ltc import ApplicantKind, RefusalReason
from carecircle.careathome.types import LtcScale
from carecircle.core.forms import ServiceForm


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
