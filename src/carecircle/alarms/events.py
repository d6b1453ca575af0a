"""What services tell the consoles after their transaction commits: an incident's new state.
(Waking the delivery worker is `delivery.notify`.)"""

import time

from django.db import transaction

from carecircle.alarms.hub import hub
from carecircle.alarms.policy import policy_for


def incident_event(incident, *, alarm=None) -> dict:
    event = {
        "type": "incident",
        "id": incident.pk,
        "region_code": incident.region_code,
        "state": incident.state,
        "priority": incident.priority,
        "high": incident.priority >= _high_threshold(incident),
        "title": incident.title,
        "opened_at": incident.opened_at.isoformat(),
        "escalation": incident.escalation_level,
        "sent": time.time(),
    }
    if alarm is not None:
        event["alarm"] = {
            "id": alarm.pk,
            "event_id": alarm.event_id,
            "device": alarm.device_id,
            "kind": alarm.kind,
            "received": alarm.received_at.timestamp(),
        }
    return event


def _high_threshold(incident) -> int:
    return policy_for(incident.region_code).high_priority


def incident_changed(incident, *, alarm=None) -> None:
    """Publish the incident's state to the consoles once the surrounding transaction commits."""
    event = incident_event(incident, alarm=alarm)

    def send():
        event["sent"] = time.time()
        hub.publish(event)

    transaction.on_commit(send)
