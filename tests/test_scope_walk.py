"""Walk every API endpoint and every staff page as users of another region (西山区) and expect
403 or 404 for data of 东湖区: scope is enforced in one place, and this test proves it. The walk
itself (routes, factories, sample bodies) is tests/scopewalk.py; the insiders' side of the same walk
is tests/test_scope_walk_insider.py."""

import io
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from tests.scopewalk import (
    NON_DATA_PARAMS,
    PARAM,
    api_operations,
    core_factories,
    factories,
    fill,
    page_routes,
)


@pytest.fixture
def ctx(users, make_person):
    return SimpleNamespace(users=users, make_person=make_person, person=make_person())


OUTSIDERS = ["district_b", "street_b", "community_b"]


def _shown(response) -> str:
    """What a page shows, as text; of an .xlsx download (a zip file), the text of its cells."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml"):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
        )
    return response.content.decode()


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_every_page_refuses_other_region(ctx, client_for, outsider):
    makers = core_factories() | factories()
    client = client_for(ctx.users[outsider])
    checked = 0
    for route in page_routes():
        url = "/" + fill(route, ctx, makers)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        if {m.group("name") for m in PARAM.finditer(route)} - NON_DATA_PARAMS:
            assert response.status_code in (403, 404), f"{url} answered {response.status_code} to {outsider}"
        else:
            # List pages may open, but must not show region A's data.
            # 422: an empty form shown again with its errors (docs/directory-guide.md, "Writing a page")
            assert response.status_code in (200, 302, 403, 404, 405, 422), f"{url}: {response.status_code}"
            if response.status_code in (200, 422):
                assert ctx.person.name not in _shown(response), f"{url} shows a person of another region"
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_every_api_endpoint_refuses_other_region(ctx, client_for, outsider):
    makers = core_factories() | factories()
    client = client_for(ctx.users[outsider])
    from carecircle.core.services import token_create

    _t, plain = token_create(user=ctx.users[outsider], name="walk")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    checked = 0
    for method, path, body in api_operations():
        url = fill(path, ctx, makers)
        call = getattr(client, method.lower())
        if body is not None:
            response = call(url, data=body, content_type="application/json", **headers)
        else:
            response = call(url, **headers)
        if "{" in path:
            assert response.status_code in (403, 404), (
                f"{method} {url} answered {response.status_code} to {outsider}: {response.content[:300]}"
            )
        else:
            assert response.status_code in (200, 201, 202, 400, 403, 404, 405, 409, 422), (
                f"{method} {url}: {response.status_code}"
            )
            if response.status_code == 200:
                assert ctx.person.name not in response.content.decode(), f"{method} {url} leaks region A data"
        checked += 1
    assert checked >= 8


def test_walk_reaches_data_for_insiders(ctx, client_for):
    """The same person page opens for a user of region A: the walk's 404s are scope, not broken URLs."""
    response = client_for(ctx.users["street"]).get(f"/people/{ctx.person.pk}/")
    assert response.status_code == 200
    response = client_for(ctx.users["street"]).get(f"/api/v1/persons/{ctx.person.pk}")
    assert response.status_code == 200


# ---------------------------------------------------------------- region imports (issue 13, High 3)


def _region_rows(city) -> list[tuple[str, str]]:
    """A row renaming every region of the city, and one new community under every street."""
    rows = [(code, f"{region.name}·改") for code, region in city.items()]
    rows += [(code[:9] + "099", "新增社区") for code, region in city.items() if region.level == 4]
    return rows


