"""What the childcare pages take from the user. Each form's fields are the keyword arguments of the
one service its page calls (views.py: `form.submit(partial(service, …))`); the records a page names
(a facility, a child, a class) are chosen among those the user reaches, and the services check the
rules (age, size, ratio) again, their InvalidInput landing on the field."""

import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carecircle.childcare.models import Band, ChildClass
from carecircle.core import scope
from carecircle.core.forms import ServiceForm
from carecircle.core.types import Viewer
from carecircle.core.widgets import RegionField, ScopedRegionsForm
from carecircle.registry.models import Person


class DayField(forms.CharField):
    """A date typed as YYYY-MM-DD; empty is today (the app's local date)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def clean(self, value: Any) -> datetime.date:
        text = str(super().clean(value) or "").strip()
        if not text:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(gettext("日期格式不正确：%(v)s") % {"v": text}) from None


class IdListField(forms.Field):
    """Several record numbers ticked in a list (check boxes of one name)."""

    widget = forms.MultipleHiddenInput

    def clean(self, value: Any) -> set[int]:
        try:
            return {int(v) for v in value or []}
        except (TypeError, ValueError):
            raise ValidationError(gettext("出勤数据有误")) from None


class ClassForm(ServiceForm):
    facility: forms.ModelChoiceField = forms.ModelChoiceField(label=_("托育设施"), queryset=None)
    name = forms.CharField(label=_("班级名称"), max_length=40)
    band = forms.ChoiceField(label=_("班型"), choices=Band.choices)
    capacity = forms.IntegerField(label=_("额定人数"), min_value=1, max_value=20)
    caregivers = forms.IntegerField(label=_("保育人员"), min_value=1, max_value=20)
    puhui = forms.BooleanField(label=_("普惠班"), required=False, initial=True)
    monthly_fee = forms.DecimalField(label=_("月收费(元)"), min_value=0, decimal_places=2)

    def __init__(self, *args: Any, facilities: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["facility"]).queryset = facilities


class VoucherForm(ScopedRegionsForm, ServiceForm):
    """Issuing a batch of vouchers to the infants of a region of the user's, picked by name."""

    region_code = RegionField(label=_("发放区域"), perm="childcare.voucher")
    batch = forms.CharField(label=_("批次"), max_length=40)
    programme_code = forms.CharField(
        label=_("津贴补贴项目代码（按项目资格和面额发放，如 CHILDCARE_VOUCHER）"),
        required=False,
        max_length=40,
    )
    amount = forms.DecimalField(
        label=_("面额(元)（不按项目发放时填写）"), min_value=0, decimal_places=2, required=False
    )
    valid_to = forms.DateField(label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"}))


class RedeemForm(ServiceForm):
    """A voucher redeemed at one of the user's own childcare facilities."""

    code = forms.CharField(required=False)
    facility: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, error_messages={"required": _("请选择本机构"), "invalid_choice": _("请选择本机构")}
    )

    def __init__(self, *args: Any, facilities: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["facility"]).queryset = facilities


NO_CHILD = _("未找到该婴幼儿（请填写人员编号）")


class EnrolForm(ServiceForm):
    """The child by record number, among the people the user may see."""

    child: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, error_messages={"required": NO_CHILD, "invalid_choice": NO_CHILD}
    )
    start_on = DayField()

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["child"]).queryset = scope.in_scope(
            Person.objects.all(), user, "registry.view"
        )


class AttendanceForm(ServiceForm):
    day = DayField()
    present_ids = IdListField(required=False)


class MoveForm(ServiceForm):
    to_class: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, error_messages={"required": _("请选择转入班级"), "invalid_choice": _("请选择转入班级")}
    )
    day = DayField()

    def __init__(self, *args: Any, classes: QuerySet[ChildClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to_class"]).queryset = classes


class EndForm(ServiceForm):
    day = DayField()
    reason = forms.CharField(required=False)


class ApplicationOfferForm(ServiceForm):
    """Offer a place to a 托位 application: one of the centre's open classes and the first day
    (applications_offer.application_offer; the class's age band, size and ratio are checked by enrol)."""

    child_class: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("入托班级"),
        queryset=None,
        error_messages={"required": _("请选择入托班级"), "invalid_choice": _("请选择本机构开班中的班级")},
    )
    start_on = forms.DateField(
        label=_("入托日期"),
        error_messages={"required": _("请填写入托日期"), "invalid": _("入托日期格式应为 2026-03-31")},
    )

    def __init__(self, *args: Any, classes: QuerySet[ChildClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["child_class"]).queryset = classes


class ApplicationRefuseForm(ServiceForm):
    """Refuse a 托位 application with the reason the parent reads (applications.application_refuse)."""

    reason = forms.CharField(label=_("未录取原因"), required=False, max_length=300)
