"""Query counts of the list pages and the home pages do not grow with the number of rows (issue 15,
item 6): every page is measured with the scope walk's records made once and then three times, and
the counts must be equal, so an N+1 (a query per row) fails here."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.scopewalk import PARAM, insider_makers, page_routes

ROLES = ["admin", "district", "street", "community", "operator", "inspector", "provider", "caregiver"]
LIST_ROLES = ["admin", "provider"]  # the city sees every row; the provider admin every organisation's


@pytest.fixture
def ctx(users, make_person):
    return SimpleNamespace(users=users, make_person=make_person, person=make_person())


def _make_rows(ctx, makers):
    for name, make in makers.items():
        if name in ("code", "fmt", "token_id"):
            continue
        make(ctx)


def _list_pages():
    return [r for r in page_routes() if not PARAM.search(r)]


def _measure(clients, routes, roles) -> dict:
    counts = {}
    for role in roles:
        for route in routes:
            # Each page is opened once just before it is counted, so a cache that expired by time
            # during a long run (grants, the alarm policy, reference data) is full again: only
            # queries that depend on the rows are left to differ.
            clients[role].get("/" + route)
            with CaptureQueriesContext(connection) as captured:
                response = clients[role].get("/" + route)
            if response.status_code == 200:
                counts[(role, route)] = len(
                    [q for q in captured.captured_queries if not _session_upkeep(q["sql"])]
                )
    return counts


def _session_upkeep(sql: str) -> bool:
    """The session's last-seen time, written at most every 30 s (core/middleware.py): when those
    30 s ran out between a page's two openings, its second opening wrote it (BEGIN, UPDATE, COMMIT),
    three queries that have nothing to do with the rows."""
    return sql.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")) or (
        sql.startswith("UPDATE") and '"django_session"' in sql
    )


def test_list_and_home_pages_do_not_query_per_row(ctx, client_for):
    makers = insider_makers(ctx)
    clients = {role: client_for(ctx.users[role]) for role in ROLES}
    lists = _list_pages()
    _make_rows(ctx, makers)
    once = _measure(clients, lists, LIST_ROLES) | _measure(clients, [""], ROLES)
    _make_rows(ctx, makers)
    _make_rows(ctx, makers)
    thrice = _measure(clients, lists, LIST_ROLES) | _measure(clients, [""], ROLES)
    # Two more rounds add at least two rows of every kind, so a query per row adds at least two
    # queries; one is still allowed for a cache that expires between a page's two openings.
    grown = {k: (once[k], thrice.get(k)) for k in once if k in thrice and thrice[k] > once[k] + 1}
    assert set(thrice) == set(once), "a page that opened with the rows once must open with them three times"
    assert len(once) >= 20
    assert not grown, f"queries grow with the rows (once, three times): {grown}"
