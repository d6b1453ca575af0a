"""Domain errors with a stable code, mapped to HTTP in one place (api.py, views)."""

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class DomainError(Exception):
    code = "error"
    status = 400
    default_message = _("请求无法处理")

    def __init__(
        self, message: "str | _StrPromise | None" = None, *, field: str | None = None, **details: Any
    ) -> None:
        self.message = message or self.default_message
        self.field = field
        self.details = details
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return body


class InvalidInput(DomainError):
    code = "invalid"
    status = 422
    default_message = _("输入有误")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("未找到，或不在您的管辖范围内")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    default_message = _("您没有此项操作的权限")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("与现有记录冲突")


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401
    default_message = _("请先登录")
