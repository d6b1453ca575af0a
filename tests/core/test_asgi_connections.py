"""Under ASGI every request's synchronous code runs on a thread made for that request. A kept
connection (CONN_MAX_AGE) then outlived its request and lived on with the dead thread until the
garbage collector came by: fifty concurrent home pages on PostgreSQL ran the server out of
connections ("too many clients", bench/portal_home.py). On PostgreSQL each request's connection is
closed at its end (CONN_MAX_AGE 0, as Django advises under ASGI); the real ASGI application, driven
here request by request with the collector off, leaves no connection behind."""

import asyncio
import gc
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.testing import ApplicationCommunicator
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _open_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


async def _get(application, path: str) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"cookie", b"sessionid=no-such-session-key-x")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    app = ApplicationCommunicator(application, scope)
    await app.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await app.receive_output(timeout=20)
    while (await app.receive_output(timeout=20)).get("more_body"):
        pass
    await app.wait(timeout=20)
    return start["status"]


def test_asgi_requests_leave_no_database_connection_behind(postgres, settings):
    from carecircle.core.asgi import application

    settings.ALLOWED_HOSTS = ["testserver"]
    gc.collect()
    gc.disable()  # a leaked connection would wait for the collector: none may be left for it
    try:
        before = _open_connections()
        # each request on an event loop of its own thread, as a server's would be (the test's thread
        # may hold a running loop of its own: Playwright's, after a browser test)
        with ThreadPoolExecutor(1) as loop_thread:
            statuses = [
                loop_thread.submit(asyncio.run, _get(application, "/portal/")).result() for _ in range(8)
            ]
        after = _open_connections()
    finally:
        gc.enable()
    assert set(statuses) == {302}  # the session is read (a query), then the sign-in page
    assert after <= before, (before, after)
