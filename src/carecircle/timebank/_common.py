"""What the time bank's services share (private)."""

from typing import Any

from django.utils.translation import gettext as _

from carecircle.core.errors import Forbidden, InvalidInput
from carecircle.core.types import Actor, signed_in


def _user(actor: Actor) -> Any:
    if not signed_in(actor):
        raise Forbidden(_("请先登录"))
    return actor


def _token(token: str) -> str:
    token = (token or "").strip()
    if not token or len(token) > 64:
        raise InvalidInput(_("表单已过期，请刷新页面后重试"), field="token")
    return token
