"""Walk every API endpoint and every staff page as users of another region (西山区) and expect
403 or 404 for data of 东湖区: scope is enforced in one place, and this test proves it."""

import importlib
import pkgutil
import re
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import tests
from carecircle.core.api import api

PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
# Pages and endpoints that are public or about the signed-in user's own account (no region data).
OPEN_PATHS = {
    "", "accounts/login/", "accounts/otp/", "accounts/logout/", "accounts/", "accounts/totp/",
    "healthz", "api/v1/auth/token", "api/v1/me", "api/v1/openapi.json", "api/v1/docs",
    "map/",  # the public facility map; the staff pages below /map/ are walked
}
NON_DATA_PARAMS = {"fmt"}  # a path parameter that picks a format, not a record
OPEN_PREFIXES = ("admin/", "lang/", "static/", "api/v1/public/", "api/v1/docs")


def factories() -> dict:
    found = {}
    for info in pkgutil.iter_modules(tests.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{info.name}.scope_factories")
        except ModuleNotFoundError:
            continue
        found.update(module.FACTORIES)
    return found


def core_factories():
    def person_id(ctx):
        return ctx.person.pk

    def status_id(ctx):
        import datetime

        from carecircle.core.errors import Conflict
        from carecircle.registry.models import PersonStatus
        from carecircle.registry.services import status_add

        try:
            return status_add(actor=ctx.users["admin"], person=ctx.person, kind="dibao",
                              valid_from=datetime.date(2025, 1, 1), source="测试").pk
        except Conflict:  # the walk called it before for this person: the same open record
            return PersonStatus.objects.filter(person=ctx.person, kind="dibao", valid_to__isnull=True).get().pk

    def job_id(ctx):
        from carecircle.registry.models import ImportJob

        return ImportJob.objects.create(file_name="a.csv", stored_path="/nonexistent", created_by=ctx.users["street"],
                                        region_code="339901001000").pk

    def token_id(ctx):
        from carecircle.core.services import token_create

        return token_create(user=ctx.users["street"], name="x")[0].pk

    return {"person_id": person_id, "status_id": status_id, "job_id": job_id, "token_id": token_id,
            "code": lambda ctx: "339901001001", "fmt": lambda ctx: "csv"}


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def page_routes():
    for route, _pattern in walk(get_resolver().url_patterns):
        route = route.lstrip("^").rstrip("$")
        if route.startswith("api/") or route in OPEN_PATHS or route.startswith(OPEN_PREFIXES):
            continue
        yield route


def api_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        route = path.removeprefix("/")
        if route in OPEN_PATHS or route.startswith(OPEN_PREFIXES):
            continue
        for method, operation in methods.items():
            yield method.upper(), path, sample_body(schema, operation)


def sample_body(schema, operation):
    """A body that passes validation, made from the operation's OpenAPI schema, so that the call
    reaches the scope check instead of stopping at a 422."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    return sample_value(schema, content["application/json"]["schema"])


def sample_value(schema, node, depth=0):
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return sample_value(schema, schema["components"]["schemas"][name], depth + 1)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in node:
            options = [o for o in node[key] if o.get("type") != "null"] or node[key]
            return sample_value(schema, options[0], depth + 1)
    if "enum" in node:
        return node["enum"][0]
    if "default" in node and node["default"] is not None:
        return node["default"]
    kind = node.get("type")
    fmt = node.get("format", "")
    if kind == "object" or "properties" in node:
        return {k: sample_value(schema, v, depth + 1) for k, v in node.get("properties", {}).items()
                if k in node.get("required", []) and depth < 6}
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, node.get("minimum", 1))
    if kind == "number":
        return node.get("minimum", 1.0)
    if kind == "boolean":
        return False
    if fmt == "date":
        return "2026-01-01"
    if fmt == "date-time":
        return "2026-01-01T08:00:00+08:00"
    return "测试"


def fill(route: str, ctx, makers) -> str:
    def sub(m):
        name = m.group("name")
        if name not in makers:
            pytest.fail(f"no scope factory for path parameter '{name}' in {route}: add it to tests/<module>/scope_factories.py")
        return str(makers[name](ctx))

    route = PARAM.sub(sub, route)
    return re.sub(r"\{(\w+)\}", lambda m: sub(SimpleNamespace(group=lambda k, n=m.group(1): n)), route)


@pytest.fixture
def ctx(users, make_person):
    return SimpleNamespace(users=users, make_person=make_person, person=make_person())


OUTSIDERS = ["district_b", "street_b", "community_b"]


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
                assert ctx.person.name not in response.content.decode(), f"{url} shows a person of another region"
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
            assert response.status_code in (403, 404), f"{method} {url} answered {response.status_code} to {outsider}: {response.content[:300]}"
        else:
            assert response.status_code in (200, 201, 202, 400, 403, 404, 405, 409, 422), f"{method} {url}: {response.status_code}"
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
            assert AuditEvent.objects.filter(user=user, region_code=code, action__startswith="region.").exists()
            written += 1
        else:
            assert (stored.name if stored else None) == (city[code].name if code in city else None), \
                f"{who} wrote {code} outside their scope"
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
        RoleGrant.objects.bulk_create([
            RoleGrant(user=user, role=Role.PROVIDER_ADMIN, region_id="339901000000", organisation_kind=kind,
                      organisation_id=pk)
            for pk in model.objects.values_list("pk", flat=True) for kind in holds_kinds if (kind, pk) not in have
        ])

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
            assert response.status_code in (403, 404), f"{url} answered {response.status_code} to the wrong kind"
        else:
            # 422: an empty form shown again with its errors (docs/directory-guide.md, "Writing a page")
            assert response.status_code in (200, 302, 403, 404, 405, 422), f"{url}: {response.status_code}"
            if response.status_code in (200, 422):
                assert ctx.person.name not in response.content.decode(), f"{url} shows another organisation's data"
        checked += 1
    for method, path, body in api_operations():
        if not path.removeprefix("/").startswith(prefixes):
            continue
        url = fill(path, ctx, makers)
        call = getattr(client, method.lower())
        response = call(url, data=body, content_type="application/json") if body is not None else call(url)
        if "{" in path:
            assert response.status_code in (403, 404), f"{method} {url} answered {response.status_code} to the wrong kind"
        elif response.status_code == 200:
            assert ctx.person.name not in response.content.decode(), f"{method} {url} leaks another organisation's data"
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
    RoleGrant.objects.create(user=user, role="provider_admin", region_id="339901000000",
                             organisation_kind=OrganisationKind.HOMECARE_PROVIDER, organisation_id=order.provider_id)
    RoleGrant.objects.create(user=user, role="provider_admin", region_id="339901000000",
                             organisation_kind=OrganisationKind.FACILITY_OPERATOR, organisation_id=facility.operator_id)
    client = client_for(user)
    assert client.get(f"/homecare/orders/{order.pk}/").status_code == 200
    assert client.get(f"/api/v1/homecare/orders/{order.pk}").status_code == 200
    assert client.get(f"/map/facilities/{facility.pk}/").status_code == 200
    assert client.get(f"/api/v1/facilities/{facility.pk}").status_code == 200


# ---------------------------------------------------------------- insiders (issue 15, item 6)

# Users of region A (东湖区), tried in this order; a route passes when one of them, holding the
# permission it needs, succeeds. The provider admin holds every home care provider and facility
# operator the factories make (its organisation grants are synced after each factory call).
INSIDERS = ["street", "district", "community", "admin", "operator", "inspector", "provider", "caregiver"]
SUCCESS = {200, 201, 202, 204, 302, 303}
# Routes whose answer to the walk's input is not a success, and why. Each is the answer the route is
# designed to give to what the walk sends (an empty form, a sample JSON body of the schema's first
# values such as "测试", or a record just made by the factory); anything else — above all a 403/404 to
# every insider — fails the walk. Keys: page route (as in urls.py) or "METHOD /api/path".
NOT_SUCCESS = {
    # an empty form or the schema's sample body is shown again / refused with its field errors (422)
    **{r: {422} for r in [
        "carevisits/rules/generate/", "homecare/orders/<int:order_id>/cancel/",
        "homecare/orders/<int:order_id>/reschedule/", "homecare/orders/<int:order_id>/reassign/",
        "homecare/orders/<int:order_id>/rate/", "homecare/orders/<int:order_id>/decline/",
        "homecare/exceptions/<int:exception_id>/review/", "childcare/enrolments/<int:enrolment_id>/move/",
        "planning/region/<str:code>/values/", "planning/region/<str:code>/targets/",
        "planning/region/<str:code>/targets/adopt/", "planning/coverage/run/",
        "planning/coverage/<int:coverage_run_id>/siting/", "workforce/new/",
        "workforce/<int:caregiver_id>/certificates/",
        # the empty check-in/out form on an order with no caregiver yet: shown again on the order page
        # (it crashed with a 500 before: homecare/views.py:_act took the caregiver's visits page)
        "homecare/orders/<int:order_id>/check-in/", "homecare/orders/<int:order_id>/check-out/",
    ]},
    # an upload: the walk sends no file, and the file is required (422 naming it)
    "POST /api/v1/imports": {422},
    # the factory's payroll is not yet approved: no bank file and no payment before approval (409)
    "benefits/payrolls/<int:payroll_id>/bank-file.<str:fmt>": {409},
    "GET /api/v1/benefits/payrolls/{payroll_id}/bank-file": {409},
    "POST /api/v1/benefits/payrolls/{payroll_id}/paid": {409},
    # the factory's order is accepted already when made with a provider that takes it (409)
    "homecare/orders/<int:order_id>/accept/": {409},
    "POST /api/v1/homecare/orders/{order_id}/accept": {409},
    "POST /api/v1/homecare/orders/{order_id}/decline": {409},
    # the factory's check has no finding that needs a referral (409)
    "POST /api/v1/screenings/checks/{check_id}/referral": {409},
    # a device's own endpoints: only a device token may call them, never a staff user (403)
    "POST /api/v1/alarms": {403}, "POST /api/v1/devices/heartbeat": {403},
    # the sample body names an indicator / a decision "测试" that does not exist (404 for that name)
    "POST /api/v1/indicators/values": {404}, "POST /api/v1/indicators/targets": {404},
    "POST /api/v1/indicators/snapshots": {404}, "POST /api/v1/benefits/appeals": {404},
}
# Routes that only the resident who ordered, or the caregiver assigned to the visit, may use; the
# walk's factories make neither (an order with no caregiver, no resident account), so every staff
# insider is refused. They are listed so that the gap is visible, not silently accepted.
NOT_WALKED_AS_INSIDER = {
    "homecare/orders/<int:order_id>/complain/": "the resident of the order only",
    "homecare/orders/<int:order_id>/address/": "the assigned caregiver only; the factory's order has none",
    "homecare/visits/": "a caregiver's own visits; the walk's caregiver user has no caregiver record",
    "POST /api/v1/homecare/orders/{order_id}/reassign": "the provider's dispatcher with a caregiver to name",
    "POST /api/v1/homecare/orders/{order_id}/check-in": "the assigned caregiver only",
    "POST /api/v1/homecare/orders/{order_id}/check-out": "the assigned caregiver only",
    "GET /api/v1/homecare/orders/{order_id}/address": "the assigned caregiver only",
    "POST /api/v1/homecare/orders/{order_id}/rating": "the resident of the order only",
    "POST /api/v1/homecare/orders/{order_id}/complaints": "the resident of the order only",
}


def _insider_makers(ctx):
    """The scope factories, each followed by granting the provider admin every organisation made."""
    from carecircle.core import scope
    from carecircle.core.models import RoleGrant
    from carecircle.core.organisations import OrganisationKind
    from carecircle.facilities.models import Operator
    from carecircle.homecare.models import Provider

    user = ctx.users["provider"]
    RoleGrant.objects.filter(user=user).delete()

    def sync():
        have = set(RoleGrant.objects.filter(user=user).values_list("organisation_kind", "organisation_id"))
        held = [(OrganisationKind.HOMECARE_PROVIDER, pk) for pk in Provider.objects.values_list("pk", flat=True)]
        held += [(OrganisationKind.FACILITY_OPERATOR, pk) for pk in Operator.objects.values_list("pk", flat=True)]
        RoleGrant.objects.bulk_create([
            RoleGrant(user=user, role="provider_admin", region_id="339901000000", organisation_kind=kind,
                      organisation_id=pk) for kind, pk in held if (kind, pk) not in have])
        scope.forget(user)

    sync()

    def synced(make):
        def run(c):
            value = make(c)
            sync()
            return value
        return run

    return {name: synced(make) for name, make in (core_factories() | factories()).items()}


def _insider_verdict(key, answers) -> str | None:
    """None when the route answered an insider as it should, else what went wrong."""
    if key in NOT_WALKED_AS_INSIDER:
        return None
    allowed = SUCCESS | NOT_SUCCESS.get(key, set())
    if any(code in allowed for _user, code in answers):
        return None
    return f"{key}: no insider succeeded: {answers}"


def test_every_page_succeeds_for_an_insider(ctx, client_for):
    """Every page the outsider walk is refused opens (or does its action) for a user of region A who
    holds the permission: a route or factory that always answers 403/404 fails here."""
    makers = _insider_makers(ctx)
    clients = {name: client_for(ctx.users[name]) for name in INSIDERS}
    failures, checked = [], 0
    for route in page_routes():
        url = "/" + fill(route, ctx, makers)
        answers = []
        for name in INSIDERS:
            response = clients[name].get(url)
            if response.status_code == 405:
                response = clients[name].post(url, {})
            answers.append((name, response.status_code))
            if response.status_code in SUCCESS | NOT_SUCCESS.get(route, set()):
                break
        if problem := _insider_verdict(route, answers):
            failures.append(problem)
        checked += 1
    assert not failures, "\n".join(failures)
    assert checked >= 50


def test_every_api_operation_succeeds_for_an_insider(ctx, client_for):
    """Every API operation answers a user of region A holding its permission with success, or with the
    validation error its sample body earns (422: the record was found and the scope check passed)."""
    from carecircle.core.services import token_create

    makers = _insider_makers(ctx)
    clients = {name: client_for(ctx.users[name]) for name in INSIDERS}
    headers = {name: {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=ctx.users[name], name='walk')[1]}"}
               for name in INSIDERS}
    failures, checked = [], 0
    for method, path, body in api_operations():
        key = f"{method} {path}"
        url = fill(path, ctx, makers)
        if isinstance(body, dict):  # ids in the body name records of region A too (not the sample's 1)
            body = {k: makers[k](ctx) if k.endswith("_id") and k in makers else v for k, v in body.items()}
        answers = []
        allowed = SUCCESS | NOT_SUCCESS.get(key, set()) | ({422} if body is not None or method == "GET" else set())
        for name in INSIDERS:
            call = getattr(clients[name], method.lower())
            if body is not None:
                response = call(url, data=body, content_type="application/json", **headers[name])
            else:
                response = call(url, **headers[name])
            answers.append((name, response.status_code))
            if response.status_code in allowed:
                break
        if key not in NOT_WALKED_AS_INSIDER and not any(code in allowed for _n, code in answers):
            failures.append(f"{key}: no insider succeeded: {answers}")
        checked += 1
    assert not failures, "\n".join(failures)
    assert checked >= 50
