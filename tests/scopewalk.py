"""The scope walk's machinery, shared by tests/test_scope_walk.py (outsiders are refused) and
tests/test_scope_walk_insider.py (insiders succeed): every page route and API operation, a factory
for each path parameter (tests/<module>/scope_factories.py) and a valid sample body per operation."""

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
    "",
    "accounts/login/",
    "accounts/otp/",
    "accounts/logout/",
    "accounts/",
    "accounts/totp/",
    "accounts/totp/begin/",
    "accounts/totp/confirm/",
    "accounts/totp/disable/",
    "accounts/tokens/new/",
    "healthz",
    "api/v1/auth/token",
    "api/v1/me",
    "api/v1/openapi.json",
    "api/v1/docs",
    "map/",  # the public facility map; the staff pages below /map/ are walked
    "portal/elder/",  # the 长辈模式 switch: a display preference, for anyone (the sign-in page has it)
}
NON_DATA_PARAMS = {"fmt"}  # a path parameter that picks a format, not a record
# planning/tiles/: the basemap's tiles, public (streets, water, outlines; planning/basemap.py)
# oversight/public/: the published draws (一公开), no personal data beyond inspectors' names
# portal/public/: the residents' public pages (facility finder, allowance policies), no personal data
OPEN_PREFIXES = (
    "admin/",
    "lang/",
    "static/",
    "api/v1/public/",
    "api/v1/docs",
    "planning/tiles/",
    "oversight/public/",
    "portal/public/",
)


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
            return status_add(
                actor=ctx.users["admin"],
                person=ctx.person,
                kind="dibao",
                valid_from=datetime.date(2025, 1, 1),
                source="测试",
            ).pk
        except Conflict:  # the walk called it before for this person: the same open record
            return (
                PersonStatus.objects.filter(person=ctx.person, kind="dibao", valid_to__isnull=True).get().pk
            )

    def job_id(ctx):
        from carecircle.registry.models import ImportJob

        return ImportJob.objects.create(
            file_name="a.csv",
            stored_path="/nonexistent",
            created_by=ctx.users["street"],
            region_code="339901001000",
        ).pk

    def token_id(ctx):
        from carecircle.core.services import token_create

        return token_create(user=ctx.users["street"], name="x")[0].pk

    return {
        "person_id": person_id,
        "status_id": status_id,
        "job_id": job_id,
        "token_id": token_id,
        "code": lambda ctx: "339901001001",
        "fmt": lambda ctx: "csv",
    }


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
        return {
            k: sample_value(schema, v, depth + 1)
            for k, v in node.get("properties", {}).items()
            if k in node.get("required", []) and depth < 6
        }
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
            pytest.fail(
                f"no scope factory for path parameter '{name}' in {route}: add it to tests/<module>/scope_factories.py"
            )
        return str(makers[name](ctx))

    route = PARAM.sub(sub, route)
    return re.sub(r"\{(\w+)\}", lambda m: sub(SimpleNamespace(group=lambda k, n=m.group(1): n)), route)


def insider_makers(ctx):
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
        held = [
            (OrganisationKind.HOMECARE_PROVIDER, pk) for pk in Provider.objects.values_list("pk", flat=True)
        ]
        held += [
            (OrganisationKind.FACILITY_OPERATOR, pk) for pk in Operator.objects.values_list("pk", flat=True)
        ]
        RoleGrant.objects.bulk_create(
            [
                RoleGrant(
                    user=user,
                    role="provider_admin",
                    region_id="339901000000",
                    organisation_kind=kind,
                    organisation_id=pk,
                )
                for kind, pk in held
                if (kind, pk) not in have
            ]
        )
        scope.forget(user)

    sync()

    def synced(make):
        def run(c):
            value = make(c)
            sync()
            return value

        return run

    return {name: synced(make) for name, make in (core_factories() | factories()).items()}
