"""The 12-digit statistical division code: 省2 市2 县2 乡镇3 村居3.

An ancestor's significant prefix is a prefix of its descendants' codes, so "everything in this
street" is `region_code LIKE '330106005%'` on an indexed column.
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=Model)

PROVINCE, CITY, DISTRICT, STREET, COMMUNITY = 1, 2, 3, 4, 5
LEVEL_NAMES = {
    PROVINCE: _("省"),
    CITY: _("市"),
    DISTRICT: _("区县"),
    STREET: _("街道乡镇"),
    COMMUNITY: _("社区村"),
}
# Length of the significant prefix at each level.
PREFIX_LENGTH = {PROVINCE: 2, CITY: 4, DISTRICT: 6, STREET: 9, COMMUNITY: 12}


def is_valid_code(code: str) -> bool:
    return isinstance(code, str) and len(code) == 12 and code.isdigit() and code[:2] != "00"


def level_of(code: str) -> int:
    if code[2:] == "0" * 10:
        return PROVINCE
    if code[4:] == "0" * 8:
        return CITY
    if code[6:] == "0" * 6:
        return DISTRICT
    if code[9:] == "000":
        return STREET
    return COMMUNITY


def prefix_of(code: str) -> str:
    return code[: PREFIX_LENGTH[level_of(code)]]


def district_of(code: str) -> str:
    """The 12-digit code of the district (区县) a code lies in: 330106005001 -> 330106000000
    (a district's 6-digit prefix gives the same: 330106 -> 330106000000)."""
    return code[: PREFIX_LENGTH[DISTRICT]] + "0" * (12 - PREFIX_LENGTH[DISTRICT])


def parent_code_of(code: str) -> str | None:
    level = level_of(code)
    if level == PROVINCE:
        return None
    keep = PREFIX_LENGTH[level - 1]
    return code[:keep] + "0" * (12 - keep)


def chain(code: str) -> list[str]:
    """The code and the codes of every region above it, most specific first."""
    out: list[str] = []
    current: str | None = code
    while current:
        out.append(current)
        current = parent_code_of(current)
    return out


def contains(ancestor: str, code: str) -> bool:
    return code.startswith(prefix_of(ancestor))


def common_ancestor(codes: Iterable[str]) -> str:
    """The code of the nearest region containing every code of `codes` ("" when there are none)."""
    found = list(codes)
    if not found:
        return ""
    lo, hi = min(found), max(found)
    n = 0
    while n < 12 and lo[n] == hi[n]:
        n += 1
    keep = max((length for length in PREFIX_LENGTH.values() if length <= n), default=0)
    return lo[:keep] + "0" * (12 - keep) if keep else ""


def grouped_under(
    qs: QuerySet[M], prefixes: Iterable[str], field: str = "region_code"
) -> list[QuerySet[Any, Any]]:
    """`qs` narrowed to the rows under `prefixes`, one queryset per prefix length, each annotated
    `under` (the row's code cut to that length, i.e. the prefix it lies under): group with
    `.values("under").annotate(...)` for a figure per prefix in one query per length, however many
    prefixes (a region and all its children are two lengths, so two queries)."""
    by_length: dict[int, list[str]] = {}
    for p in prefixes:
        by_length.setdefault(len(p), []).append(p)
    out: list[QuerySet[Any, Any]] = []
    for n, ps in sorted(by_length.items()):
        lo, hi = min(ps), max(ps)
        shared = next((lo[:i] for i in range(n) if lo[i] != hi[i]), lo)
        out.append(
            qs.filter(**{f"{field}__startswith": shared})
            .annotate(under=Substr(field, 1, n))
            .filter(under__in=ps)
            .order_by()
        )
    return out
