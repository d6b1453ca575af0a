"""Checks of a person's fields that both the registry's services (forms, API) and the file import
(imports.py) apply, so that a row of a file and a form are refused for the same reasons. Below both:
imports.py no longer reaches into services.py for them (no circle between the two)."""

import datetime
from collections.abc import Collection

from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core.ages import age_on
from carecircle.core.errors import InvalidInput
from carecircle.core.models import Region
from carecircle.registry.groups import CHILD_IN_DIFFICULTY

# A child aged 3 to 17 is registered only while holding one of these statuses (困境儿童, 孤儿: the
# group's definition in registry/groups.py, Hangzhou 三(二)2); under 3 is the infant register.
CHILD_STATUSES = frozenset(s for c in CHILD_IN_DIFFICULTY.any_of for s in c.statuses)
CHILD_AGE_LIMIT: int = CHILD_IN_DIFFICULTY.under_age or 18  # 未满18周岁

PHONE_DIGITS = set("0123456789-+ ")


def district_places() -> frozenset[str]:
    """District codes of our own region table, accepted as ID-number place codes."""
    return frozenset(c[:6] for c in Region.objects.filter(level=3).values_list("code", flat=True))


def clean_phone(value: str, field: str = "phone") -> str:
    value = (value or "").strip()
    if value and (not set(value) <= PHONE_DIGITS or sum(ch.isdigit() for ch in value) < 7):
        raise InvalidInput(_("电话号码格式不正确：%(v)s") % {"v": value}, field=field)
    return value.replace(" ", "")


def check_registrable_age(
    birth_date: datetime.date, day: datetime.date | None = None, *, kinds: Collection[str] = ()
) -> None:
    """The registry holds older people (60+), infants (under 3) and, from 3 to 17, only children
    registered as 困境儿童 or 孤儿 (`kinds`: the statuses the registration gives them; Hangzhou 三(二)2)."""
    age = age_on(birth_date, day or timezone.localdate())
    if 3 <= age < CHILD_AGE_LIMIT and not CHILD_STATUSES & set(kinds):
        raise InvalidInput(
            _("3至17岁的儿童仅在登记为困境儿童或孤儿时录入（此人%(a)d岁）") % {"a": age}, field="id_number"
        )
    if CHILD_AGE_LIMIT <= age < 60:
        raise InvalidInput(
            _("仅登记60岁及以上老年人、3岁以下婴幼儿和18岁以下的困境儿童、孤儿（此人%(a)d岁）") % {"a": age},
            field="id_number",
        )


def registered_elsewhere_message() -> str:
    """What a caller learns about an ID number registered outside their scope: that it is, and whom
    to ask — never the name, internal number or region of that record (issue 13)."""
    return _("该身份证号已在其他地区登记（不在您的管辖范围内），请联系市级民政部门核实后办理迁入")
