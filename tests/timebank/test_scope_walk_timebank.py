"""The scope walk over the time bank's own routes, both sides (the whole walk is tests/test_scope_walk.py
and tests/test_scope_walk_insider.py, which hold the same routes): an outsider of 西山区 is refused
every request of 东湖区 and sees none of its people; an insider of 东湖区 succeeds, or gets the answer
NOT_SUCCESS names for the walk's empty input."""

from types import SimpleNamespace

import pytest

from tests.scopewalk import PARAM, fill, page_routes
from tests.test_scope_walk_insider import INSIDERS, SUCCESS
from tests.timebank.scope_factories import FACTORIES

pytestmark = pytest.mark.django_db
# the same entries as tests/test_scope_walk_insider.py NOT_SUCCESS (the reasons are written there)
NOT_SUCCESS = {
    "timebank/requests/<int:help_request_id>/take/": {403},
    "timebank/requests/<int:help_request_id>/check-in/": {409},
    "timebank/requests/<int:help_request_id>/check-out/": {409},
    "timebank/requests/<int:help_request_id>/confirm/": {422},
    "timebank/staff/report/guarantee/": {422},
}


@pytest.fixture
def ctx(users, make_person):
    return SimpleNamespace(users=users, make_person=make_person, person=make_person())


def _routes() -> list[str]:
    routes = [r for r in page_routes() if r.startswith("timebank/")]
    assert len(routes) >= 15
    return routes


def _answer(client, url):
    response = client.get(url)
    return client.post(url, {}) if response.status_code == 405 else response


@pytest.mark.parametrize("outsider", ["district_b", "street_b", "community_b"])
def test_every_time_bank_page_refuses_other_region(ctx, client_for, outsider):
    client = client_for(ctx.users[outsider])
    for route in _routes():
        response = _answer(client, "/" + fill(route, ctx, FACTORIES))
        if PARAM.search(route):
            assert response.status_code in (403, 404), f"{route}: {response.status_code}"
        else:
            assert response.status_code in (200, 302, 403, 404, 422), f"{route}: {response.status_code}"
            if response.status_code in (200, 422) and "xlsx" not in response.get("Content-Type", ""):
                assert ctx.person.name not in response.content.decode(), route


def test_every_time_bank_page_succeeds_for_an_insider(ctx, client_for):
    clients = {name: client_for(ctx.users[name]) for name in INSIDERS}
    failures = []
    for route in _routes():
        url = "/" + fill(route, ctx, FACTORIES)
        allowed = SUCCESS | NOT_SUCCESS.get(route, set())
        answers = []
        for name in INSIDERS:
            code = _answer(clients[name], url).status_code
            answers.append((name, code))
            if code in allowed:
                break
        if not any(code in allowed for _n, code in answers):
            failures.append(f"{route}: {answers}")
    assert not failures, "\n".join(failures)
