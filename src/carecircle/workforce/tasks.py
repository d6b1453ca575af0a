"""Periodic work of the workforce register: certificate expiry warnings (notices.py), daily;
idempotent by certificate and threshold, so a repeated or late run sends nothing twice."""

import datetime

from django.utils import timezone

from carecircle.core.tasks import periodic
from carecircle.workforce.notices import certificate_warnings_send


@periodic(datetime.timedelta(days=1))
def certificate_expiry_warnings() -> dict[str, int]:
    return certificate_warnings_send(day=timezone.localdate())
