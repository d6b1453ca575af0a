"""`GET /healthz` for load balancers and monitors.

Anyone gets ok / not ok (200 / 503) and nothing else; a signed-in administrator (`user.manage`)
also gets the details (engine, pending migrations, task mode). The database check runs on its own
thread and is given `CARECIRCLE_HEALTH_TIMEOUT` seconds (1.5 by default): when the database is
unreachable the answer is 503 within 2 s, not a hang. One check runs at a time; callers that
arrive meanwhile share its answer, so a load balancer polling a cut-off database does not pile up
threads.
"""

import threading
import time
from typing import Any, TypedDict

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

from carecircle.core import dbguard, scope
from carecircle.core.types import Request


class DatabaseState(TypedDict):
    ok: bool
    pending: list[str]  # migrations not applied yet ("app.name")
    error: str  # the exception's class name, "timeout", or ""


_migrations: dict[str, Any] = {}  # "pending": list[str], "until": monotonic seconds


def _pending_migrations() -> list[str]:
    """Migrations not yet applied, checked at most once a minute: building the migration graph
    costs milliseconds, and load balancers poll this endpoint."""
    now = time.monotonic()
    if _migrations.get("until", 0) < now or _migrations.get("pending"):
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations.update(pending=[f"{m.app_label}.{m.name}" for m, _b in plan], until=now + 60)
    pending: list[str] = _migrations["pending"]
    return pending


def _check_once() -> DatabaseState:
    try:
        dbguard.check_connections()  # replaces this thread's connection when it broke or aged
        with dbguard.deadline(settings.CARECIRCLE_HEALTH_TIMEOUT):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            pending = _pending_migrations()
        return {"ok": not pending, "pending": pending, "error": ""}
    except Exception as exc:  # noqa: BLE001 - any failure is "not ok"
        connection.close()
        return {"ok": False, "pending": [], "error": type(exc).__name__}


class _Checker(threading.Thread):
    """The process's one health-check thread, keeping one database connection between checks."""

    def __init__(self) -> None:
        super().__init__(name="healthz", daemon=True)
        self.wanted = threading.Event()
        self.cond = threading.Condition()
        self.generation = 0
        self.result: DatabaseState = {"ok": False, "pending": [], "error": ""}  # read once a check ran

    def run(self) -> None:
        while True:
            self.wanted.wait()
            self.wanted.clear()
            result = _check_once()
            with self.cond:
                self.result, self.generation = result, self.generation + 1
                self.cond.notify_all()


_lock = threading.Lock()
_checker: _Checker | None = None


def database_state(timeout: float | None = None) -> DatabaseState:
    """{"ok", "pending", "error"} of a check finished after this call began, or a timeout."""
    global _checker
    timeout = settings.CARECIRCLE_HEALTH_TIMEOUT if timeout is None else timeout
    with _lock:
        if _checker is None or not _checker.is_alive():
            _checker = _Checker()
            _checker.start()
        checker = _checker
    with checker.cond:
        seen = checker.generation
        checker.wanted.set()
        if checker.cond.wait_for(lambda: checker.generation > seen, timeout):
            return checker.result.copy()
    return {"ok": False, "pending": [], "error": "timeout"}


def healthz(request: Request) -> JsonResponse:
    state = database_state()
    status = 200 if state["ok"] else 503
    body: dict[str, object] = {"status": "ok" if state["ok"] else "unavailable"}
    if scope.has_perm(request.user, "user.manage"):
        body["database"] = {"engine": connection.vendor, "error": state["error"]}
        body["migrations"] = {"up_to_date": not state["pending"], "pending": state["pending"]}
        body["tasks"] = "celery" if settings.CELERY_BROKER_URL else "in-process"
    return JsonResponse(body, status=status)
