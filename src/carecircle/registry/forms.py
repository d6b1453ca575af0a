"""What the registry's pages take from the user (docs/directory-guide.md, "Writing a page"). Each
form's fields are the keyword arguments of the one service its page calls (views.py:
`form.submit(partial(service, …))`); the service checks the values again (the API calls it too)
and its InvalidInput lands on the field it names."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core import limits, region_pick
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.forms import ServiceForm
from carecircle.core.regions import COMMUNITY
from carecircle.core.tables import FileRejected
from carecircle.core.widgets import RegionField, ScopedRegionsForm
from carecircle.registry.models import StatusKind


class RegistryForm(ServiceForm):
    """A registry form: its messages name the field they are about (a form's own checks, such as a
    required field, say nothing of which one)."""

    def messages(self) -> list[str]:
        named = [
            f"{self.fields[name].label}：{m}" if self.fields[name].label else str(m)
            for name, errs in self.errors.items()
            if name in self.fields
            for m in errs
        ]
        return named + [str(m) for m in self.non_field_errors()]


class DuplicateIdOnForm(RegistryForm):
    """A form registering a person: an ID number already registered is a 409 on its field. Inside
    the user's scope the message names the record and `existing_url` links to it (services.
    duplicate_id_conflict); outside it, it says only that the number is registered elsewhere."""

    shown_on_form = (InvalidInput, Conflict)
    default_field: str | None = "id_number"

    def existing_url(self) -> str:
        """The link to the record already holding the ID number, when the user may see it."""
        return str(self.refused.details.get("url") or "") if self.refused is not None else ""


class PersonForm(ScopedRegionsForm, DuplicateIdOnForm):
    """Registering a person (a duplicate ID number: DuplicateIdOnForm). The community is picked by
    name (core.widgets.RegionField, the user's communities); the home's location is a point clicked
    on the map (hidden fields the page's map fills), and when none is clicked, the centre of the
    community (its centroid in the region table): coordinates are never typed."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    region_code = RegionField(label=_("社区"), perm="registry.edit", levels=(COMMUNITY,))
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("居住地址"), max_length=200, required=False)
    latitude = forms.FloatField(
        label=_("住址位置（纬度）"),
        required=False,
        min_value=limits.LATITUDE_MIN,
        max_value=limits.LATITUDE_MAX,
        widget=forms.HiddenInput,
    )
    longitude = forms.FloatField(
        label=_("住址位置（经度）"),
        required=False,
        min_value=limits.LONGITUDE_MIN,
        max_value=limits.LONGITUDE_MAX,
        widget=forms.HiddenInput,
    )

    def locate_at_community(self, code: str) -> bool:
        """Whether a home not clicked on the map is placed at the community's centre (a new person:
        always)."""
        return bool(code)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = str(cleaned.get("region_code") or "")
        clicked = cleaned.get("latitude") is not None and cleaned.get("longitude") is not None
        if not clicked and "latitude" not in self.errors and "longitude" not in self.errors:
            centre = region_pick.centre_of(code) if self.locate_at_community(code) else None
            cleaned["latitude"], cleaned["longitude"] = centre or (None, None)
        return cleaned


class PersonEditForm(PersonForm):
    """Changing a person: a blank phone, address or location keeps the present value (they are not
    shown pre-filled, like the ID number), so blank values are not handed to the service; a person
    moved to another community without a point on the map is placed at the new community's centre."""

    id_number = None  # type: ignore[assignment]  # Django's documented way to drop an inherited form field
    default_field = None

    def locate_at_community(self, code: str) -> bool:
        return bool(code) and code != self.initial.get("region_code")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.cleaned_data = {k: v for k, v in cleaned.items() if v not in (None, "")}
        return self.cleaned_data


class StatusForm(RegistryForm):
    kind = forms.ChoiceField(label=_("状况"), choices=StatusKind.choices)
    valid_from = forms.DateField(
        label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_to = forms.DateField(
        label=_("终止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    source = forms.CharField(label=_("来源"), max_length=200)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class StatusEndForm(RegistryForm):
    """The end date, read by core.tables.parse_date as the import and the API read dates (its
    message names the field)."""

    valid_to = forms.CharField(label=_("终止日期"), required=False)


class UnmaskForm(RegistryForm):
    """The stated purpose of seeing a person's full data (the service asks for at least two characters)."""

    purpose = forms.CharField(label=_("事由"), required=False)


class UploadForm(RegistryForm):
    """A file to import. A file that is not ours (FileRejected, FileTooLarge) is told on the field."""

    shown_on_form = (InvalidInput, FileRejected)
    default_field: str | None = "file"

    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))


class ContactForm(RegistryForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    relation = forms.CharField(label=_("关系"), max_length=20)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    username = forms.CharField(label=_("关联账号（可选，子女的登录名）"), max_length=150, required=False)
