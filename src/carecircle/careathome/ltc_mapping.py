"""One assessment for both 民政 and 医保: the mapping between LTC disability levels (《长期护理失能等级评估
标准(试行)》, 医保办发〔2021〕37号) and GB/T 42195-2022 《老年人能力评估规范》 capability levels, so that
no one is assessed twice within the city's repeat period (a year by default) for the same purpose.

Source of the mapping: no national table reachable from here states how the two standards' levels
correspond (ltc_reference.py says why the LTC standard's own tables are a city fill-in too), so the
mapping is the city's table `LtcRules.capability_map`, entered from the city's own document (its
`LtcRules.source` is cited with every answer). While it is empty, there is no mapping: the answer
says so (`MAPPING_EMPTY`) and neither kind is derived from the other — never a guess.

- A new LTC application while a GB/T 42195 assessment of the last `repeat_months` is valid: refused,
  naming that assessment and its date, with the LTC level it stands for when the city's table maps
  exactly one LTC level to its capability level (answered from the mapping). With no table, or a
  capability level the table maps to several LTC levels (the LTC assessment tells them apart), the
  application goes ahead: the two assessments then serve different questions.
- A new GB/T 42195 request while a delivered LTC result of the last `repeat_months` holds:
  `capability_answer` gives the capability level from the table (or the clear message that there is
  no table / no row for that level), for the assessment module's request to answer from.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.careathome.ltc_scoring import LEVEL_NAMES
from carecircle.careathome.models.ltc import LtcAssessment, LtcRules, LtcStatus
from carecircle.careathome.selectors import city_of
from carecircle.core.months import add_months
from carecircle.registry.models import Person

MAPPING_EMPTY = gettext_lazy(
    "本市尚未录入长期护理失能等级与老年人能力等级（GB/T 42195）的对应表，两种评估结果不能互认；"
    "请按本市文件录入对应表（不作推测）"
)
GBT = "GB/T 42195-2022《老年人能力评估规范》"
DEFAULT_REPEAT_MONTHS = 12  # "no one is assessed twice in a year" while the city has entered no period


@dataclass(frozen=True)
class Crosswalk:
    """An existing assessment of the other kind and what the city's table makes of it."""

    existing: str  # "capability" (GB/T 42195) or "ltc"
    existing_on: datetime.date
    existing_level: str  # the level's name in its own standard
    mapped: int | None  # the level in the wanted standard, from the table; None: no mapping
    source: str  # the city's document the table comes from ("" without a table)
    message: str


def _rules(region_code: str) -> LtcRules | None:
    return LtcRules.objects.filter(city_code=city_of(region_code)).first()


def _table(rules: LtcRules | None) -> tuple[dict[int, int], str]:
    if rules is None or not rules.capability_map:
        return {}, ""
    table = {int(k): v for k, v in rules.capability_map.items() if isinstance(v, int) and str(k).isdigit()}
    return table, rules.source


def mapping(region_code: str) -> tuple[dict[int, int], str]:
    """The city's table {LTC level: capability level} and its source; ({}, "") while it is empty."""
    return _table(_rules(region_code))


def _repeat_months(rules: LtcRules | None) -> int:
    return rules.repeat_months if rules is not None else DEFAULT_REPEAT_MONTHS


def _capability_name(level: int) -> str:
    from carecircle.assessment.types import CapabilityLevel  # noqa: PLC0415 — the other module's level names

    return str(CapabilityLevel(level).label)


def ltc_answer(person: Person, day: datetime.date | None = None) -> Crosswalk | None:
    """For a new LTC application: the person's GB/T 42195 assessment valid on `day` and made within
    the repeat period, with the one LTC level the city's table gives for it (None when no table or
    not exactly one); None when there is no such assessment."""
    from carecircle.assessment.selectors import current_assessment  # noqa: PLC0415 — the other module's reads

    day = day or timezone.localdate()
    found = current_assessment(person, day)
    if found is None:
        return None
    rules = _rules(person.region_code)  # read once: the repeat period and the table
    months = _repeat_months(rules)
    if add_months(found.assessed_on, months) <= day:
        return None
    table, source = _table(rules)
    levels = sorted(lv for lv, cap in table.items() if cap == found.final_level)
    mapped = levels[0] if len(levels) == 1 else None
    name = _capability_name(found.final_level)
    base = _("该老人已于%(d)s完成老年人能力评估（%(g)s：%(n)s）") % {
        "d": found.assessed_on.isoformat(),
        "g": GBT,
        "n": name,
    }
    if not table:
        message = f"{base}；{MAPPING_EMPTY}"
    elif mapped is None:
        message = _("%(b)s；本市对应表（%(s)s）中该能力等级对应多个或没有长期护理失能等级，须另行评估") % {
            "b": base,
            "s": source,
        }
    else:
        message = _("%(b)s，按本市对应表（%(s)s）相当于长期护理%(l)s，%(u)s前同一目的不重复评估") % {
            "b": base,
            "s": source,
            "l": LEVEL_NAMES[mapped],
            "u": add_months(found.assessed_on, months).isoformat(),
        }
    return Crosswalk("capability", found.assessed_on, name, mapped, source, message)


def capability_answer(person: Person, day: datetime.date | None = None) -> Crosswalk | None:
    """For a new GB/T 42195 request: the person's delivered LTC result valid on `day` and delivered
    within the repeat period, with the capability level the city's table gives for it (None with the
    clear message when there is no table or no row for that level); None when there is no result."""
    day = day or timezone.localdate()
    found = (
        LtcAssessment.objects.filter(
            person=person, status=LtcStatus.DELIVERED, delivered_on__lte=day, valid_until__gte=day
        )
        .order_by("-delivered_on", "-id")
        .first()
    )
    if found is None or found.delivered_on is None or found.level is None:
        return None
    rules = _rules(person.region_code)  # read once: the repeat period and the table
    months = _repeat_months(rules)
    if add_months(found.delivered_on, months) <= day:
        return None
    table, source = _table(rules)
    mapped = table.get(found.level)
    name = LEVEL_NAMES[found.level]
    base = _("该老人已于%(d)s取得长期护理失能等级评估结果（%(n)s）") % {
        "d": found.delivered_on.isoformat(),
        "n": name,
    }
    if not table:
        message = f"{base}；{MAPPING_EMPTY}"
    elif mapped is None:
        message = _("%(b)s；本市对应表（%(s)s）未列该等级，须另行评估") % {"b": base, "s": source}
    else:
        message = _("%(b)s，按本市对应表（%(s)s）相当于老年人能力等级“%(c)s”，%(u)s前同一目的不重复评估") % {
            "b": base,
            "s": source,
            "c": _capability_name(mapped),
            "u": add_months(found.delivered_on, months).isoformat(),
        }
    return Crosswalk("ltc", found.delivered_on, name, mapped, source, message)
