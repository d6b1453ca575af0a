"""A region is picked by name, never typed as a 12-digit code.

    from carecircle.core.widgets import RegionField, ScopedRegionsForm
    class PersonForm(ScopedRegionsForm, ServiceForm):
        region_code = RegionField(label=_("社区"), perm="registry.edit", levels=(regions.COMMUNITY,))
    form = PersonForm(request.POST or None, user=request.user)

Without JavaScript the field is a select of the user's regions at `levels` (inside the regions where
the user holds `perm`), each named with the district and street above it. With it,
core/static/carecircle/region_picker.js turns the select into a search box with a drill-down list
(district → street → community) fed by `core:region_pick` (core/views_regions.py), and posts the
chosen code. A name sent instead of a code (typed and not picked) is read as the one region of that
name in the user's scope; a code is the service's to check (known, scope, level)."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carecircle.core import region_pick
from carecircle.core.types import Actor


class RegionPickerWidget(forms.Widget):
    template_name = "core/widgets/region_picker.html"

    def __init__(self, *, perm: str, levels: Iterable[int] = (), attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.perm = perm
        self.levels = tuple(levels)
        self.user: Actor = None  # set by ScopedRegionsForm: whose regions the select offers

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        value = str(value or "")
        options = (
            region_pick.options(user=self.user, perm=self.perm, levels=self.levels)
            if self.user is not None
            else []
        )
        chosen = next((o["label"] for o in options if o["code"] == value), "")
        if value and not chosen:
            chosen = region_pick.label_of(value)
        context["picker"] = {
            "url": reverse("core:region_pick"),
            "perm": self.perm,
            "level": self.levels[0] if len(self.levels) == 1 else "",
            "options": options,
            "value": value,
            "chosen": chosen,
            "listed": any(o["code"] == value for o in options),
            "script": static("carecircle/region_picker.js"),
        }
        return context


class RegionField(forms.CharField):
    """A region of the user's scope, posted as its 12-digit code (or its exact name)."""

    widget = RegionPickerWidget

    def __init__(self, *, perm: str, levels: Iterable[int] = (), **kwargs: Any) -> None:
        self.perm = perm
        self.levels = tuple(levels)
        kwargs.setdefault("max_length", 100)
        kwargs["widget"] = RegionPickerWidget(perm=perm, levels=self.levels)
        kwargs.setdefault("error_messages", {"required": _("请选择区划")})
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value or value.isdigit():
            return value  # a code: the service says whether it is one, and the user's to use
        user = getattr(self.widget, "user", None)
        found = region_pick.by_name(user=user, perm=self.perm, name=value, levels=self.levels)
        if not found:
            raise forms.ValidationError(
                _("您的辖区内没有名为“%(n)s”的区划，请从列表中选择") % {"n": value}, code="unknown"
            )
        if len(found) > 1:
            raise forms.ValidationError(
                _("有多个名为“%(n)s”的区划，请从列表中选择") % {"n": value}, code="ambiguous"
            )
        return found[0].code


class ScopedRegionsForm(forms.Form):
    """A form with RegionFields: `user=` says whose regions they offer and read names in."""

    def __init__(self, *args: Any, user: Actor = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, RegionPickerWidget):
                field.widget.user = user
