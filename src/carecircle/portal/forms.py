"""The portal pages' input (docs/directory-guide.md, "Writing a page")."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core.forms import NextForm, ServiceForm


class ElderSwitchForm(NextForm):
    """长辈模式 on (1) or off (0), and the page to go back to."""

    on = forms.TypedChoiceField(
        label=_("长辈模式"), choices=[("1", _("开启")), ("0", _("关闭"))], coerce=lambda v: v == "1"
    )


class SosForm(ServiceForm):
    """一键呼叫 for one of the account's persons (alarms.services.incident_raise_by_resident)."""

    person_id = forms.IntegerField(label=_("为谁呼叫"), error_messages={"required": _("请选择为谁呼叫")})


class FinderForm(forms.Form):
    """The facility finder's filters (all optional; a bad amount names its field)."""

    kind = forms.ChoiceField(label=_("类型"), required=False)
    puhui = forms.BooleanField(label=_("只看普惠托位"), required=False)
    fee_min = forms.DecimalField(
        label=_("月收费不低于（元）"), required=False, min_value=Decimal(0), max_value=Decimal(1000000)
    )
    fee_max = forms.DecimalField(
        label=_("月收费不高于（元）"), required=False, min_value=Decimal(0), max_value=Decimal(1000000)
    )
    free = forms.BooleanField(label=_("只看有空余床位或托位"), required=False)
    graded = forms.BooleanField(label=_("只看已评定等级"), required=False)

    def __init__(self, *args: object, kinds: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["kind"].choices = [("", _("全部类型")), *kinds]  # type: ignore[attr-defined]  # a ChoiceField

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        low, high = data.get("fee_min"), data.get("fee_max")
        if isinstance(low, Decimal) and isinstance(high, Decimal) and low > high:
            self.add_error("fee_max", _("最高收费不能低于最低收费"))
        return data


class PersonPickForm(forms.Form):
    """Whose home the nearby facilities are measured from (one of the account's persons)."""

    person = forms.IntegerField(label=_("从谁的家算起"), required=False)
