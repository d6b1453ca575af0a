"""Validation errors of the API's schemas (pydantic), said in the user's language with the field."""

import json
import re
from collections.abc import Callable
from typing import Any, TypedDict

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _

from carecircle.core.types import GetResponse


class Problem(TypedDict):
    field: str  # the dotted place in the input ("items.0.price"); "" for the input as a whole
    message: str


# A pydantic error's type -> its message, built from the error's context (`ctx`: the bound broken).
_MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda c: _("必填"),
    "less_than_equal": lambda c: _("不能大于 %(v)s") % {"v": c.get("le")},
    "greater_than_equal": lambda c: _("不能小于 %(v)s") % {"v": c.get("ge")},
    "less_than": lambda c: _("应小于 %(v)s") % {"v": c.get("lt")},
    "greater_than": lambda c: _("应大于 %(v)s") % {"v": c.get("gt")},
    "int_parsing": lambda c: _("应为整数"),
    "int_type": lambda c: _("应为整数"),
    "int_from_float": lambda c: _("应为整数"),
    "float_parsing": lambda c: _("应为数字"),
    "float_type": lambda c: _("应为数字"),
    "finite_number": lambda c: _("应为有限的数字"),
    "decimal_parsing": lambda c: _("应为数字"),
    "decimal_type": lambda c: _("应为数字"),
    "decimal_max_places": lambda c: _("最多 %(v)s 位小数") % {"v": c.get("decimal_places")},
    "decimal_max_digits": lambda c: _("数字位数过多（最多 %(v)s 位）") % {"v": c.get("max_digits")},
    "decimal_whole_digits": lambda c: _("整数部分位数过多"),
    "string_type": lambda c: _("应为文本"),
    "string_too_long": lambda c: _("过长（最多 %(v)s 个字符）") % {"v": c.get("max_length")},
    "string_too_short": lambda c: _("过短（至少 %(v)s 个字符）") % {"v": c.get("min_length")},
    "bool_parsing": lambda c: _("应为 true 或 false"),
    "bool_type": lambda c: _("应为 true 或 false"),
    "date_parsing": lambda c: _("日期格式应为 2026-01-01"),
    "date_from_datetime_parsing": lambda c: _("日期格式应为 2026-01-01"),
    "date_type": lambda c: _("日期格式应为 2026-01-01"),
    "datetime_parsing": lambda c: _("时间格式应为 2026-01-01T08:00:00+08:00"),
    "datetime_from_date_parsing": lambda c: _("时间格式应为 2026-01-01T08:00:00+08:00"),
    "datetime_type": lambda c: _("时间格式应为 2026-01-01T08:00:00+08:00"),
    "list_type": lambda c: _("应为列表"),
    "dict_type": lambda c: _("应为对象"),
    "model_attributes_type": lambda c: _("应为对象"),
    "literal_error": lambda c: _("取值无效"),
    "enum": lambda c: _("取值无效"),
}


def problem(err: dict[str, Any]) -> Problem:
    """{"field": "price", "message": "不能大于 999999.99"} for one pydantic error."""
    loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload", "form")]
    describe = _MESSAGES.get(err.get("type", ""))
    return {"field": ".".join(loc), "message": describe(err.get("ctx") or {}) if describe else _("取值无效")}


def summary(problems: list[Problem]) -> str:
    """One sentence naming every field and what is wrong with it."""
    parts = [f"{p['field']} {p['message']}" if p["field"] else p["message"] for p in problems[:5]]
    more = _("等 %(n)s 处") % {"n": len(problems)} if len(problems) > 5 else ""
    return _("输入有误：%(f)s") % {"f": "；".join(parts) + more}


NUL = "\x00"


def _nul_in(data: object, where: str = "") -> str | None:
    """The dotted place of the first string (or key) in parsed JSON that holds a NUL, or None."""
    if isinstance(data, str):
        return (where or "body") if NUL in data else None
    if isinstance(data, dict):
        for key, value in data.items():
            place = f"{where}.{key}" if where else str(key)
            if NUL in str(key):
                return place
            found = _nul_in(value, place)
            if found:
                return found
    if isinstance(data, list):
        for i, value in enumerate(data):
            found = _nul_in(value, f"{where}.{i}" if where else str(i))
            if found:
                return found
    return None


def _nul_field(request: HttpRequest) -> str | None:
    if NUL in request.path:
        return "path"
    for name, value in request.COOKIES.items():
        if NUL in name or NUL in value:
            return name
    sources = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sources.append(request.POST)
    for source in sources:
        for name, values in source.lists():
            if NUL in name or any(NUL in v for v in values):
                return name
    if request.content_type == "application/json" and request.body:
        try:
            return _nul_in(json.loads(request.body))
        except ValueError:
            return None  # not JSON: the API says so itself
    return None


class NulCharacterMiddleware:
    """Text with a NUL character (U+0000) is refused before anything reads it: PostgreSQL cannot store
    or even compare it (a search with one answered 5xx), and nothing a person types holds one. Path,
    query, form fields, JSON bodies and cookies are checked; the answer names where it was, 422 for
    the API and 400 for pages, on both database engines alike."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        where = _nul_field(request)
        if where is None:
            return self.get_response(request)
        message = _("%(f)s 含有不允许的空字符（NUL）") % {"f": where}
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"code": "invalid", "field": where, "message": message},
                status=422,
                json_dumps_params={"ensure_ascii": False},
            )
        else:
            response = HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = "no-store, private"  # answered before NoStoreMiddleware
        return response


def data_error_message(exc: Exception) -> str:
    """What the database refused about a value (PostgreSQL checks a column's width and a number's
    range when writing; SQLite does not), said for the user: the write was rolled back whole."""
    text = str(exc)
    width = re.search(r"character varying\((\d+)\)", text)
    if width:
        return _("输入有误：某项文字过长（该项最多 %(n)s 个字符），未保存") % {"n": width.group(1)}
    if "out of range" in text or "overflow" in text:
        return _("输入有误：某项数字超出允许范围，未保存")
    return _("输入有误：某项内容数据库无法保存，未保存")
