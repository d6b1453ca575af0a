"""What the 我要申请 pages take from a resident (docs/directory-guide.md, "Writing a page"): each form's
fields are the keyword arguments of the one service its page calls. The person (or child) is chosen
among the account's own persons; the owning module's service checks the link, age and duplicates
again, and its InvalidInput lands on the field it names."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.forms import ServiceForm
from carecircle.registry.models import Person

REFUSALS = (InvalidInput, Conflict, Forbidden)  # the services' refusals, each shown on its form
_PICK = {"required": _("请选择为谁申请"), "invalid_choice": _("只能为自己或已关联的家人申请")}


class _ForPerson(ServiceForm):
    shown_on_form = REFUSALS
    person: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("为谁申请"), queryset=Person.objects.none(), error_messages=_PICK, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, persons: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["person"])
        field.queryset = persons


class AssessmentRequestForm(_ForPerson):
    """Ask for a capability assessment (assessment.services.assessment_request_submit)."""

    note = forms.CharField(
        label=_("想说明的情况（可不填）"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WaitingApplyForm(_ForPerson):
    """Apply for a place on a public institution's waiting list (facilities.services.waiting_apply_resident)."""

    facility: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("申请入住的机构"),
        queryset=None,
        error_messages={"required": _("请选择机构"), "invalid_choice": _("请选择列表中的公办养老机构")},
    )
    note = forms.CharField(label=_("想说明的情况（可不填）"), required=False, max_length=200)

    def __init__(self, *args: Any, facilities: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["facility"]).queryset = facilities


class ChildcareApplyForm(ServiceForm):
    """Apply for a 托位 at one or more centres (childcare.services.application_submit)."""

    shown_on_form = REFUSALS

    child: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("为哪个孩子申请"),
        queryset=Person.objects.none(),
        error_messages={"required": _("请选择孩子"), "invalid_choice": _("只能为已关联的孩子申请")},
        widget=forms.RadioSelect,
    )
    facilities: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("申请的托育机构（可选多家）"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请至少选择一家托育机构"),
            "invalid_choice": _("请选择列表中的托育机构"),
            "invalid_pk_value": _("请选择列表中的托育机构"),
        },
    )
    start_wanted = forms.DateField(
        label=_("希望入托日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写希望入托日期"), "invalid": _("日期格式应为 2026-09-01")},
    )
    note = forms.CharField(label=_("想说明的情况（可不填）"), required=False, max_length=300)

    def __init__(self, *args: Any, children: QuerySet[Person], centres: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        child = cast(forms.ModelChoiceField, self.fields["child"])
        child.queryset = children
        centre = cast(forms.ModelMultipleChoiceField, self.fields["facilities"])
        centre.queryset = centres
