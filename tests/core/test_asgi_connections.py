"""Under ASGI every request's synchronous code runs on a thread made for that request. A kept
connection (CONN_MAX_AGE) then outlived its request and lived on with the dead thread until the
garbage collector came by: fifty concurrent home pages on PostgreSQL ran the server out of
connections ("too many clients", bench/portal_home.py). On PostgreSQL each request's connection is
closed at its end (CONN_MAX_AGE 0, as Django advises under ASGI); the real ASGI application, driven
here request by request with the collector off, leaves no connection behind."""

import gc

import pytest
from django.db import connection

from tests.asgi import asgi_get, status_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _open_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_asgi_requests_leave_no_database_connection_behind(postgres, settings):
    from carecircle.core.asgi import application

    settings.ALLOWED_HOSTS = ["testserver"]
    gc.collect()
    gc.disable()  # a leaked connection would wait for the collector: none may be left for it
    try:
        before = _open_connections()
        cookie = [(b"cookie", b"sessionid=no-such-session-key-x")]
        statuses = [status_of(asgi_get(application, "/portal/", cookie)) for _ in range(8)]
        after = _open_connections()
    finally:
        gc.enable()
    assert set(statuses) == {302}  # the session is read (a query), then the sign-in page
    assert after <= before, (before, after)
