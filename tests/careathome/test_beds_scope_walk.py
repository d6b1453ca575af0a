"""The scope walk of tests/test_scope_walk*.py over the family-bed pages alone (so that they
are proved while other modules' factories change): every page with a record of region A refuses the
users of region B (403/404), lists show them nothing of region A, and an insider of region A succeeds
(or gets the answer NOT_SUCCESS names for the walk's empty form)."""

from types import SimpleNamespace

import pytest

from tests.careathome.beds_scope_factories import FACTORIES
from tests.scopewalk import PARAM, fill, page_routes
from tests.test_scope_walk_insider import INSIDERS, _allowed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

MINE = ("careathome/beds", "careathome/adviser")


def _routes():
    return [r for r in page_routes() if r.startswith(MINE)]


@pytest.fixture
def ctx(users, make_person):
    return SimpleNamespace(users=users, make_person=make_person, person=make_person(name="范围甲"))


def _answer(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response


def test_outsiders_are_refused_every_homes_page(ctx, client_for):
    routes = _routes()
    assert len(routes) >= 8
    for outsider in ("district_b", "street_b", "community_b"):
        client = client_for(ctx.users[outsider])
        for route in routes:
            url = "/" + fill(route, ctx, FACTORIES)
            response = _answer(client, url)
            if PARAM.search(route):
                assert response.status_code in (403, 404), (
                    f"{url} answered {response.status_code} to {outsider}"
                )
            else:
                assert response.status_code in (200, 302, 403, 404, 422), f"{url}: {response.status_code}"


def test_an_insider_succeeds_on_every_homes_page(ctx, client_for):
    clients = {name: client_for(ctx.users[name]) for name in INSIDERS}
    failures = []
    for route in _routes():
        url = "/" + fill(route, ctx, FACTORIES)
        answers = []
        for name in INSIDERS:
            code = _answer(clients[name], url).status_code
            answers.append((name, code))
            if code in _allowed(route):
                break
        else:
            failures.append(f"{route}: {answers}")
    assert not failures, "\n".join(failures)
