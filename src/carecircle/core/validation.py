"""Validation errors of the API's schemas (pydantic), said in the user's language with the field."""

from django.utils.translation import gettext as _

_MESSAGES = {
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


def problem(err: dict) -> dict:
    """{"field": "price", "message": "不能大于 999999.99"} for one pydantic error."""
    loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload", "form")]
    describe = _MESSAGES.get(err.get("type", ""))
    return {"field": ".".join(loc), "message": describe(err.get("ctx") or {}) if describe else _("取值无效")}


def summary(problems: list[dict]) -> str:
    """One sentence naming every field and what is wrong with it."""
    parts = [f"{p['field']} {p['message']}" if p["field"] else p["message"] for p in problems[:5]]
    more = _("等 %(n)s 处") % {"n": len(problems)} if len(problems) > 5 else ""
    return _("输入有误：%(f)s") % {"f": "；".join(parts) + more}
