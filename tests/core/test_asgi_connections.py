"""Under ASGI every request's synchronous code runs on a thread made for that request. A kept
connection (CONN_MAX_AGE) then outlived its request and lived on with the dead thread until the
garbage collector came by: fifty concurrent home pages on PostgreSQL ran the server out of
connections ("too many clients", bench/portal_home.py). On PostgreSQL each request's connection is
closed at its end (CONN_MAX_AGE 0, as Django advises under ASGI), and that close hands it to the
process's idle set for the next request (core/dbpool.py). The real ASGI application, driven here
request by request with the collector off, leaves no connection behind but the one kept idle."""

import gc

import pytest
from django.db import connection

from carecircle.core import dbpool
from tests.asgi import asgi_get, status_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _open_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("pool_size", [0, 16])
def test_asgi_requests_leave_no_database_connection_behind(postgres, settings, pool_size):
    from carecircle.core.asgi import application

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.CARECIRCLE_DB_POOL_SIZE = pool_size
    dbpool.drain()
    gc.collect()
    gc.disable()  # a leaked connection would wait for the collector: none may be left for it
    try:
        before = _open_connections()
        cookie = [(b"cookie", b"sessionid=no-such-session-key-x")]
        statuses = [status_of(asgi_get(application, "/portal/", cookie)) for _ in range(8)]
        after = _open_connections()
        kept = dbpool.idle.count()
    finally:
        gc.enable()
        dbpool.drain()
    assert set(statuses) == {302}  # the session is read (a query), then the sign-in page
    # One after another, the eight requests took turns with one connection (none without a pool).
    assert kept == (1 if pool_size else 0)
    assert after - before <= kept, (before, after, kept)
