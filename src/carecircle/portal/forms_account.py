"""The forms of the residents' account pages (portal/views_account.py): each field is a keyword
of the service it goes to (docs/directory-guide.md, "Writing a page")."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core.credentials import LoginRefused
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.forms import ServiceForm
from carecircle.portal.services_accounts import RELATIONS
from carecircle.registry.models import LinkEvidence

RELATION_CHOICES = [("", _("请选择")), *[(r, r) for r in RELATIONS]]
EVIDENCE_CHOICES = [("", _("请选择")), *LinkEvidence.choices]


class PhoneForm(ServiceForm):
    """Step one of the phone sign-in (`code_request`): the number the code goes to."""

    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    shown_on_form = (InvalidInput, LoginRefused)


class PhoneCodeForm(ServiceForm):
    """Step two (`code_sign_in`): the code from the SMS; the phone is the session's from step one."""

    code = forms.CharField(
        label=_("短信验证码（6位数字）"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    shown_on_form = (InvalidInput, LoginRefused)
    default_field = "code"


class LinkRequestForm(ServiceForm):
    """A family member (or parent) asks to be linked to a person (`link_request`)."""

    name = forms.CharField(label=_("家人姓名"), max_length=50, required=False)
    id_number = forms.CharField(label=_("家人身份证号（18位）"), max_length=30, required=False)
    relation = forms.ChoiceField(label=_("您是家人的"), choices=RELATION_CHOICES, required=False)
    shown_on_form = (InvalidInput, Conflict)
    default_field = "id_number"


class EvidenceForm(ServiceForm):
    """A community worker confirms a pending link with what they saw (`link_verify`)."""

    evidence = forms.ChoiceField(label=_("核验过的材料"), choices=EVIDENCE_CHOICES, required=False)
    note = forms.CharField(label=_("核验说明"), max_length=200, required=False)


class AccountOpenForm(ServiceForm):
    """A community worker opens an older person's own account (`resident_account_create`)."""

    phone = forms.CharField(
        label=_("老人本人的手机号（不填则用登记的电话）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    shown_on_form = (InvalidInput, Conflict)


class LinkRecordForm(ServiceForm):
    """A community worker records a link at the desk with the evidence seen (`link_record`)."""

    phone = forms.CharField(
        label=_("家属手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    name = forms.CharField(label=_("家属姓名（还没有账号时必填）"), max_length=50, required=False)
    relation = forms.ChoiceField(label=_("家属与此人的关系"), choices=RELATION_CHOICES, required=False)
    evidence = forms.ChoiceField(label=_("核验过的材料"), choices=EVIDENCE_CHOICES, required=False)
    note = forms.CharField(label=_("核验说明"), max_length=200, required=False)
    shown_on_form = (InvalidInput, Conflict)


class PasswordSetForm(ServiceForm):
    """A resident account sets or changes its password (`services_password.password_set`); the
    current password is asked only of an account that has one."""

    current_password = forms.CharField(
        label=_("当前密码"),
        max_length=128,
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("新密码"),
        max_length=128,
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("再输入一次新密码"),
        max_length=128,
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    default_field = "new_password"
