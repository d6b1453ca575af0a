"""What the benefits services share: the actor check, money and region-code input (private to the
module: services.py is its public surface)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from carecircle.core import regions, scope
from carecircle.core.errors import InvalidInput
from carecircle.core.limits import check_money

CENT = Decimal("0.01")


def _actor_ok(actor, perm: str, region_code: str) -> None:
    """System runs (actor None: the command line, periodic tasks) act for the whole city."""
    if actor is not None:
        scope.require(actor, perm, region_code)


def _money(value, field: str, *, allow_zero=True) -> Decimal:
    amount = check_money(value, field, allow_zero=allow_zero)  # 14-digit columns: the platform maximum
    if amount is None:
        raise InvalidInput(_("请填写金额"), field=field)
    return amount


def _region(code: str, field: str = "region_code") -> str:
    code = (code or "").strip()
    if not regions.is_valid_code(code):
        raise InvalidInput(_("区划代码应为12位数字：%(c)s") % {"c": code}, field=field)
    return code
