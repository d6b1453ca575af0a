"""Proactive wellbeing calls (主动关怀, issue 18 item 3): the rules' populations as SQL, the schedule
slots, the daily generation and the balanced assignment to operators.

A rule's population is read where the platform defines it: a population group through
`registry.selectors.population_q` (registry/groups.py), a registry status through `status_on` (held
on the day, older people only, not dead or moved away), "an incident lately" from this module's
incidents. Slots are counted from a Monday (`ANCHOR`), `every_days` long, so a weekly rule's slot is a
calendar week. Inside its slot a person's call falls on the day `person id mod every_days` (the week's
calls spread over its days), or on the day of generation when that day has passed (someone who
joined the population mid-week). The unique (rule, person, slot) constraint, an existence check
before inserting and `ignore_conflicts` make a second run, or two at once, create nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Mod
from django.utils import timezone

from carecircle.alarms.models import (
    OUTREACH_OPEN,
    Incident,
    Outcome,
    OutreachCall,
    OutreachCondition,
    OutreachRule,
    Source,
)
from carecircle.core import regions
from carecircle.core.models import RoleGrant
from carecircle.core.roles import Role
from carecircle.registry import selectors as registry_selectors
from carecircle.registry.models import Person, StatusKind

ANCHOR = datetime.date(2024, 1, 1)  # a Monday: weekly slots are calendar weeks
BATCH = 2000

# Incidents that say something about the person (not a device's own trouble).
_TELLING_SOURCES = (Source.DEVICE, Source.PHONE, Source.INACTIVITY)

DEFAULT_SCRIPT_ALONE = (
    "您好，{name}，我是社区养老服务呼叫中心的关怀专员。最近身体怎么样？吃饭、睡觉都好吗？"
    "家里有没有什么需要帮忙的？有事随时按呼叫器或拨打我们的电话。"
)
DEFAULT_SCRIPT_INCIDENT = (
    "您好，{name}，我是呼叫中心的关怀专员。前几天您那里有过一次报警，今天回访一下：现在身体还好吗？"
    "有没有不舒服、需要家属或社区上门看看的？"
)

# fmt: off
# (code, name, condition, value, every_days, max_calls, lookback_days, note, script)
DEFAULT_RULES: tuple[tuple[str, str, str, str, int, int | None, int, str, str], ...] = (
    ("living-alone-weekly", "独居老人每周问候", OutreachCondition.STATUS, StatusKind.LIVING_ALONE, 7, None, 14,
     "Hangzhou 三(一)5 老年人居家呼叫服务；Yizhou 四(三) 精神慰藉", DEFAULT_SCRIPT_ALONE),
    ("after-incident-daily", "警情后连续三日回访", OutreachCondition.INCIDENT, "", 1, 3, 14,
     "接警处置后回访：近14天内有警情者每日一次，共三次", DEFAULT_SCRIPT_INCIDENT),
)
# fmt: on


def ensure_rules(rule_model: Any = OutreachRule) -> int:
    """Create the default rules that are missing (the migration passes its historical model); a rule
    changed by its users is left as it is. Returns how many were created."""
    created = 0
    for code, name, condition, value, every, max_calls, lookback, note, script in DEFAULT_RULES:
        _rule, made = rule_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "condition": condition,
                "value": value,
                "every_days": every,
                "max_calls": max_calls,
                "lookback_days": lookback,
                "note": note,
                "script": script,
            },
        )
        created += int(made)
    return created


def slot_start(day: datetime.date, every_days: int) -> datetime.date:
    """The first day of the slot of `every_days` days holding `day`."""
    return day - datetime.timedelta(days=(day - ANCHOR).days % every_days)


def due_at(day: datetime.date, hour: int) -> datetime.datetime:
    """`hour` o'clock (local time) of `day`; 24 is the day's end."""
    base = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(hours=hour)
    return timezone.make_aware(base)


def _telling_incidents() -> QuerySet[Incident]:
    return Incident.objects.filter(source__in=_TELLING_SOURCES).exclude(outcome=Outcome.DEVICE_FAULT)


def population_q(rule: OutreachRule, day: datetime.date) -> Q:
    """For a Person queryset: the persons `rule` calls on `day`."""
    if rule.condition == OutreachCondition.GROUP:
        return registry_selectors.population_q(rule.value, day)
    elder = registry_selectors.population_q("elder", day)  # 60+, not dead or moved away
    if rule.condition == OutreachCondition.STATUS:
        return elder & registry_selectors.status_on(rule.value, day)
    since = due_at(day - datetime.timedelta(days=rule.lookback_days), 0)
    return elder & Q(
        Exists(
            _telling_incidents().filter(
                person=OuterRef("pk"), opened_at__gte=since, opened_at__lt=due_at(day, 0)
            )
        )
    )


@dataclass(frozen=True)
class Generated:
    day: datetime.date
    created: int
    assigned: int


def generate(day: datetime.date, region_prefix: str = "") -> Generated:
    """Create `day`'s calls of every active rule under `region_prefix`, then assign the day's
    unassigned calls. Running it again for the same day creates and reassigns nothing."""
    created = 0
    rules = OutreachRule.objects.filter(active=True).order_by("code")
    for rule in rules:
        if (
            region_prefix
            and rule.region_prefix
            and not (
                rule.region_prefix.startswith(region_prefix) or region_prefix.startswith(rule.region_prefix)
            )
        ):
            continue
        created += _generate_rule(rule, day, region_prefix)
    return Generated(day=day, created=created, assigned=assign(day, region_prefix))


def _generate_rule(rule: OutreachRule, day: datetime.date, region_prefix: str) -> int:
    start = slot_start(day, rule.every_days)
    offset = (day - start).days
    prefix = max(region_prefix, rule.region_prefix, key=len)
    people = (
        Person.objects.filter(region_code__startswith=prefix)
        .filter(population_q(rule, day))
        .annotate(offset=Mod("pk", rule.every_days))
        .filter(offset__lte=offset)
        .exclude(Exists(OutreachCall.objects.filter(rule=rule, person=OuterRef("pk"), slot_start=start)))
    )
    rows = list(people.values_list("pk", "region_code"))
    if rule.max_calls is not None and rows:
        rows = _within_limit(rule, day, rows)
    if not rows:
        return 0
    due = due_at(day, rule.due_hour)
    same_slot = OutreachCall.objects.filter(rule=rule, slot_start=start)
    before = same_slot.count()
    calls = [
        OutreachCall(
            rule=rule, person_id=pk, region_code=code, slot_start=start, scheduled_for=day, due_at=due
        )
        for pk, code in rows
    ]
    for i in range(0, len(calls), BATCH):
        OutreachCall.objects.bulk_create(calls[i : i + BATCH], ignore_conflicts=True)
    return same_slot.count() - before  # what was really inserted (a concurrent run's rows aside)


def _within_limit(
    rule: OutreachRule, day: datetime.date, rows: list[tuple[int, str]]
) -> list[tuple[int, str]]:
    """Those of `rows` who had fewer than `max_calls` calls of `rule` since their latest incident
    (each incident starts the count again)."""
    ids = [pk for pk, _code in rows]
    latest = dict(
        _telling_incidents()
        .filter(person_id__in=ids, opened_at__lt=due_at(day, 0))
        .values("person_id")
        .annotate(last=Max("opened_at"))
        .values_list("person_id", "last")
    )
    counts: dict[int, int] = defaultdict(int)
    for person_id, slot in OutreachCall.objects.filter(rule=rule, person_id__in=ids).values_list(
        "person_id", "slot_start"
    ):
        last = latest.get(person_id)
        if last is not None and slot >= timezone.localdate(last):
            counts[person_id] += 1
    limit = rule.max_calls or 0
    return [(pk, code) for pk, code in rows if counts[pk] < limit]


def assign(day: datetime.date, region_prefix: str = "") -> int:
    """Give each unassigned open call of `day` to an operator whose grant covers its community, the
    least loaded of them that day (ties: the operator first by id): the worklists come out even.
    Calls no operator covers stay unassigned (the supervisor's list shows them)."""
    operators = list(
        RoleGrant.objects.filter(role=Role.OPERATOR, user__is_active=True, organisation_kind="")
        .values_list("user_id", "region_id")
        .order_by("user_id")
    )
    if not operators:
        return 0
    covers: dict[int, list[str]] = defaultdict(list)
    for user_id, region in operators:
        covers[user_id].append(regions.prefix_of(region))
    load: dict[int, int] = dict.fromkeys(covers, 0)
    for user_id, n in (
        OutreachCall.objects.filter(scheduled_for=day, assignee_id__in=list(covers))
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    ):
        load[user_id] = n
    todo = (
        OutreachCall.objects.filter(
            scheduled_for=day,
            assignee__isnull=True,
            state__in=OUTREACH_OPEN,
            region_code__startswith=region_prefix,
        )
        .order_by("region_code", "id")
        .values_list("pk", "region_code")
    )
    chosen: dict[int, list[int]] = defaultdict(list)
    for pk, code in todo:
        able = [u for u, prefixes in covers.items() if any(code.startswith(p) for p in prefixes)]
        if not able:
            continue
        user_id = min(able, key=lambda u: (load[u], u))
        load[user_id] += 1
        chosen[user_id].append(pk)
    done = 0
    for user_id, ids in chosen.items():
        for i in range(0, len(ids), BATCH):
            done += OutreachCall.objects.filter(pk__in=ids[i : i + BATCH], assignee__isnull=True).update(
                assignee_id=user_id
            )
    return done


def script_for(call: OutreachCall) -> str:
    """The call's short script, with the person's name."""
    return call.rule.script.replace("{name}", call.person.name)


def due_so_far(qs: QuerySet[OutreachCall], now: datetime.datetime) -> QuerySet[OutreachCall]:
    """Calls whose time is up, or that were tried already (a call done early counts early)."""
    return qs.filter(Q(due_at__lte=now) | Q(first_attempt_at__isnull=False))


def on_time_q() -> Q:
    return Q(first_attempt_at__isnull=False, first_attempt_at__lte=F("due_at"))
