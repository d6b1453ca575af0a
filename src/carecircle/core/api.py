"""The JSON API at /api/v1/: one NinjaAPI, a router per module, errors mapped here only."""

import json
from typing import Any

from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from carecircle.core import plugins, selectors, services, signin, validation
from carecircle.core.errors import DomainError
from carecircle.core.limits import Count, Limit
from carecircle.core.models import User
from carecircle.core.selectors import AuditRow, MeRow, RegionRow
from carecircle.core.types import AuthedRequest, Viewer


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = services.token_user(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> "Viewer | None":  # noqa: ARG002 — ninja's APIKeyCookie signature

        # Only a session the sign-in service made, all the way in (password and second factor).
        if signin.status(request) == signin.OK:
            return request.user
        return None


api = NinjaAPI(
    title="CareCircle API",
    version="1",
    description="一老一小服务平台接口",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(DataError)
def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """A value the database refused (a text longer than its column, a number out of its type): the
    caller's input, not an outage; the write's transaction rolled back."""
    return api.create_response(
        request, {"code": "invalid", "message": validation.data_error_message(exc)}, status=422
    )


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = [validation.problem(err) for err in exc.errors]
    return api.create_response(
        request,
        {"code": "invalid", "message": validation.summary(problems), "errors": problems},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:  # noqa: ARG001 — ninja's exception-handler signature
    return api.create_response(
        request, {"code": "unauthenticated", "message": _("请先登录或提供有效令牌")}, status=401
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:  # noqa: ARG001 — ninja's exception-handler signature
    return api.create_response(
        request, {"code": "not_found", "message": _("未找到，或不在您的管辖范围内")}, status=404
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if exc.status_code == 400 and isinstance(cause, json.JSONDecodeError):  # ninja could not parse the body
        message = _("请求内容不是有效的 JSON：第%(line)s行第%(col)s列") % {
            "line": cause.lineno,
            "col": cause.colno,
        }
        return api.create_response(
            request, {"code": "invalid", "field": "body", "message": message}, status=400
        )
    return api.create_response(request, {"code": "error", "message": str(exc)}, status=exc.status_code)


# ------------------------------------------------------------------ core endpoints

core_router = Router(tags=["core"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""
    name: str = "api"


class TokenOut(Schema):
    token: str
    expires_at: str | None


@core_router.post("/auth/token", auth=None, response=TokenOut)
def token_obtain(request: HttpRequest, payload: TokenIn) -> dict[str, str | None]:
    token, plain = services.token_obtain(
        username=payload.username,
        password=payload.password,
        otp=payload.otp,
        name=payload.name,
        request=request,
    )
    return {"token": plain, "expires_at": token.expires_at.isoformat() if token.expires_at else None}


class GrantOut(Schema):
    role: str
    role_name: str
    region_code: str
    region_name: str


class MeOut(Schema):
    username: str
    display_name: str
    grants: list[GrantOut]


@core_router.get("/me", response=MeOut)
def me(request: AuthedRequest) -> MeRow:
    return selectors.me(user=request.user)


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None
    latitude: float | None
    longitude: float | None


@core_router.get("/regions", response=list[RegionOut])
def region_list(request: AuthedRequest, parent: str = "", level: Count | None = None) -> list[RegionRow]:
    return selectors.region_list(user=request.user, parent=parent, level=level)


@core_router.get("/regions/{code}", response=RegionOut)
def region_detail(request: AuthedRequest, code: str) -> RegionRow:
    return selectors.region_get(user=request.user, code=code)


class AuditOut(Schema):
    id: int
    at: str
    username: str
    action: str
    object_type: str
    object_id: str
    region_code: str
    purpose: str
    ip: str | None
    detail: dict[str, Any]


@core_router.get("/audit", response=list[AuditOut])
def audit_search(
    request: AuthedRequest,
    action: str = "",
    object_id: str = "",
    username: str = "",
    limit: Limit = 100,
) -> list[AuditRow]:
    rows = selectors.audit_search(user=request.user, action=action, object_id=object_id, username=username)
    return [selectors.audit_row(e) for e in rows[: max(1, min(limit, 1000))]]


api.add_router("/", core_router)
for module in plugins.optional_submodules("api"):
    if module.__name__ != __name__ and hasattr(module, "router"):
        api.add_router("/", module.router)
