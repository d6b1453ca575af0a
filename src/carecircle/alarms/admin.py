from django.contrib import admin

from carecircle.alarms.models import Device, Extension, Incident, OutreachRule, Policy, Trunk
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


@admin.register(OutreachRule)
class OutreachRuleAdmin(AuditedAdmin):
    """The proactive calls' rules (主动关怀规则): who is called, how often, the script."""

    list_display = ["code", "name", "condition", "value", "every_days", "max_calls", "due_hour", "active"]
    list_filter = ["condition", "active"]


# The telephone system (caller screen-pop, issue 18 item 5): a trunk's token is set only by
# services.trunk_register (shown once); the admin retires a trunk and seats operators at extensions.
class ExtensionInline(admin.TabularInline):
    model = Extension
    raw_id_fields = ["user"]
    extra = 1


@admin.register(Trunk)
class TrunkAdmin(AuditedAdmin):
    list_display = ["name", "region_code", "active", "created_at"]
    list_filter = ["active"]
    exclude = ["token_hash"]
    inlines = [ExtensionInline]

    def has_add_permission(self, request):  # noqa: ARG002 — Django's admin signature
        return False  # a trunk is registered with its token: POST /api/v1/telephony/trunks
