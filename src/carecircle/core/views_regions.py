"""The region picker's JSON (core/widgets.py, core/static/carecircle/region_picker.js):
`regions/pick/?perm=registry.edit&level=5&q=桂花` finds regions by name, `?parent=<code>` lists a
region's children, neither lists the user's own regions. Only regions where the signed-in user holds
`perm` (the page's permission) are answered; a parent outside them is a 404; a bad parameter is a
422 naming it."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from carecircle.core import region_pick
from carecircle.core import regions as codes
from carecircle.core.roles import ROLE_PERMISSIONS
from carecircle.core.types import AuthedRequest

Q_MAX = 50


def _known_permission(value: str) -> None:
    if value not in set().union(*ROLE_PERMISSIONS.values()):
        raise forms.ValidationError(_("未知的权限"))


def _region_code(value: str) -> None:
    if value and not codes.is_valid_code(value):
        raise forms.ValidationError(_("应为12位区划代码"))


class PickForm(forms.Form):
    q = forms.CharField(
        label=_("名称"),
        required=False,
        max_length=Q_MAX,
        error_messages={"max_length": _("最多%(limit_value)d个字") % {"limit_value": Q_MAX}},
    )
    parent = forms.CharField(label=_("上级区划"), required=False, validators=[_region_code])
    level = forms.TypedChoiceField(
        label=_("层级"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "")] + [(str(k), v) for k, v in codes.LEVEL_NAMES.items()],
        error_messages={"invalid_choice": _("层级应为1到5")},
    )
    perm = forms.CharField(label=_("权限"), required=False, validators=[_known_permission])


@login_required
@require_safe
def pick(request: AuthedRequest) -> JsonResponse:
    form = PickForm(request.GET)
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        label = form.fields[name].label if name in form.fields else ""
        return JsonResponse(
            {"detail": f"{label}：{errors[0]}" if label else str(errors[0]), "field": name}, status=422
        )
    data = form.cleaned_data
    level = data["level"]
    answer = region_pick.pick(
        user=request.user,
        perm=data["perm"] or "region.view",
        q=data["q"].strip(),
        parent=data["parent"],
        levels=(level,) if level else (),
    )
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})
