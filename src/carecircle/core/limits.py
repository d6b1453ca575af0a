"""What the platform accepts, defined once: money, coordinates, years, paging, ids, uploads.

The API's schemas use the Annotated types below (the bounds appear in the OpenAPI document and a
value outside them is a 422 naming the field); services call the check_* functions, so that forms,
imports and the command line meet the same bounds as the API."""

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, SupportsFloat, SupportsIndex

from django.conf import settings
from django.utils.translation import gettext as _
from pydantic import Field
from pydantic.fields import FieldInfo

from carecircle.core.errors import InvalidInput

# Money: yuan with 2 places, never more than the platform maximum; a column narrower than that
# (max_digits) lowers the bound for its own field (money_max), so a stored amount always reads back.
MONEY_MAX = Decimal("999999999.99")
MONEY_PLACES = 2


def money_max(max_digits: int | None = None) -> Decimal:
    """The largest amount a money field of `max_digits` digits (2 of them decimals) may hold."""
    if max_digits is None:
        return MONEY_MAX
    return min(MONEY_MAX, Decimal(10) ** (max_digits - MONEY_PLACES) - Decimal("0.01"))


# China's extent (Zengmu Ansha to Mohe; Pamirs to the Heilong–Wusuli confluence), with a margin.
LATITUDE_MIN, LATITUDE_MAX = 3.0, 54.0
LONGITUDE_MIN, LONGITUDE_MAX = 73.0, 136.0

YEAR_MIN, YEAR_MAX = 1900, 2100
ID_MAX = 2**63 - 1  # a bigint primary key
OFFSET_MAX = 10_000_000  # more than any list holds
COUNT_MAX = 1_000_000  # beds, places, staff, minutes, seconds…: anything counted in one record


def upload_max_bytes() -> int:
    return settings.CARECIRCLE_UPLOAD_MAX_BYTES


def upload_max_rows() -> int:
    return settings.CARECIRCLE_UPLOAD_MAX_ROWS


def upload_max_unpacked_bytes() -> int:
    return settings.CARECIRCLE_UPLOAD_MAX_UNPACKED_BYTES


def upload_max_ratio() -> int:
    return settings.CARECIRCLE_UPLOAD_MAX_RATIO


# ---------------------------------------------------------------- API types (pydantic)


def money_bounds(max_digits: int) -> FieldInfo:
    """The bounds of an API amount stored in a money column of `max_digits` (core.fields.money_field):
    0 to the column's maximum, 2 places. Use as `Annotated[Decimal, money_bounds(digits)]`."""
    bounds: FieldInfo = Field(ge=0, le=money_max(max_digits), decimal_places=MONEY_PLACES)
    return bounds


Money = Annotated[Decimal, Field(ge=0, le=MONEY_MAX, decimal_places=MONEY_PLACES)]
Latitude = Annotated[float, Field(ge=LATITUDE_MIN, le=LATITUDE_MAX)]
Longitude = Annotated[float, Field(ge=LONGITUDE_MIN, le=LONGITUDE_MAX)]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
Month = Annotated[int, Field(ge=1, le=12)]
Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Offset = Annotated[int, Field(ge=0, le=OFFSET_MAX)]
Limit = Annotated[int, Field(ge=1, le=10_000)]
Count = Annotated[int, Field(ge=0, le=COUNT_MAX)]
Quantity = Annotated[float, Field(ge=-1e12, le=1e12)]  # a measured or counted value (indicators)


# ---------------------------------------------------------------- checks for services, forms, imports


def _label(field: str) -> str:
    """The field's name as the user knows it (the error's `field` stays the API's name)."""
    labels = {
        "latitude": _("纬度"),
        "longitude": _("经度"),
        "price": _("价格"),
        "amount": _("金额"),
        "cap": _("封顶金额"),
        "monthly_fee": _("月收费"),
        "childcare_fee_monthly": _("普惠托位月收费"),
        "year": _("年份"),
    }
    return labels.get(field.rsplit(".", 1)[-1], field)


def check_money(
    value: object,
    field: str,
    *,
    max_digits: int | None = None,
    allow_negative: bool = False,
    allow_zero: bool = True,
) -> Decimal | None:
    """A money amount as Decimal rounded to 2 places, within the platform maximum (or the column's,
    `max_digits`, when narrower); None stays None."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            _("%(f)s不是有效的金额：%(v)s") % {"f": _label(field), "v": str(value)[:40]}, field=field
        ) from None
    if not amount.is_finite():
        raise InvalidInput(
            _("%(f)s不是有效的金额：%(v)s") % {"f": _label(field), "v": str(value)[:40]}, field=field
        )
    if amount < 0 and not allow_negative:
        raise InvalidInput(_("%(f)s不能为负") % {"f": _label(field)}, field=field)
    if amount == 0 and not allow_zero:
        raise InvalidInput(_("%(f)s须大于零") % {"f": _label(field)}, field=field)
    if abs(amount) > money_max(max_digits):
        raise InvalidInput(
            _("%(f)s超出金额上限 %(hi)s 元") % {"f": _label(field), "hi": money_max(max_digits)}, field=field
        )
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _check_range(value: object, field: str, low: float, high: float, what: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, (str, bytes, SupportsFloat, SupportsIndex)):
            raise TypeError  # what float() refuses (a list, a dict): the same message as text
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("%(f)s不是数字：%(v)s") % {"f": _label(field), "v": str(value)[:40]}, field=field
        ) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise InvalidInput(
            _("%(f)s超出%(w)s范围（%(lo)s 至 %(hi)s）：%(v)s")
            % {"f": _label(field), "w": what, "lo": low, "hi": high, "v": str(value)[:40]},
            field=field,
        )
    return number


def check_latitude(value: object, field: str = "latitude") -> float | None:
    return _check_range(value, field, LATITUDE_MIN, LATITUDE_MAX, _("中国境内的纬度"))


def check_longitude(value: object, field: str = "longitude") -> float | None:
    return _check_range(value, field, LONGITUDE_MIN, LONGITUDE_MAX, _("中国境内的经度"))


def check_coordinates(
    latitude: object, longitude: object, *, fields: tuple[str, str] = ("latitude", "longitude")
) -> tuple[float | None, float | None]:
    """A position inside China's bounds, or none at all (both empty)."""
    return check_latitude(latitude, fields[0]), check_longitude(longitude, fields[1])


def check_year(value: object, field: str = "year") -> int:
    if not isinstance(value, int) or not YEAR_MIN <= value <= YEAR_MAX:
        raise InvalidInput(
            _("%(f)s应为 %(lo)s 至 %(hi)s 之间的年份") % {"f": _label(field), "lo": YEAR_MIN, "hi": YEAR_MAX},
            field=field,
        )
    return value


def parse_id(value: object, field: str) -> int:
    """A record number typed into a page's form: a whole number within a key's range; anything
    else (empty, text, 20 digits) is InvalidInput naming the field, not a server error."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(_("%(f)s应为编号（整数）") % {"f": _label(field)}, field=field) from None
    if not 1 <= number <= ID_MAX:
        raise InvalidInput(_("%(f)s超出编号范围") % {"f": _label(field)}, field=field)
    return number


def check_count(value: object, field: str, *, low: int = 0, high: int = COUNT_MAX) -> int:
    if not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            _("%(f)s应为 %(lo)s 至 %(hi)s 之间的整数") % {"f": _label(field), "lo": low, "hi": high},
            field=field,
        )
    return value
