"""The public unit list's filters (a GET form; a bad value is refused on its field, 422)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core import regions
from carecircle.core.models import Region
from carecircle.oversight.models import Grade, UnitKind


def _region_choices() -> list[tuple[str, str]]:
    rows = Region.objects.filter(level__in=[regions.DISTRICT, regions.STREET]).order_by("code")
    return [("", str(_("全部区域")))] + [
        (code, ("\u3000" if level == regions.STREET else "") + name)
        for code, name, level in rows.values_list("code", "name", "level")
    ]


class PublicUnitsForm(forms.Form):
    region = forms.ChoiceField(label=_("区域"), required=False)
    grade = forms.ChoiceField(
        label=_("信用等级"), required=False, choices=[("", _("全部等级")), *Grade.choices]
    )
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *UnitKind.choices]
    )
    q = forms.CharField(label=_("名称"), required=False, max_length=50)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["region"].choices = _region_choices()  # type: ignore[attr-defined]
