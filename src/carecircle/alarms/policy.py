"""The call centre's rules as data: which Policy row applies to a region, and an incident's priority
from the alarm type and the person's situation (registry statuses, capability level)."""

import datetime
import logging
import time
from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from carecircle.alarms.models import AlarmKind, Policy, Source
from carecircle.registry import selectors as registry_selectors
from carecircle.registry.models import Person, StatusKind

log = logging.getLogger("carecircle.alarms")

# Defaults used where a Policy row leaves a key out. Scores 0–100, higher is more urgent.
DEFAULT_KIND_PRIORITY = {
    "fall": 75,
    "sos": 70,
    "smoke": 80,
    "gas": 80,
    "heart_rate": 65,
    "bed_exit": 50,
    "water": 40,
    "tamper": 30,
    "door": 20,
    "motion": 10,
    "low_battery": 15,
    "phone": 60,
    "offline": 30,
    "inactivity": 55,
}
# Capability levels of GB/T 42195-2022, 0–4.
LEVEL_NAMES = (_l("能力完好"), _l("轻度失能"), _l("中度失能"), _l("重度失能"), _l("完全失能"))
DEFAULT_PERSON_BONUS = {"disabled": 15, "living_alone": 10, "severe_disability": 10, "age80": 5, "tekun": 5}


_cache: dict[str, tuple[float, Policy]] = {}
CACHE_SECONDS = 5.0


def policy_for(region_code: str) -> Policy:
    """The Policy whose prefix is the longest one matching `region_code` (an unsaved default if none).
    Cached for a few seconds per region: the delivery worker asks for every alarm."""
    hit = _cache.get(region_code)
    now = time.monotonic()
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    policy = _policy_lookup(region_code)
    _cache[region_code] = (now, policy)
    return policy


def clear_cache() -> None:
    _cache.clear()


def answer_targets(policy: Policy) -> tuple[tuple[int, float], ...]:
    """THE answer-time targets, (seconds, share %) pairs from the shortest limit: what the
    supervisor's page, the wallboard, the monthly report and the staffing calculator hold calls to.
    Settings of the region's Policy (admin: 呼叫规则); 98.5 % within 60 s and 99 % within 180 s
    where no row says otherwise."""
    pairs = {
        policy.answer_target_seconds: policy.answer_target_percent,
        policy.answer_target2_seconds: policy.answer_target2_percent,
    }
    return tuple(sorted((int(s), float(p)) for s, p in pairs.items()))


def centre_policy(prefixes: list[str]) -> Policy:
    """The Policy of a centre that watches over the regions `prefixes` (a user's scope): the one of
    their longest common prefix (one district → that district's row; the city → the city's)."""
    common = prefixes[0] if prefixes else ""
    for p in prefixes[1:]:
        while not p.startswith(common):
            common = common[:-1]
    return policy_for(common)


def _policy_lookup(region_code: str) -> Policy:
    candidates = [region_code[:n] for n in range(len(region_code), -1, -1)]
    rows = {p.region_prefix: p for p in Policy.objects.filter(region_prefix__in=candidates)}
    for c in candidates:
        if c in rows:
            return rows[c]
    return Policy(region_prefix="")


def capability_levels(person_ids, day: datetime.date) -> dict[int, int] | None:
    """The current capability level of many persons in one query (the delivery's batches), for
    `priority_of(levels=…)`; persons without a valid assessment are left out. None without the
    assessment module."""
    try:
        from carecircle.assessment.selectors import level_subquery  # noqa: PLC0415 — an optional library: absent is handled here
    except ImportError:
        return None
    return dict(
        Person.objects.filter(pk__in=person_ids)
        .annotate(level=level_subquery(day))
        .filter(level__isnull=False)
        .values_list("pk", "level")
    )


def capability_level(person: Person, day: datetime.date, levels: Mapping[int, int | None] | None = None):
    """(level number or None, label): the person's current capability level from the assessment
    module, if that module exists; from `levels` when the caller looked them up for many persons."""
    if levels is None:
        try:
            from carecircle.assessment.selectors import current_level  # noqa: PLC0415 — an optional library: absent is handled here
        except ImportError:
            return None, ""
        levels = {person.pk: current_level(person, day)}
    level = levels.get(person.pk)
    if level is None:
        return None, ""
    return level, str(LEVEL_NAMES[level]) if 0 <= level < len(LEVEL_NAMES) else ""


def person_factors(person: Person, day: datetime.date, levels: dict[int, int] | None = None) -> dict:
    """What about the person raises an incident's priority, with labels for the operator."""
    kinds = {s.kind for s in registry_selectors.statuses_on(person, day)}
    level, level_label = capability_level(person, day, levels)
    factors = {}
    if StatusKind.LIVING_ALONE in kinds:
        factors["living_alone"] = _("独居")
    if StatusKind.SEVERE_DISABILITY in kinds:
        factors["severe_disability"] = _("重度残疾")
    if StatusKind.TEKUN in kinds:
        factors["tekun"] = _("特困")
    least = registry_selectors.population_group("disabled").min_level()  # registry/groups.py: 失能
    if level is not None and least is not None and level >= least:
        factors["disabled"] = level_label or _("失能（等级%(n)s）") % {"n": level}
    if registry_selectors.person_age(person, day) >= 80:
        factors["age80"] = _("高龄")
    return factors


def kind_label(kind: str) -> str:
    if kind in AlarmKind.values:
        return str(AlarmKind(kind).label)
    return str(Source(kind).label) if kind in Source.values else kind


def priority_of(
    kind: str, person: Person, policy: Policy, day: datetime.date, levels: dict[int, int] | None = None
) -> tuple[int, list[str]]:
    kind_scores = DEFAULT_KIND_PRIORITY | (policy.kind_priority or {})
    bonus = DEFAULT_PERSON_BONUS | (policy.person_bonus or {})
    score = int(kind_scores.get(kind, 50))
    reasons = [f"{kind_label(kind)} {score}"]
    for key, label in person_factors(person, day, levels).items():
        add = int(bonus.get(key, 0))
        if add:
            score += add
            reasons.append(f"{label}+{add}")
    return max(0, min(100, score)), reasons
