"""How pages write money and payment periods.

{% load carecircle_format %}
{{ amount|money }}            ¥5,550,400.00, and a debit −¥1,200.00 (a true minus sign)
{{ balance|money:"credit" }}  an account whose balance is a credit (the ledger's 预算拨入, kept
                              negative by double entry) read as the amount it holds: ¥5,550,400.00
{{ amount|money:"abs" }}      no sign: for a page that puts debits in a column of their own
{{ payment.period|period }}   2026-03 → 2026年3月, 2026 → 2026年, once → 一次性
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()

CENT = Decimal("0.01")
MINUS = "\u2212"  # the minus sign, not the hyphen


@register.filter
def money(value: Any, how: str = "") -> str:
    """Yuan with thousands separators and two places; "—" for no value; a value that is not a
    number is shown as it is."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    if how == "credit":
        amount = -amount
    elif how == "abs":
        amount = abs(amount)
    sign = MINUS if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def period(value: Any) -> str:
    """A payment period key (engine.period_key: YYYY-MM, YYYY or "once") in words."""
    text = str(value or "")
    if text == "once":
        return _("一次性")
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return _("%(y)s年%(m)d月") % {"y": text[:4], "m": int(text[5:])}
    if len(text) == 4 and text.isdigit():
        return _("%(y)s年") % {"y": text}
    return text or "—"
