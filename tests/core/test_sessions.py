"""Sessions (core/sessions.py): a session's common write, after the idle timeout's mark moved on, is
one UPDATE outside any transaction (Django's is BEGIN, UPDATE, COMMIT: three round trips on
PostgreSQL, on nearly every page a reader opens); what Django's does otherwise stays: a session
ended meanwhile is not written back, a database error on the write is the busy page (503)."""

from contextlib import contextmanager

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection

from carecircle.core.sessions import SessionStore

pytestmark = pytest.mark.django_db(transaction=True)  # to see the transactions a write opens


@contextmanager
def statements():
    """The statements run meanwhile, each with whether it ran in autocommit (outside a transaction)."""
    seen: list[tuple[str, bool]] = []

    def record(execute, sql, params, many, context):
        seen.append((sql, connection.get_autocommit() and not connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def test_writing_a_session_again_is_one_update_outside_a_transaction():
    store = SessionStore()
    store["last_seen"] = 1
    store.create()
    again = SessionStore(store.session_key)
    again["last_seen"] = 31
    with statements() as seen:
        again.save()
    assert [(sql.split()[0], alone) for sql, alone in seen] == [("UPDATE", True)]
    assert SessionStore(store.session_key).load()["last_seen"] == 31


def test_a_session_ended_meanwhile_is_not_written_back():
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).delete()  # signed out on another device
    store["last_seen"] = 2
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.filter(session_key=store.session_key).exists()


def test_a_database_error_on_writing_the_session_is_the_busy_page(client_for, users):
    page = client_for(users["street"])
    page.raise_request_exception = False

    def locked(execute, sql, params, many, context):
        if sql.startswith('UPDATE "django_session"'):
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(locked):
        response = page.get("/lang/zh-hans/?next=/")  # a page that writes the session
    assert response.status_code == 503 and "系统繁忙" in response.content.decode()
