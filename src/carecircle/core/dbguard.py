"""Fail fast when the database is slow or gone.

A statement timeout on the server does not help when the network between us and the server is
cut: the statement never arrives, and the client waits for an answer forever. So web requests
(and the alarm worker) run their statements under a client-side deadline: when one statement
takes longer than `CARECIRCLE_DB_STATEMENT_TIMEOUT`, the connection is interrupted (SQLite's
`interrupt()`; on PostgreSQL the socket is shut down, since a cancel request would travel the
same cut network). The statement then fails with a database error, which the error pages turn
into a clear 503, and the broken connection is replaced on the next request.
"""

import contextlib
import heapq
import itertools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as _DjangoSessionMiddleware
from django.db import DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from carecircle.core.types import GetResponse

log = logging.getLogger("carecircle.db")

BUSY_MARKERS = ("database is locked", "database table is locked")


def _interrupt(conn: BaseDatabaseWrapper) -> None:
    raw = conn.connection
    if raw is None:
        return
    try:
        if conn.vendor == "sqlite":
            raw.interrupt()
        elif conn.vendor == "postgresql":
            fd = raw.pgconn.socket
            # shutdown() acts on the socket itself, so the statement blocked on it wakes with an error.
            with socket.socket(fileno=os.dup(fd)) as sock:
                sock.shutdown(socket.SHUT_RDWR)
    except Exception:  # noqa: BLE001 - the connection may be closing under us
        log.debug("could not interrupt a database connection", exc_info=True)
    log.warning("database statement exceeded %s s; connection interrupted", _seconds())


def _seconds() -> float:
    return float(settings.CARECIRCLE_DB_STATEMENT_TIMEOUT)


class _Watchdog:
    """One thread for the whole process watches every running statement's deadline and interrupts
    the connection of one that overruns. (A timer thread per statement cost more than most
    statements: about 1.4 ms to start, a quarter of a resident's home page.) Deadlines are kept in
    a heap; a finished statement is only forgotten, and its heap entry dropped when it surfaces."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._running: dict[int, BaseDatabaseWrapper] = {}
        self._heap: list[tuple[float, int]] = []
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, conn: BaseDatabaseWrapper, seconds: float) -> int:
        due = time.monotonic() + seconds
        with self._cond:
            token = next(self._tokens)
            self._running[token] = conn
            heapq.heappush(self._heap, (due, token))
            if self._thread is None or not self._thread.is_alive():  # first use, or after a fork
                self._thread = threading.Thread(target=self._run, name="db-deadline", daemon=True)
                self._thread.start()
            elif self._heap[0][1] == token:
                self._cond.notify()  # sooner than what the thread sleeps for
        return token

    def done(self, token: int) -> None:
        with self._cond:
            self._running.pop(token, None)

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][1] not in self._running:
                    heapq.heappop(self._heap)  # finished in time
                if not self._heap:
                    self._cond.wait()
                    continue
                due, token = self._heap[0]
                left = due - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                heapq.heappop(self._heap)
                conn = self._running.pop(token)
                self._cond.release()
                try:
                    _interrupt(conn)
                finally:
                    self._cond.acquire()


_watchdog = _Watchdog()


class _Deadline:
    """An `execute_wrapper`: each statement gets `seconds`, then its connection is interrupted."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(
        self,
        execute: Callable[[str, Any, bool, dict[str, Any]], Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        with watched(context["connection"], self.seconds):
            return execute(sql, params, many, context)


@contextlib.contextmanager
def deadline(seconds: float | None = None) -> Iterator[None]:
    """Statements in this block (on this thread's default connection) fail after `seconds`."""
    seconds = _seconds() if seconds is None else seconds
    if seconds <= 0:
        yield
        return
    with connection.execute_wrapper(_Deadline(seconds)):
        yield


@contextlib.contextmanager
def watched(conn: BaseDatabaseWrapper, seconds: float | None = None) -> Iterator[None]:
    """What runs in this block on `conn`'s driver connection directly (outside Django's cursors)
    is interrupted after `seconds` (the health timeout by default), like any statement."""
    seconds = float(settings.CARECIRCLE_HEALTH_TIMEOUT) if seconds is None else seconds
    token = _watchdog.watch(conn, seconds)
    try:
        yield
    finally:
        _watchdog.done(token)


def check_connections() -> None:
    """Replace this thread's connections that broke or aged (Django does it at the start of a
    request, but only on the request's own thread). A connection inside a transaction is left
    alone: closing it would end the transaction."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


def is_busy(exc: BaseException) -> bool:
    """SQLite's write lock held by another process beyond the busy timeout."""
    return isinstance(exc, DatabaseError) and any(m in str(exc).lower() for m in BUSY_MARKERS)


def database_cause(exc: BaseException | None) -> DatabaseError | None:
    """The database error behind `exc` (itself, or one it was raised from or during)."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, DatabaseError):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


class DeadlineMiddleware:
    """Every statement of a web request runs under the client-side deadline."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with deadline():
            return self.get_response(request)


class SessionMiddleware(_DjangoSessionMiddleware):
    """Django's, except that a session that could not be saved because the database was busy or
    unreachable is that database error (a 503 with a plain message, core/errorpages.py), not
    Django's "Bad Request" (SessionInterrupted, 400)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except SessionInterrupted as exc:
            cause = database_cause(exc.__context__)
            if cause is not None:
                raise cause from exc
            raise
