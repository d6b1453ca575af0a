"""Writing the audit trail. Every service that writes calls `record`; so does every unmasking."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.http import HttpRequest

from carecircle.core import dbpool
from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent
from carecircle.core.types import Actor, signed_in


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    actor: Actor,
    action: AuditAction | str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    region_code: str = "",
    purpose: str = "",
    request: HttpRequest | None = None,
    **detail: Any,
) -> AuditEvent:
    """One row of the audit trail: who (`actor`; None is the system, named by `system=`), what
    (`action`: a member of `AuditAction`, which names it in Chinese on the audit log page), on which
    object, in which region; `detail` is stored as JSON."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        region_code = region_code or getattr(obj, "region_code", "") or ""
    user = actor if signed_in(actor) else None
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


@contextmanager
def purge_allowed(using: str = "default") -> Iterator[None]:
    """Let this connection empty the audit table while the block runs (migration core/0005): on
    SQLite by registering the function the DELETE trigger asks for, on PostgreSQL by a session
    setting the TRUNCATE trigger reads. Only for emptying a whole database on purpose —
    `carecircle generate --fresh` and the test suite's flush; nothing else in src/ may call it
    (tests/core/test_audit_complete.py)."""
    connection = connections[using]
    connection.ensure_connection()
    dbpool.keep_out(connection)  # the mark never reaches a request that takes the connection next
    if connection.vendor == "sqlite":
        connection.connection.create_function("carecircle_audit_purge", 0, lambda: 1)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # inside a transaction: for that transaction only
            cursor.execute(
                "SELECT set_config('carecircle.audit_purge', 'on', %s)", [connection.in_atomic_block]
            )
    try:
        yield
    except BaseException:
        _unmark(connection, failing=True)
        raise
    _unmark(connection)


def _unmark(connection: BaseDatabaseWrapper, failing: bool = False) -> None:
    if connection.connection is None:
        return  # closed: the mark went with the connection
    if connection.vendor == "sqlite":
        connection.connection.create_function("carecircle_audit_purge", 0, lambda: 0)
    elif connection.vendor == "postgresql":
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET carecircle.audit_purge")
        except DatabaseError:
            # Only a transaction that failed inside the block cannot run RESET; the mark was made
            # local to that transaction, so its rollback ends it.
            if not failing:
                raise
