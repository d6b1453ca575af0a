"""Writing the audit trail. Every service that writes calls `record`; so does every unmasking."""

from carecircle.core.models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    region_code: str = "",
    purpose: str = "",
    request=None,
    **detail,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        region_code = region_code or getattr(obj, "region_code", "") or ""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        user=user,
        username=getattr(user, "username", "") or str(detail.pop("system", "system")),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        region_code=region_code,
        ip=client_ip(request),
        purpose=purpose[:200],
        detail=detail,
    )
