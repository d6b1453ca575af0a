from django.contrib import admin

from carecircle.alarms.models import Device, Incident, Policy
from carecircle.core.admin_audit import AuditedAdmin


@admin.register(Policy)
class PolicyAdmin(AuditedAdmin):
    list_display = [
        "region_prefix",
        "group_window_seconds",
        "supervisor_after_seconds",
        "street_after_seconds",
        "responder_confirm_seconds",
        "inactivity_hours",
        "high_priority",
    ]


@admin.register(Device)
class DeviceAdmin(AuditedAdmin):
    list_display = ["serial", "kind", "region_code", "heartbeat_seconds", "last_heartbeat_at", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["serial"]
    exclude = ["token_hash"]
    raw_id_fields = ["person"]


@admin.register(Incident)
class IncidentAdmin(AuditedAdmin):
    list_display = ["id", "title", "priority", "state", "opened_at", "acknowledged_at", "outcome"]
    list_filter = ["state", "source"]
    raw_id_fields = ["person", "device", "operator"]
