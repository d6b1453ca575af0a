"""The scope walk of tests/test_scope_walk.py restricted to this module's pages and endpoints
(so that it runs fast and on its own), plus the module's own visibility rules."""

from types import SimpleNamespace

import pytest

from tests.benefits import scope_factories
from tests.scopewalk import api_operations, core_factories, fill, page_routes


@pytest.fixture
def ctx(users, make_person):
    return SimpleNamespace(users=users, make_person=make_person, person=make_person(name="范围甲"))


@pytest.mark.parametrize("outsider", ["community_b"])
def test_benefits_pages_and_api_refuse_other_region(ctx, client_for, outsider):
    makers = core_factories() | scope_factories.FACTORIES
    client = client_for(ctx.users[outsider])
    checked = 0
    for route in page_routes():
        if not route.startswith("benefits/"):
            continue
        url = "/" + fill(route, ctx, makers)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        if "<" in route:
            assert response.status_code in (403, 404), f"{url} answered {response.status_code}"
        else:
            assert response.status_code in (200, 302, 403), url
            assert "范围甲" not in response.content.decode()
        checked += 1
    for method, path, body in api_operations():
        if not path.startswith("/api/v1/benefits"):
            continue
        url = fill(path, ctx, makers)
        call = getattr(client, method.lower())
        response = call(url, data=body, content_type="application/json") if body is not None else call(url)
        if "{" in path:
            assert response.status_code in (403, 404), f"{method} {url}: {response.status_code}"
        else:
            assert response.status_code in (200, 201, 400, 403, 404, 409, 422), (
                f"{method} {url}: {response.status_code}"
            )
            assert "范围甲" not in response.content.decode()
        checked += 1
    assert checked >= 20
