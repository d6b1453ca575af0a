"""Leases: who holds a piece of work (a periodic task's slot, an import job) and whether they still do.

A holder writes its *owner token* (host, process id and that process's start time) and a time until
which its claim holds. While it works, a `Renewer` thread pushes that time forward. A claim is
abandoned when its time has passed, or at once when the holder ran on this machine and its process
is gone (killed, crashed): a redelivered or restarted task then takes the work over without waiting
for the lease to run out. The start time in the token tells a reused process id from the holder.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Self

from django.db import connection

log = logging.getLogger("carecircle.tasks")

_token: tuple[int, str] | None = None


def _start_ticks(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux /proc), or None when unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode(errors="replace")
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()  # after "pid (comm) ": state is fields[0]
    if fields and fields[0] in ("Z", "X"):
        return None  # a zombie is dead, only not yet reaped
    return fields[19] if len(fields) > 19 else ""


def owner_token() -> str:
    """This process's token, `host:pid:start` (recomputed after a fork: a child is another owner)."""
    global _token
    pid = os.getpid()
    if _token is None or _token[0] != pid:
        _token = (pid, f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or ''}")
    return _token[1]


def owner_alive(token: str) -> bool | None:
    """True/False when the owner ran on this machine and we can tell; None when we cannot (another
    machine, or a platform without /proc): then only the lease's time decides."""
    try:
        host, pid_text, start = token.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return None
    if host != socket.gethostname():
        return None
    if pid == os.getpid():
        return start == (_start_ticks(pid) or "")
    if os.path.isdir("/proc/self"):
        ticks = _start_ticks(pid)
        return ticks is not None and (not start or ticks == start)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def abandoned(owner: str, holds_until: datetime | None, now: datetime) -> bool:
    """Whether a claim by `owner`, good until `holds_until`, may be taken over at `now`."""
    if not owner or holds_until is None or holds_until <= now:
        return True
    return owner_alive(owner) is False


class Renewer(threading.Thread):
    """Calls `renew()` every `every` seconds until stopped; `renew` returns False when the claim was
    lost (someone took it over). Each call runs on this thread's own database connection."""

    def __init__(self, renew: Callable[[], bool], every: float, name: str):
        super().__init__(name=f"lease-{name}", daemon=True)
        self.renew, self.every, self.label = renew, max(0.05, every), name
        self.stopped = threading.Event()
        self.lost = False

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    if not self.renew():
                        self.lost = True
                        log.warning("lease of %s was taken over by another process", self.label)
                        return
                except Exception:  # noqa: BLE001 - a busy database: try again next time
                    log.warning("could not renew the lease of %s", self.label, exc_info=True)
        finally:
            connection.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.join(timeout=30)
