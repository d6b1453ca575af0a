"""Under Django's ASGI handler every request's synchronous code ran on a thread made for that
request. A kept connection (CONN_MAX_AGE) then outlived its request and lived on with the dead
thread until the garbage collector came by: fifty concurrent home pages on PostgreSQL ran the server out of
connections ("too many clients", bench/portal_home.py). On PostgreSQL each request's connection is
closed at its end (CONN_MAX_AGE 0, as Django advises under ASGI), and that close hands it to the
process's idle set for the next request (core/dbpool.py). The real ASGI application, driven here
request by request with the collector off, leaves no connection behind but the one kept idle."""

import gc
import threading

import pytest
from django.db import connection, connections

from carecircle.core import dbpool
from carecircle.core.asgi_handler import THREAD_NAME
from tests.asgi import asgi_get, status_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _server_sessions(pids: set[int]) -> set[int]:
    """Those of `pids` the server still has a session for."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s)", [sorted(pids)])
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("pool_size", [0, 16])
def test_asgi_requests_leave_no_database_connection_behind(postgres, settings, monkeypatch, pool_size):
    """Only the connections the requests opened are counted, by the threads that opened them (the
    handler's request threads, core/asgi_handler.py): threads of earlier tests (a task still
    running, a live server's keep-alive thread) may open their own meanwhile, and counting every
    session of the database made the test fail on them."""
    from carecircle.core.asgi import application

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.CARECIRCLE_DB_POOL_SIZE = pool_size
    opened: list[tuple[str, int]] = []  # (thread, server process) of every connection handed out
    wrapper = type(connections["default"])
    real = wrapper.get_new_connection

    def recording(self, conn_params):
        raw = real(self, conn_params)
        opened.append((threading.current_thread().name, raw.info.backend_pid))
        return raw

    monkeypatch.setattr(wrapper, "get_new_connection", recording)
    dbpool.drain()
    gc.collect()
    gc.disable()  # a leaked connection would wait for the collector: none may be left for it
    try:
        cookie = [(b"cookie", b"sessionid=no-such-session-key-x")]
        statuses = [status_of(asgi_get(application, "/portal/", cookie)) for _ in range(8)]
        pids = {pid for name, pid in opened if name.startswith(THREAD_NAME)}
        left = _server_sessions(pids)
        kept = dbpool.idle.count()
    finally:
        gc.enable()
        dbpool.drain()
    assert set(statuses) == {302}  # the session is read (a query), then the sign-in page
    # One after another, the eight requests took turns with one connection (none without a pool).
    assert len(pids) == (1 if pool_size else 8), pids
    assert kept == (1 if pool_size else 0)
    assert len(left) == kept, (pids, left, kept)
