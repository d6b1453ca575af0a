"""Every write made through the Django admin goes to the audit trail, by one mechanism.

The admin reports each of its writes to three methods of the ModelAdmin — `log_addition`,
`log_change` (also for inline rows, list edits and a password set) and `log_deletions` (the
delete page and the "delete selected" action) — always inside the transaction of the write.
`AuditedAdmin` writes one audit row there for every object, with who, what, which fields and the
request's address, next to Django's own LogEntry. Every ModelAdmin of the platform derives from it
(tests/core/test_audit_complete.py walks the admin site and refuses any other), and the admin's
own Group model is registered again with it (core/admin.py).
"""

import json
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]  # any model's admin; the stubs' class is generic, Django's is not
else:
    _ModelAdmin = admin.ModelAdmin


def _plain(message: object) -> object:
    """The admin's change message (a list of dicts with lazy strings) as plain JSON."""
    return json.loads(json.dumps(message, default=str)) if message else []


class AuditedAdmin(_ModelAdmin):
    def audit_detail(self, obj: Any) -> dict[str, Any]:  # noqa: ARG002 — the hook's signature; subclasses read obj
        """More detail for a model's audit rows (a subclass may add some)."""
        return {}

    def _audit(self, request: HttpRequest, action: AuditAction, obj: Model, message: object = "") -> None:
        label = obj._meta.label_lower
        region = getattr(obj, "region_code", "") or (obj.pk if label == "core.region" else "")
        audit.record(
            actor=request.user,
            action=action,
            obj=obj,
            object_type=label,
            region_code=str(region or ""),
            request=request,
            via="admin",
            changes=_plain(message),
            **self.audit_detail(obj),
        )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> LogEntry:
        self._audit(request, AuditAction.ADMIN_ADD, obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> LogEntry:
        self._audit(request, AuditAction.ADMIN_CHANGE, obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> list[LogEntry]:
        for obj in queryset:
            self._audit(request, AuditAction.ADMIN_DELETE, obj)
        return super().log_deletions(request, queryset)
