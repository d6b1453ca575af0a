"""The proactive wellbeing calls' forms (core.forms.ServiceForm: the field names are the service's
keyword arguments, alarms.services.outreach_record / outreach_generate)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.alarms.models import OutreachResult
from carecircle.core.forms import ServiceForm


class OutreachRecordForm(ServiceForm):
    """One attempt's outcome; `idempotency_key` is the page's hidden key (a double submit is one
    attempt); `next` where to go back to (the worklist or the call's page)."""

    result = forms.ChoiceField(
        choices=OutreachResult.choices,
        error_messages={"required": _("请选择通话结果"), "invalid_choice": _("请选择通话结果")},
    )
    idempotency_key = forms.CharField(required=False, max_length=80)
    note = forms.CharField(
        required=False, max_length=500, error_messages={"max_length": _("情况记录不能超过500字")}
    )
    service_item = forms.CharField(required=False, max_length=30)
    next = forms.CharField(required=False)
    not_for_service = ("next",)


class OutreachGenerateForm(ServiceForm):
    """Make today's calls now (the daily task does it at 06:00) for the supervisor's regions."""
