"""Reads of care at home's long-term-care (LTC) part. Names start with `ltc_` (the homes part has
homes_selectors.py)."""

import datetime
import enum
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.careathome import ltc_scoring
from carecircle.careathome.beds_selectors import home_bed_counts as home_bed_counts  # planning's figures
from carecircle.careathome.homes_selectors import paid_counts as adaptation_paid_counts  # noqa: F401 — E44
from carecircle.careathome.ltc_reference import SCALE_MISSING, parse_scale
from carecircle.careathome.models.ltc import LtcAssessment, LtcRules, LtcScaleTable, LtcStatus
from carecircle.careathome.types import LtcScale, LtcScore
from carecircle.core import regions, scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor


def city_of(region_code: str) -> str:
    """The 12-digit code of the city (地级市) a region lies in."""
    keep = regions.PREFIX_LENGTH[regions.CITY]
    return region_code[:keep] + "0" * (12 - keep)


def ltc_scale_or_none(city_code: str) -> LtcScale | None:
    row = LtcScaleTable.objects.filter(city_code=city_code).first()
    if row is None:
        return None
    return parse_scale(city_code=row.city_code, source=row.source, **row.data)


def ltc_scale(region_code: str) -> LtcScale:
    """The filled-in table of the region's city; `Conflict(SCALE_MISSING)` while it is empty."""
    found = ltc_scale_or_none(city_of(region_code))
    if found is None:
        raise Conflict(SCALE_MISSING)
    return found


def ltc_user_city(user: Actor, region_code: str = "") -> str:
    """The city a user scores in: the region asked (when it is within the user's regions), else
    the one city all of the user's regions lie in."""
    if region_code:
        if not regions.is_valid_code(region_code):
            raise InvalidInput(_("地区编码应为12位数字"), field="region_code")
        scope.require(user, "ltc.view", region_code)
        return city_of(region_code)
    cities = {city_of(code) for code in scope.region_codes(user, "ltc.view")}
    if not cities:
        scope.require_perm(user, "ltc.view")
    if len(cities) != 1:
        raise InvalidInput(_("您的管辖范围跨多个城市，请指明地区"), field="region_code")
    return cities.pop()


def ltc_score(*, user: Actor, answers: Any, region_code: str = "") -> LtcScore:
    """Score item answers against the user's city table without recording anything."""
    return ltc_scoring.score(ltc_scale(ltc_user_city(user, region_code)), answers)


RULES_MISSING = gettext_lazy(
    "本市尚未录入长期护理失能等级评估的时限与费用（受理、现场评估、公示期、有效期、评估费），"
    "暂不能办理评估；请市级管理员按本市文件录入"
)


def ltc_rules(region_code: str) -> LtcRules:
    """The periods and fees of the region's city; `Conflict(RULES_MISSING)` until entered."""
    found = LtcRules.objects.filter(city_code=city_of(region_code)).first()
    if found is None:
        raise Conflict(RULES_MISSING)
    return found


def ltc_assessment_get(*, user: Actor, assessment_id: int) -> LtcAssessment:
    return access_by_id(
        LtcAssessment.objects.select_related("person"), assessment_id, user=user, perm="ltc.view"
    )


def ltc_assessment_list(
    *, user: Actor, status: str = "", level: int | None = None
) -> QuerySet[LtcAssessment]:
    qs = scope.in_scope(LtcAssessment.objects.select_related("person"), user, "ltc.view")
    if status:
        qs = qs.filter(status=status)
    if level is not None:
        qs = qs.filter(level=level)
    return qs.order_by("-applied_on", "-pk")


class LtcAction(enum.StrEnum):
    ACCEPT = "accept"
    REFUSE = "refuse"
    RECORD = "record"
    OBJECT = "object"
    DELIVER = "deliver"


def ltc_actions(user: Actor, a: LtcAssessment, day: datetime.date | None = None) -> frozenset[LtcAction]:
    """What `user` may do with an assessment now (the pages' buttons; the services check the same)."""
    day = day or timezone.localdate()
    out: set[LtcAction] = set()
    decide = scope.has_perm(user, "ltc.decide", a.region_code)
    if a.status == LtcStatus.APPLIED and decide:
        out |= {LtcAction.ACCEPT, LtcAction.REFUSE}
    if a.status in (LtcStatus.ACCEPTED, LtcStatus.REVIEW) and scope.has_perm(
        user, "ltc.assess", a.region_code
    ):
        out.add(LtcAction.RECORD)
    if a.status == LtcStatus.NOTICE and a.notice_until is not None:
        if day <= a.notice_until and a.round == 1 and scope.has_perm(user, "ltc.apply", a.region_code):
            out.add(LtcAction.OBJECT)
        if day > a.notice_until and decide:
            out.add(LtcAction.DELIVER)
    return frozenset(out)


def ltc_current(person_id: int, day: datetime.date | None = None) -> LtcAssessment | None:
    """The person's delivered result holding on `day`."""
    day = day or timezone.localdate()
    return (
        LtcAssessment.objects.filter(
            person_id=person_id, status=LtcStatus.DELIVERED, delivered_on__lte=day, valid_until__gte=day
        )
        .order_by("-delivered_on")
        .first()
    )


def ltc_current_level(person_id: int, day: datetime.date | None = None) -> int | None:
    found = ltc_current(person_id, day)
    return None if found is None else found.level


def ltc_capability_level(person_id: int, region_code: str, day: datetime.date | None = None) -> int | None:
    """The GB/T 42195 capability level the person's current LTC result stands for, by the city's
    mapping (`LtcRules.capability_map`, entered from the city's rules); None without a result or a
    mapping, so that one assessment serves both 医保 and 民政 where the city has said how."""
    level = ltc_current_level(person_id, day)
    rules = LtcRules.objects.filter(city_code=city_of(region_code)).first()
    if level is None or rules is None:
        return None
    mapped = rules.capability_map.get(str(level))
    return mapped if isinstance(mapped, int) else None
