"""Connections kept between requests (core/dbpool.py): the connection a request closes at its end is
the next request's, as good as new; any other close closes; a stale, broken or forked-over
connection is never handed out. The SQLite cases run on a file database of their own (the test
database lives in memory, which Django never closes), the PostgreSQL ones on the test database."""

import time

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

from carecircle.core import dbpool

SQLITE = "carecircle.core.dbbackends.sqlite3"
pytestmark = pytest.mark.django_db  # lets the test open connections (pytest-django blocks them otherwise)


@pytest.fixture
def sqlite_file(tmp_path, settings):
    settings.CARECIRCLE_DB_POOL_SIZE = 2
    db = {"ENGINE": SQLITE, "NAME": str(tmp_path / "pool.sqlite3")}
    handler = ConnectionHandler({"default": db, "pooltest": db})
    yield lambda: handler.create_connection("pooltest")
    dbpool.drain()


def _request(wrapper):
    """One request's use of the connection, ended as Django ends a request (CONN_MAX_AGE 0)."""
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 1")
    raw = wrapper.connection
    wrapper.close_if_unusable_or_obsolete()
    assert wrapper.connection is None
    return raw


def test_the_next_request_takes_the_connection_the_last_one_closed(sqlite_file):
    first = _request(sqlite_file())
    assert dbpool.idle.count() == 1
    second = _request(sqlite_file())  # another request: another wrapper, on another thread or context
    assert second is first
    assert dbpool.idle.count() == 1


def test_a_close_other_than_at_a_request_end_closes(sqlite_file):
    wrapper = sqlite_file()
    wrapper.ensure_connection()
    raw = wrapper.connection
    wrapper.close()  # a command, a test's teardown
    assert dbpool.idle.count() == 0
    with pytest.raises(Exception, match="closed"):
        raw.execute("SELECT 1")


def test_a_connection_in_a_transaction_or_kept_out_is_not_kept(sqlite_file):
    wrapper = sqlite_file()
    wrapper.ensure_connection()
    wrapper.connection.execute("BEGIN")
    wrapper.connection.execute("CREATE TABLE t (x)")
    wrapper.close_if_unusable_or_obsolete()  # an open transaction of the driver
    assert dbpool.idle.count() == 0

    wrapper = sqlite_file()
    wrapper.ensure_connection()
    dbpool.keep_out(wrapper)  # e.g. the audit trail's purge mark (core/audit.py)
    wrapper.close_if_unusable_or_obsolete()
    assert dbpool.idle.count() == 0


def test_no_more_than_the_pool_size_wait_and_none_longer_than_the_idle_limit(sqlite_file, monkeypatch):
    wrappers = [sqlite_file() for _ in range(3)]
    for w in wrappers:
        w.ensure_connection()
    raws = [w.connection for w in wrappers]
    for w in wrappers:
        w.close_if_unusable_or_obsolete()
    assert dbpool.idle.count() == 2  # CARECIRCLE_DB_POOL_SIZE: the third was closed
    with pytest.raises(Exception, match="closed"):
        raws[2].execute("SELECT 1")

    later = time.monotonic() + dbpool.MAX_IDLE_SECONDS + 1
    monkeypatch.setattr(dbpool, "_now", lambda: later)
    fresh = sqlite_file()
    fresh.ensure_connection()
    assert fresh.connection not in raws[:2]  # both idle too long: closed, a new one opened
    assert dbpool.idle.count() == 0
    for stale in raws[:2]:
        with pytest.raises(Exception, match="closed"):
            stale.execute("SELECT 1")


def test_a_forked_child_neither_takes_nor_closes_its_parents_connections(sqlite_file, monkeypatch):
    raw = _request(sqlite_file())
    monkeypatch.setattr(dbpool, "_pid", lambda: -1)  # as in a child after fork()
    child = sqlite_file()
    child.ensure_connection()
    assert child.connection is not raw
    assert raw.execute("SELECT 1").fetchone() == (1,)  # the parent's connection still works
    child.close()


def test_pool_size_zero_keeps_nothing(sqlite_file, settings):
    settings.CARECIRCLE_DB_POOL_SIZE = 0
    first = _request(sqlite_file())
    assert dbpool.idle.count() == 0
    assert _request(sqlite_file()) is not first


# PostgreSQL: the session is reset, and a connection the server ended is not handed out.


@pytest.fixture
def pg_wrapper(postgres, settings):
    settings.CARECIRCLE_DB_POOL_SIZE = 4
    handler = ConnectionHandler({"default": {}, "pooltest": dict(connection.settings_dict)})
    yield lambda: handler.create_connection("pooltest")
    dbpool.drain()


def _one(wrapper, sql: str):
    """The first value of `sql` run on `wrapper`."""
    with wrapper.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_postgres_session_settings_do_not_reach_the_next_request(pg_wrapper):
    wrapper = pg_wrapper()
    _one(wrapper, "SELECT set_config('carecircle.audit_purge', 'on', false)")
    raw = wrapper.connection
    wrapper.close_if_unusable_or_obsolete()
    nxt = pg_wrapper()
    setting = _one(nxt, "SELECT current_setting('carecircle.audit_purge', true)")
    assert nxt.connection is raw  # the same server session …
    assert setting in ("", None)  # … without the earlier request's setting
    nxt.close()


@pytest.mark.django_db(transaction=True)
def test_postgres_a_connection_the_server_ended_is_replaced_without_an_error(pg_wrapper):
    wrapper = pg_wrapper()
    pid = _one(wrapper, "SELECT pg_backend_pid()")
    wrapper.close_if_unusable_or_obsolete()
    assert dbpool.idle.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])  # a restart, an administrator
    for _ in range(50):  # the server's goodbye reaches the idle socket
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                break
        time.sleep(0.05)
    nxt = pg_wrapper()
    assert _one(nxt, "SELECT pg_backend_pid()") != pid  # no error: the dead one dropped, a new one opened
    nxt.close()


@pytest.mark.django_db(transaction=True)
def test_postgres_a_kept_connection_is_handed_out_without_a_statement(pg_wrapper, tmp_path):
    """The time zone Django wants is the session's default, so the reset at a request's end keeps it
    and the next request's first statement is its own: it was preceded by `SELECT
    set_config('TimeZone', 'UTC', false)` on every request (RESET ALL went back to the server's zone)."""
    wrapper = pg_wrapper()
    _one(wrapper, "SELECT 1")
    raw = wrapper.connection
    wrapper.close_if_unusable_or_obsolete()
    assert raw.info.parameter_status("TimeZone") == wrapper.timezone_name
    trace = tmp_path / "libpq.trace"
    with trace.open("w") as sink:
        raw.pgconn.trace(sink.fileno())  # every message the client sends from here on
        try:
            nxt = pg_wrapper()
            nxt.ensure_connection()
        finally:
            raw.pgconn.untrace()
    assert nxt.connection is raw
    assert "Query" not in trace.read_text()  # nothing sent to the server on taking it
    assert _one(nxt, "SELECT current_setting('TimeZone')") == wrapper.timezone_name
    nxt.close()