@pytest.mark.parametrize("who", ["admin", "district", "district_b", "street", "community_b", "provider"])
def test_region_import_writes_only_inside_the_importers_scope(city, users, client_for, who):
    """Every user imports a table touching every region of the city through the regions page: a row
    is written only when its code (for a new code, its parent) lies inside the importer's
    `region.manage` grants; without that permission the upload is refused as a whole."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from carecircle.core import regions, scope
    from carecircle.core.models import AuditEvent, Region

    user = users[who]
    rows = _region_rows(city)
    text = "区划代码,名称\n" + "".join(f"{code},{name}\n" for code, name in rows)
    upload = SimpleUploadedFile("walk.csv", text.encode("utf-8"), content_type="text/csv")
    response = client_for(user).post("/regions/", {"file": upload})
    if not scope.has_perm(user, "region.manage"):
        assert response.status_code == 403
        assert {r.code: r.name for r in Region.objects.all()} == {c: r.name for c, r in city.items()}
        return
    assert response.status_code == 200
    written = 0
    for code, name in rows:
        target = code if code in city else regions.parent_code_of(code)
        inside = scope.has_perm(user, "region.manage", target)
        stored = Region.objects.filter(code=code).first()
        if inside:
            assert stored is not None and stored.name == name, f"{who} could not write {code}"
            assert AuditEvent.objects.filter(
                user=user, region_code=code, action__startswith="region."
            ).exists()
            written += 1
        else:
            assert (stored.name if stored else None) == (city[code].name if code in city else None), (
                f"{who} wrote {code} outside their scope"
            )
    assert written >= 1  # the walk's refusals are scope, not a broken import


# ---------------------------------------------------------------- organisation kinds (issue 13, High 5)

# Page and API prefixes whose data belongs to one kind of organisation.
HOMECARE_ROUTES = ("homecare/", "workforce/", "api/v1/homecare", "api/v1/workforce")
OPERATOR_ROUTES = ("map/", "childcare/", "api/v1/facilities", "api/v1/childcare")


def _wrong_kind_outsider(ctx, holds_kinds, model):
    """A provider admin of 东湖区 — the region of the walk's data — who acts, for every id that `model`
    holds, for an organisation of the other kind(s) with that same id: only the kind separates them."""
    from carecircle.core.models import RoleGrant
    from carecircle.core.roles import Role
    from tests.conftest import make_user

    user = make_user(f"wrongkind{model._meta.model_name}", Role.PROVIDER_ADMIN, "339901000000")
    RoleGrant.objects.filter(user=user).delete()

    def sync():
        have = set(RoleGrant.objects.filter(user=user).values_list("organisation_kind", "organisation_id"))
        RoleGrant.objects.bulk_create(
            [
                RoleGrant(
                    user=user,
                    role=Role.PROVIDER_ADMIN,
                    region_id="339901000000",
                    organisation_kind=kind,
                    organisation_id=pk,
                )
                for pk in model.objects.values_list("pk", flat=True)
                for kind in holds_kinds
                if (kind, pk) not in have
            ]
        )

    return user, sync


def _kind_walk(ctx, client_for, holds_kinds, model, prefixes):
    makers = core_factories() | factories()
    user, sync = _wrong_kind_outsider(ctx, holds_kinds, model)

    def synced(make):
        def run(c):
            value = make(c)
            sync()  # every organisation the factory made now has a same-id twin of the other kind
            return value

        return run

    makers = {name: synced(make) for name, make in makers.items()}
    client = client_for(user)
    checked = 0
    for route in page_routes():
        if not route.startswith(prefixes):
            continue
        url = "/" + fill(route, ctx, makers)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        if {m.group("name") for m in PARAM.finditer(route)} - NON_DATA_PARAMS:
            assert response.status_code in (403, 404), (
                f"{url} answered {response.status_code} to the wrong kind"
            )
        else:
            # 422: an empty form shown again with its errors (docs/directory-guide.md, "Writing a page")
            assert response.status_code in (200, 302, 403, 404, 405, 422), f"{url}: {response.status_code}"
            if response.status_code in (200, 422):
                assert ctx.person.name not in response.content.decode(), (
                    f"{url} shows another organisation's data"
                )
        checked += 1
    for method, path, body in api_operations():
        if not path.removeprefix("/").startswith(prefixes):
            continue
        url = fill(path, ctx, makers)
        call = getattr(client, method.lower())
        response = call(url, data=body, content_type="application/json") if body is not None else call(url)
        if "{" in path:
            assert response.status_code in (403, 404), (
                f"{method} {url} answered {response.status_code} to the wrong kind"
            )
        elif response.status_code == 200:
            assert ctx.person.name not in response.content.decode(), (
                f"{method} {url} leaks another organisation's data"
            )
        checked += 1
    return checked


def test_facility_operators_reach_no_home_care_provider_with_their_id(ctx, client_for):
    from carecircle.core.organisations import OPERATOR_KINDS
    from carecircle.homecare.models import Provider

    assert _kind_walk(ctx, client_for, sorted(OPERATOR_KINDS), Provider, HOMECARE_ROUTES) >= 10


def test_home_care_providers_reach_no_facility_operator_with_their_id(ctx, client_for):
    from carecircle.core.organisations import OrganisationKind
    from carecircle.facilities.models import Operator

    assert _kind_walk(ctx, client_for, [OrganisationKind.HOMECARE_PROVIDER], Operator, OPERATOR_ROUTES) >= 10


def test_walk_reaches_data_for_organisation_insiders(ctx, client_for):
    """The right kind with the same id opens what the wrong kind is refused: the refusals are the kind."""
    from carecircle.core.models import RoleGrant
    from carecircle.core.organisations import OrganisationKind
    from tests.facilities.scope_factories import make_filing
    from tests.homecare.scope_factories import _order

    order = _order(ctx)
    facility = make_filing(ctx).facility
    user = ctx.users["provider"]
    RoleGrant.objects.filter(user=user).delete()
    RoleGrant.objects.create(
        user=user,
        role="provider_admin",
        region_id="339901000000",
        organisation_kind=OrganisationKind.HOMECARE_PROVIDER,
        organisation_id=order.provider_id,
    )
    RoleGrant.objects.create(
        user=user,
        role="provider_admin",
        region_id="339901000000",
        organisation_kind=OrganisationKind.FACILITY_OPERATOR,
        organisation_id=facility.operator_id,
    )
    client = client_for(user)
    assert client.get(f"/homecare/orders/{order.pk}/").status_code == 200
    assert client.get(f"/api/v1/homecare/orders/{order.pk}").status_code == 200
    assert client.get(f"/map/facilities/{facility.pk}/").status_code == 200
    assert client.get(f"/api/v1/facilities/{facility.pk}").status_code == 200
