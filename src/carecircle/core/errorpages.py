"""The answers Django gives when a view did not answer: 400, 403, 404, 500 (handler400… in core/urls.py).

- The API (`/api/…`) answers JSON everywhere, like its own errors (core/api.py), never the HTML page.
- A database that is unreachable, or SQLite's write lock held beyond the busy timeout, is a 503
  with a plain message ("系统繁忙，请稍后重试"), not a 500.
- These handlers may run on a thread other than the one that served the request's start
  (Django renders an exception's response with `thread_sensitive=False` under ASGI), whose
  database connection nobody has checked: they check it first, so that after the database
  dropped its sessions a 404 is a 404 again and not a 500 until a restart.
"""

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from carecircle.core import dbguard
from carecircle.core.observability import current_request_id


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json(request: HttpRequest, status: int, code: str, message: str) -> JsonResponse:
    body = {"code": code, "message": message}
    rid = current_request_id()
    if rid:
        body["request_id"] = rid
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request: HttpRequest, exception: Exception, template_name: str = "400.html") -> HttpResponse:
    dbguard.check_connections()
    if _is_api(request):
        return _json(request, 400, "bad_request", _("请求无法处理"))
    return defaults.bad_request(request, exception)


def permission_denied(
    request: HttpRequest, exception: Exception, template_name: str = "403.html"
) -> HttpResponse:
    dbguard.check_connections()
    if _is_api(request):
        return _json(request, 403, "forbidden", _("您没有此项操作的权限"))
    return defaults.permission_denied(request, exception)


def page_not_found(
    request: HttpRequest, exception: Exception, template_name: str = "404.html"
) -> HttpResponse:
    dbguard.check_connections()
    if _is_api(request):
        return _json(request, 404, "not_found", _("未找到，或不在您的管辖范围内"))
    try:
        return defaults.page_not_found(request, exception)
    except Exception:  # noqa: BLE001 - the page needs the database; without it, a plain 404
        return _plain(request, 404, _("页面不存在"), _("未找到，或不在您的管辖范围内"))


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    dbguard.check_connections()
    exc = sys.exc_info()[1]
    cause = dbguard.database_cause(exc)
    if cause is not None:
        message = _("系统繁忙，请稍后重试") if dbguard.is_busy(cause) else _("数据库暂时无法连接，请稍后重试")
        if _is_api(request):
            return _json(request, 503, "unavailable", message)
        response = _plain(request, 503, _("暂时无法服务"), message)
        response["Retry-After"] = "10"
        return response
    if _is_api(request):
        return _json(request, 500, "server_error", _("服务器内部错误，已记入日志"))
    return _plain(request, 500, _("系统出错了"), None)


def _plain(request: HttpRequest, status: int, title: str, message: str | None) -> HttpResponse:
    """A page that needs nothing from the database (the console's base template does)."""
    html = render_to_string(
        "500.html", {"title": title, "message": message, "request_id": current_request_id()}
    )
    return HttpResponse(html, status=status)
