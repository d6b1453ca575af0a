"""Resident identity numbers (GB 11643-1999): format, check digit, birth date, sex.

python-stdnum's `cn.ric` checks the check digit and the birth date. Its `validate` also insists
that the place code already existed in the person's birth year, which real numbers of older
people break (cards were issued from 1984 on, with the codes of that time, to people born long
before); so the place code is accepted when stdnum knows it at any time, or when it is a district
of our own region table.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from carecircle.core.errors import InvalidInput


@dataclass(frozen=True)
class Identity:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"


def _known_place(code6: str, extra_places: frozenset[str] | set[str] = frozenset()) -> bool:
    if code6 in extra_places:
        return True
    info = {k: v for _part, props in numdb.get("cn/loc").info(code6) for k, v in props.items()}
    return "county" in info


def parse_id_number(raw, *, today: datetime.date | None = None, extra_places=frozenset()) -> Identity:
    """Validate an ID number and derive birth date and sex; raise InvalidInput saying why."""
    number = ric.compact(str(raw or "")).upper()
    if len(number) != 18:
        raise InvalidInput(_("身份证号应为18位，当前为%(n)d位") % {"n": len(number)}, field="id_number")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidInput(_("身份证号只能由数字和末位X组成"), field="id_number")
    try:
        birth = ric.get_birth_date(number)
    except StdnumError:
        raise InvalidInput(
            _("身份证号中的出生日期不存在：%(d)s") % {"d": number[6:14]}, field="id_number"
        ) from None
    today = today or timezone.localdate()
    if birth > today or birth.year < 1880:
        raise InvalidInput(
            _("身份证号中的出生日期不可能：%(d)s") % {"d": birth.isoformat()}, field="id_number"
        )
    if number[17] != ric.calc_check_digit(number):
        raise InvalidInput(_("身份证号校验位错误"), field="id_number")
    if not _known_place(number[:6], extra_places):
        raise InvalidInput(
            _("身份证号前6位不是有效的行政区划代码：%(c)s") % {"c": number[:6]}, field="id_number"
        )
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return Identity(number=number, birth_date=birth, sex=sex)


def with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")  # stdnum expects a placeholder check digit
