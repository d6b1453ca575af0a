"""The scope walk over credit's pages alone (the full walk, tests/test_scope_walk*.py, covers them
too through tests/oversight/scope_factories.py): outsiders of 西山区 are refused, an insider of
东湖区 holding the permission succeeds."""

from types import SimpleNamespace

import pytest

from tests import test_scope_walk_insider as insider
from tests.scopewalk import core_factories, factories, fill, insider_makers, page_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(users, make_person):
    return SimpleNamespace(users=users, make_person=make_person, person=make_person())


def _credit_routes():
    return [r for r in page_routes() if "credit" in r]


def test_credit_routes_are_walked():
    assert len(_credit_routes()) == 6


@pytest.mark.parametrize("outsider", ["district_b", "street_b", "community_b"])
def test_outsiders_are_refused(ctx, client_for, outsider):
    makers = core_factories() | factories()
    client = client_for(ctx.users[outsider])
    for route in _credit_routes():
        url = "/" + fill(route, ctx, makers)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        if "<" in route:
            assert response.status_code in (403, 404), f"{url}: {response.status_code} to {outsider}"
        else:
            assert response.status_code in (200, 403)  # the list: open (empty) or not for this role


def test_an_insider_succeeds(ctx, client_for):
    makers = insider_makers(ctx)
    clients = {name: client_for(ctx.users[name]) for name in insider.INSIDERS}
    failures = []
    for route in _credit_routes():
        url = "/" + fill(route, ctx, makers)
        answers = []
        for name, client in clients.items():
            response = client.get(url)
            if response.status_code == 405:
                response = client.post(url, {})
            answers.append((name, response.status_code))
            if response.status_code in insider._allowed(route):
                break
        if problem := insider._insider_verdict(route, answers):
            failures.append(problem)
    assert not failures, "\n".join(failures)
