"""Database connections kept between requests: an idle set per process and database.

Under ASGI a request's database work runs in a context of its own (on a thread made for it under
Django's handler, on a kept one under ours, core/asgi_handler.py), so Django opens a connection
for every request and closes it at the end (CONN_MAX_AGE 0). Opening is
dear: SQLite reads the whole schema (about 800 tables and indexes) into every new connection, 7 ms
on the bench machine, a third of the resident home page; PostgreSQL starts a server process for
each. Here the connection closed at a request's end (Django's `close_old_connections`) goes to this
process's idle set instead, and the next request takes it (bench/portal_home.py, docs/performance.md).

What a request takes is as good as a new connection:
- nothing of an earlier request rides on it: it goes back only outside any transaction, without a
  transaction of the driver left open, and on PostgreSQL after `RESET ALL` (session settings such as
  the audit trail's purge mark), bounded by the client-side deadline like any statement
  (core/dbguard.py); a connection whose state must not outlive it is `keep_out`;
- it is not stale: one idle longer than `MAX_IDLE_SECONDS` is closed, not taken, and a PostgreSQL
  connection that is closed, broken, or on which the server has spoken unasked (a shutdown, an ended
  server process) is dropped, all without a round trip — no health query that no deadline bounds;
- a forked child (Celery's prefork workers) never uses or closes its parent's connections.
Any other close (a command, a test's teardown, an error) closes for real; `drain()` closes the idle
ones. `CARECIRCLE_DB_POOL_SIZE` idle connections are kept per database (0: none).
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

log = logging.getLogger("carecircle.db")

MAX_IDLE_SECONDS = 10.0

Key = tuple[str, ...]
_now = time.monotonic
_pid = os.getpid


class IdleConnections:
    """The idle connections of this process, by database; the most recently returned taken first
    (the warmest), the oldest closed once past `MAX_IDLE_SECONDS`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[Key, deque[tuple[float, Any]]] = {}
        self._pid = _pid()
        self._parents: list[Any] = []  # a forked child's inheritance: kept, never used nor closed

    def take(self, key: Key, usable: Callable[[Any], bool]) -> Any | None:
        while True:
            with self._lock:
                self._forget_parent()
                stack = self._idle.get(key)
                if not stack:
                    return None
                returned, raw = stack.pop()
            if _now() - returned <= MAX_IDLE_SECONDS and usable(raw):
                return raw
            _close_quietly(raw)

    def give(self, key: Key, raw: Any, size: int) -> bool:
        """Keep `raw` for the next request; False when `size` are idle already (the caller closes it)."""
        stale = []
        with self._lock:
            self._forget_parent()
            stack = self._idle.setdefault(key, deque())
            now = _now()
            while stack and now - stack[0][0] > MAX_IDLE_SECONDS:
                stale.append(stack.popleft()[1])
            kept = len(stack) < size
            if kept:
                stack.append((now, raw))
        for old in stale:
            _close_quietly(old)
        return kept

    def count(self) -> int:
        with self._lock:
            self._forget_parent()
            return sum(len(s) for s in self._idle.values())

    def drain(self) -> None:
        with self._lock:
            self._forget_parent()
            raws = [raw for s in self._idle.values() for _t, raw in s]
            self._idle = {}
        for raw in raws:
            _close_quietly(raw)

    def _forget_parent(self) -> None:
        if _pid() != self._pid:
            # Closing would end the parent's sessions (the socket is shared): hold them unused.
            self._parents.extend(raw for s in self._idle.values() for _t, raw in s)
            self._idle = {}
            self._pid = _pid()


idle = IdleConnections()


def _close_quietly(raw: Any) -> None:
    try:
        raw.close()
    except Exception:  # noqa: BLE001 - already broken: nothing more to release
        log.debug("closing an idle database connection failed", exc_info=True)


def drain() -> None:
    """Close every idle connection of this process (before a test database is dropped)."""
    idle.drain()


def keep_out(wrapper: BaseDatabaseWrapper) -> None:
    """`wrapper`'s present connection carries state that must not reach another request: it is
    closed, not kept, when it is done."""
    wrapper._pool_keep_out = wrapper.connection  # type: ignore[attr-defined]


def _pool_size() -> int:
    return int(getattr(settings, "CARECIRCLE_DB_POOL_SIZE", 0))


class PooledConnections:
    """Mixed into the SQLite and PostgreSQL backends (core/dbbackends): `get_new_connection` takes
    an idle connection first; a close at a request's end keeps the connection instead."""

    _pool_returning = False
    _pool_keep_out: Any = None
    # The database wrapper's own, for the type checker (the mixin comes first in the MRO).
    alias: str
    vendor: str
    settings_dict: dict[str, Any]
    connection: Any
    in_atomic_block: bool

    # Supplied by each backend (core/dbbackends): whether an idle raw connection may be taken, and
    # whether a raw connection a request leaves may be kept (after making it clean).
    pool_usable: Callable[[Any], bool]
    pool_clean: Callable[[Any], bool]

    def pool_key(self) -> Key:
        s = self.settings_dict
        return (
            self.alias,
            self.vendor,
            str(s["NAME"]),
            str(s.get("HOST")),
            str(s.get("PORT")),
            str(s.get("USER")),
        )

    def pool_take(self) -> Any | None:
        if _pool_size() <= 0 or self.pool_exempt():
            return None
        return idle.take(self.pool_key(), self.pool_usable)

    def pool_exempt(self) -> bool:
        return False

    def close_if_unusable_or_obsolete(self) -> None:
        # Django's end-of-request close (and dbguard.check_connections) comes through here: only
        # such a close keeps the connection.
        self._pool_returning = True
        try:
            super().close_if_unusable_or_obsolete()  # type: ignore[misc]
        finally:
            self._pool_returning = False

    def _close(self) -> None:
        raw = self.connection
        keep = (
            self._pool_returning
            and raw is not None
            and raw is not self._pool_keep_out
            and not self.in_atomic_block
            and _pool_size() > 0
            and not self.pool_exempt()
        )
        self._pool_keep_out = None
        if keep:
            with contextlib.suppress(Exception):  # a connection that cannot be cleaned is closed
                if self.pool_clean(raw) and idle.give(self.pool_key(), raw, _pool_size()):
                    return
        super()._close()  # type: ignore[misc]


def readable_now(fileno: int) -> bool:
    """Whether the socket has something to read right now (on an idle connection: the server
    closing it, or a notice); never waits."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fileno, select.POLLIN | select.POLLERR | select.POLLHUP)
        return bool(poller.poll(0))
    ready, _w, _x = select.select([fileno], [], [], 0)
    return bool(ready)
