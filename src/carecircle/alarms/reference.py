"""Reference data of the call platform: the call quality checklist (also loaded by migration 0006)."""

from carecircle.alarms.checklist import checklist_sync
from carecircle.alarms.models import CallAuditItem
from carecircle.alarms.outreach import ensure_rules


def ensure() -> None:
    checklist_sync(CallAuditItem)
    ensure_rules()  # the proactive calls' default rules (migration 0005)
