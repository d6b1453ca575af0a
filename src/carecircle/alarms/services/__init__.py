"""Writes of the call platform: devices, alarm and heartbeat intake, incident handling.

Every function takes `now` so that tests drive time with a fake clock; `None` means the real one.
Other modules, the views, the API and the tests import them from here (`carecircle.alarms.services`),
never from the parts: devices.py, intake.py, incidents.py, responders.py and the state machine
they share (_state.py).
"""

from carecircle.alarms.services._state import STAMP, STATE_ORDER
from carecircle.alarms.services.call_audit import call_audit_draw, call_audit_review
from carecircle.alarms.services.device_care import (
    device_test_call_confirm,
    device_test_call_fail,
    device_test_call_start,
    device_test_check,
    device_test_receive,
)
from carecircle.alarms.services.devices import (
    device_for_token,
    device_register,
    devices_for_tokens,
    token_hash,
)
from carecircle.alarms.services.incidents import (
    incident_acknowledge,
    incident_advance,
    incident_call,
    incident_create,
    incident_note,
    incident_open_by_phone,
    incident_resolve,
)
from carecircle.alarms.services.intake import (
    MAX_CLOCK_SKEW,
    alarm_check,
    alarm_receive,
    alarm_receive_batch,
    heartbeat_check,
    heartbeat_receive,
)
from carecircle.alarms.services.outreach import outreach_generate, outreach_record
from carecircle.alarms.services.resident import incident_for_resident, incident_raise_by_resident
from carecircle.alarms.services.responders import (
    replace_responder,
    responder_candidates,
    responder_confirm,
    responder_dispatch,
    untried_candidates,
)
from carecircle.alarms.services.routing import (
    centre_save,
    ring_answer,
    route_waiting,
    shift_sign_off,
    shift_sign_on,
)
from carecircle.alarms.services.telephony import (
    call_dismiss,
    call_event_receive,
    call_open_incident,
    extension_assign,
    trunk_for_token,
    trunk_register,
)

__all__ = [
    "call_dismiss",
    "call_event_receive",
    "call_open_incident",
    "extension_assign",
    "trunk_for_token",
    "trunk_register",
    "MAX_CLOCK_SKEW",
    "STAMP",
    "STATE_ORDER",
    "alarm_check",
    "alarm_receive",
    "alarm_receive_batch",
    "call_audit_draw",
    "call_audit_review",
    "centre_save",
    "device_for_token",
    "device_register",
    "device_test_call_confirm",
    "device_test_call_fail",
    "device_test_call_start",
    "device_test_check",
    "device_test_receive",
    "devices_for_tokens",
    "heartbeat_check",
    "heartbeat_receive",
    "incident_acknowledge",
    "incident_advance",
    "incident_call",
    "incident_create",
    "incident_note",
    "incident_open_by_phone",
    "incident_for_resident",
    "incident_raise_by_resident",
    "incident_resolve",
    "outreach_generate",
    "outreach_record",
    "replace_responder",
    "responder_candidates",
    "responder_confirm",
    "responder_dispatch",
    "ring_answer",
    "route_waiting",
    "shift_sign_off",
    "shift_sign_on",
    "token_hash",
    "untried_candidates",
]
