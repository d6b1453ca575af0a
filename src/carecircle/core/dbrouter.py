"""Read-only pages from a streaming replica (DATABASE_REPLICA_URL; settings add this router and its
middleware only when it is set — without it there is one database and nothing here runs).

What reads from the replica: the queries of a GET/HEAD/OPTIONS request that has not written,
outside any transaction. Everything else reads from the primary:

- every write, and every read after a write in the same request (read-after-write);
- everything inside `transaction.atomic()` (services, the payroll, imports, the throttle's locks);
- the same client for CARECIRCLE_REPLICA_STICKY_SECONDS after a POST (or any request that wrote):
  the response sets a short-lived cookie, so the page a form redirects to shows what was just saved
  even if the replica is a moment behind;
- sessions and accounts, always: a session written a moment ago (sign-in, second factor, the idle
  timeout's "last seen") and an account just disabled or given a new password must be seen at once;
  the sign-in throttle's counters, always (they decide who may try again);
- commands, workers, periodic tasks and tests: no request, so no replica.

Writes that are the request's bookkeeping — its session's "last seen" and the audit row a GET
leaves (viewing or exporting personal data) — do not make the client sticky: nothing read later
depends on them being on the replica already.

When the replica cannot be reached the request reads from the primary, and the process does not
try the replica again for REPLICA_RETRY seconds (a replica down is slower reports, not errors).
"""

import contextlib
import contextvars
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponseBase

from carecircle.core import dbguard
from carecircle.core.types import GetResponse

log = logging.getLogger("carecircle.db")

PRIMARY, REPLICA = "default", "replica"
STICKY_COOKIE = "cc_primary"
REPLICA_RETRY = 30.0
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Read from the primary whatever the request (labels, lower case).
ALWAYS_PRIMARY = frozenset(
    {
        "sessions.session",
        "core.user",
        "core.signinthrottle",
        "core.apitoken",
        "core.taskrun",
        "core.vaultkeystate",
    }
)
# Written by a request as bookkeeping: such a write does not make the client read from the primary.
NOT_STICKY = frozenset({"sessions.session", "core.auditevent"})


@dataclass
class RequestState:
    replica_ok: bool
    wrote: bool = False


_state: contextvars.ContextVar[RequestState | None] = contextvars.ContextVar(
    "carecircle_db_route", default=None
)
_reads = {PRIMARY: 0, REPLICA: 0}  # per process: reads routed to each database (metrics, the layout test)
_reads_lock = threading.Lock()
_replica_down_until = 0.0


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        alias = PRIMARY
        state = _state.get()
        if (
            state is not None
            and state.replica_ok
            and not state.wrote
            and model._meta.label_lower not in ALWAYS_PRIMARY
            and not connections[PRIMARY].in_atomic_block
        ):
            alias = REPLICA
        with _reads_lock:
            _reads[alias] += 1
        return alias

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        state = _state.get()
        if state is not None and model._meta.label_lower not in NOT_STICKY:
            state.wrote = True  # read-after-write: the rest of the request, and the client for a moment
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == PRIMARY  # the replica follows the primary's WAL, schema included


def reads() -> dict[str, int]:
    """Reads this process routed to the primary and to the replica since it started."""
    with _reads_lock:
        return dict(_reads)


def _replica_reachable() -> bool:
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
        return True
    except DatabaseError:
        _replica_down_until = time.monotonic() + REPLICA_RETRY
        log.warning("database replica unreachable: reading from the primary for %s s", REPLICA_RETRY)
        return False


class ReplicaMiddleware:
    """Decides, per request, whether its reads may go to the replica, and makes the client read from
    the primary for a few seconds after a request that wrote."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        safe = request.method in SAFE_METHODS
        state = RequestState(
            replica_ok=safe and STICKY_COOKIE not in request.COOKIES and _replica_reachable()
        )
        token = _state.set(state)
        try:
            with contextlib.ExitStack() as stack:
                if dbguard._seconds() > 0:  # the replica's statements: the primary's client-side deadline
                    stack.enter_context(
                        connections[REPLICA].execute_wrapper(dbguard._Deadline(dbguard._seconds()))
                    )
                response = self.get_response(request)
        finally:
            _state.reset(token)
        if not safe or state.wrote:
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.CARECIRCLE_REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
