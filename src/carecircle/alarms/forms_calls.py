"""What the caller card's actions take from the operator (alarms/views_calls.py): the fields are the
keyword arguments of the service each action calls (alarms.services.call_open_incident, call_dismiss)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecircle.core import limits
from carecircle.core.forms import ServiceForm


class CallIncidentForm(ServiceForm):
    """The person the call is about (a match of the caller's number, or one found by name) and a note."""

    person_id = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=limits.ID_MAX,
        error_messages={
            "invalid": _("请选择人员"),
            "min_value": _("请选择人员"),
            "max_value": _("请选择人员"),
        },
    )
    note = forms.CharField(required=False, max_length=400)


class CallDismissForm(ServiceForm):
    """Closing the pop: nothing to fill in."""
