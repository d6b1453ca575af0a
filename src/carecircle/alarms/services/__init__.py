"""Writes of the call platform: devices, alarm and heartbeat intake, incident handling.

Every function takes `now` so that tests drive time with a fake clock; `None` means the real one.
Other modules, the views, the API and the tests import them from here (`carecircle.alarms.services`),
never from the parts: devices.py, intake.py, incidents.py, responders.py and the state machine
they share (_state.py).
"""

from carecircle.alarms.services._state import STAMP, STATE_ORDER
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
from carecircle.alarms.services.responders import (
    replace_responder,
    responder_candidates,
    responder_confirm,
    responder_dispatch,
    untried_candidates,
)

__all__ = [
    "MAX_CLOCK_SKEW",
    "STAMP",
    "STATE_ORDER",
    "alarm_check",
    "alarm_receive",
    "alarm_receive_batch",
    "device_for_token",
    "device_register",
    "devices_for_tokens",
    "heartbeat_check",
    "heartbeat_receive",
    "incident_acknowledge",
    "incident_advance",
    "incident_call",
    "incident_create",
    "incident_note",
    "incident_open_by_phone",
    "incident_resolve",
    "replace_responder",
    "responder_candidates",
    "responder_confirm",
    "responder_dispatch",
    "token_hash",
    "untried_candidates",
]
