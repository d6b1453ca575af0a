"""Generating a month's visit plans from the visit rules, set-based.

Each group is one indexed query (registry statuses via PersonStatus.region_code; 高龄, 失能 and the
children's groups through their definition in registry/groups.py, `group_q`); people who have died or
moved away on the month's first day are left out. A person in several groups gets the most frequent
of their groups' rules (the rule of the most specific region wins per group) and one plan per slot
of the month. Plans already there are skipped, and the rest are inserted with ON CONFLICT DO NOTHING
against the unique (person, period_start) constraint, so generating the same month again (or two
runs at once) creates nothing twice.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from carecircle.carevisits.models import (
    FREQUENCY_RANK,
    Frequency,
    PlanStatus,
    VisitGroup,
    VisitPlan,
    VisitRule,
)
from carecircle.core.models import RoleGrant
from carecircle.core.regions import prefix_of
from carecircle.core.roles import Role
from carecircle.registry.models import EXIT_STATUSES, Person, PersonStatus
from carecircle.registry.selectors import population_q, status_on

BATCH = 5000


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def slots(frequency: str, year: int, month: int) -> list[tuple[datetime.date, datetime.date]]:
    first, last = month_bounds(year, month)
    if frequency == Frequency.MONTHLY:
        return [(first, last)]
    if frequency == Frequency.BIWEEKLY:
        return [(first, first.replace(day=15)), (first.replace(day=16), last)]
    starts = [1, 8, 15, 22]
    ends = [7, 14, 21, last.day]
    return [(first.replace(day=s), first.replace(day=e)) for s, e in zip(starts, ends, strict=True)]


# Visit groups that are population groups of registry/groups.py, or a status within one: the
# group's age band and criteria decide, never a status or a threshold of this module (高龄 80+;
# 失能: 60+ and the newest valid assessment at GB/T 42195-2022 level 1 or worse; 孤儿 and 困境儿童:
# under 18, Hangzhou 三(二)2). The other groups are registry statuses held on the day.
POPULATION_OF: dict[str, str] = {
    VisitGroup.SENIOR80: "senior80",
    VisitGroup.DISABLED: "disabled",
    VisitGroup.CHILD_IN_DIFFICULTY: "child_in_difficulty",
    VisitGroup.ORPHAN: "child_in_difficulty",
}
DERIVED = frozenset({VisitGroup.SENIOR80, VisitGroup.DISABLED})  # no status of their own


def group_q(group: str, day: datetime.date) -> Q:
    """For a Person queryset: the members of visit group `group` on `day`."""
    q = population_q(POPULATION_OF[group], day) if group in POPULATION_OF else Q()
    if group not in DERIVED:
        q &= status_on(group, day)
    return q


def group_members(group: str, prefix: str, day: datetime.date):
    """(person id, region code) of the members of `group` under `prefix` on `day`, streamed: a
    group of registry/groups.py through its definition (population_q), a plain status group straight
    from the statuses (one indexed query on PersonStatus.region_code)."""
    if group in POPULATION_OF:
        return (
            Person.objects.filter(region_code__startswith=prefix)
            .filter(group_q(group, day))
            .values_list("id", "region_code")
            .iterator(chunk_size=20000)
        )
    return (
        PersonStatus.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            kind=group,
            region_code__startswith=prefix,
            valid_from__lte=day,
        )
        .values_list("person_id", "region_code")
        .iterator(chunk_size=20000)
    )


def exited(prefix: str, day: datetime.date) -> set[int]:
    return set(
        PersonStatus.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            kind__in=list(EXIT_STATUSES),
            region_code__startswith=prefix,
            valid_from__lte=day,
        ).values_list("person_id", flat=True)
    )


def rules_for(prefix: str) -> dict[str, list[tuple[str, VisitRule]]]:
    """Per group, the rules touching `prefix` (enclosing or inside it), most specific first."""
    out = defaultdict(list)
    for rule in VisitRule.objects.all():
        rp = prefix_of(rule.region_code)
        if prefix.startswith(rp) or rp.startswith(prefix):
            out[rule.group].append((rp, rule))
    for rules in out.values():
        rules.sort(key=lambda r: -len(r[0]))
    return out


@dataclass
class Generated:
    people: int
    plans: int
    created: int


def workers_by_community(prefix: str) -> dict[str, list[int]]:
    out = defaultdict(list)
    for region, user in (
        RoleGrant.objects.filter(
            role=Role.COMMUNITY_WORKER, region__code__startswith=prefix, user__is_active=True
        )
        .order_by("user_id")
        .values_list("region_id", "user_id")
    ):
        out[region].append(user)
    return out


def generate(prefix: str, year: int, month: int) -> Generated:
    first, last = month_bounds(year, month)
    rules = rules_for(prefix)
    gone = exited(prefix, first)
    best: dict[int, tuple[int, str]] = {}  # person -> (rank, frequency)
    reasons: dict[int, list[str]] = defaultdict(list)
    where: dict[int, str] = {}
    for group, group_rules in rules.items():
        label = str(VisitGroup(group).label)
        rule_of: dict[str, VisitRule | None] = {}  # per community: a few thousand, not a million lookups
        for pid, region in group_members(group, prefix, first):
            if pid in gone:
                continue
            if region not in rule_of:
                rule_of[region] = next((r for rp, r in group_rules if region.startswith(rp)), None)
            rule = rule_of[region]
            if rule is None or not rule.active:
                continue
            rank = FREQUENCY_RANK[rule.frequency]
            if pid not in best or rank > best[pid][0]:
                best[pid] = (rank, rule.frequency)
            reasons[pid].append(label)
            where[pid] = region
    workers = workers_by_community(prefix)
    turn: dict[str, int] = defaultdict(int)
    slot_cache = {f: slots(f, year, month) for f in Frequency.values}
    month_plans = VisitPlan.objects.filter(region_code__startswith=prefix, period_start__range=(first, last))
    with transaction.atomic():
        # Skip what exists already (the unique constraint still guards against a concurrent run).
        existing = set(month_plans.values_list("person_id", "period_start").iterator(chunk_size=20000))
        before = len(existing)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        total = 0
        with _Writer() as writer:
            for pid, (_rank, frequency) in best.items():
                region = where[pid]
                pool = workers.get(region)
                assignee = None
                if pool:
                    assignee = pool[turn[region] % len(pool)]
                    turn[region] += 1
                why = "、".join(reasons[pid])[:200]
                for start, end in slot_cache[frequency]:
                    total += 1
                    if (pid, start) not in existing:
                        writer.add(
                            (pid, region, start, end, frequency, why, assignee, PlanStatus.PLANNED, now)
                        )
        after = month_plans.count()
    return Generated(people=len(best), plans=total, created=after - before)


COLUMNS = (
    "person_id",
    "region_code",
    "period_start",
    "period_end",
    "frequency",
    "reasons",
    "assignee_id",
    "status",
    "created_at",
)


class _Writer:
    """Inserts plan rows, skipping any that exist (ON CONFLICT on the unique person + period_start).
    PostgreSQL: COPY into a temporary table, then one INSERT … SELECT at the end; others:
    executemany per batch."""

    def __init__(self):
        self.table = VisitPlan._meta.db_table
        self.cols = ", ".join(COLUMNS)
        self.rows: list[tuple] = []
        self.pg = connection.vendor == "postgresql"

    def __enter__(self):
        self.cursor = connection.cursor().__enter__()
        if self.pg:
            self.cursor.execute("DROP TABLE IF EXISTS _plan_rows")
            self.cursor.execute(
                f"CREATE TEMP TABLE _plan_rows ON COMMIT DROP AS SELECT {self.cols} "
                f"FROM {self.table} WITH NO DATA"
            )
        return self

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self.rows:
            return
        if self.pg:
            with self.cursor.cursor.copy(f"COPY _plan_rows ({self.cols}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            self.cursor.executemany(
                f"INSERT INTO {self.table} ({self.cols}) VALUES ({marks}) "
                "ON CONFLICT (person_id, period_start) DO NOTHING",
                self.rows,
            )
        self.rows = []

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self._flush()
                if self.pg:
                    # In key order: the unique index is then filled sequentially (about a third faster).
                    self.cursor.execute(
                        f"INSERT INTO {self.table} ({self.cols}) SELECT {self.cols} FROM _plan_rows "
                        "ORDER BY person_id, period_start "
                        "ON CONFLICT (person_id, period_start) DO NOTHING"
                    )
                    self.cursor.execute("DROP TABLE _plan_rows")
        finally:
            self.cursor.__exit__(exc_type, exc, tb)
        return False
