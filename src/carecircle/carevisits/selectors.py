"""Reads of the care-visit module. `visit_coverage` is the indicator 特殊困难老年人月探访率 (E12):
of the 特殊困难老年人 due a visit in a month (who have a plan that month), how many were visited (at
least one of their plans that month completed); the coverage page and the home card count the same
way (`_coverage_counts`). Who is in a visit group is registry/groups.py's definition (`group_q`)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.assessment.selectors import level_names
from carecircle.carevisits.models import CareVisit, PlanStatus, VisitGroup, VisitPlan, VisitRule
from carecircle.carevisits.plans import group_q, month_bounds
from carecircle.carevisits.types import CoverageFigure
from carecircle.core import regions, scope
from carecircle.core.access import access_by_id
from carecircle.core.ages import years_before
from carecircle.core.errors import InvalidInput, NotFound
from carecircle.core.models import Region
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import Person, PersonStatus, StatusKind
from carecircle.registry.selectors import active_on, birth_date_bounds, population_group, population_q
from carecircle.registry.selectors import population as group_persons


def region_prefix(code: str, field: str = "region") -> str:
    code = (code or "").strip()
    if not regions.is_valid_code(code):
        raise InvalidInput(_("区划代码应为12位数字：%(c)s") % {"c": code}, field=field)
    return regions.prefix_of(code)


# The people whose visits the module's rate counts: 特殊困难老年人 (Qujing 二(二) 特殊困难老年人月探访率,
# the indicator E12), not the children on the same rounds. The coverage page, the home card and the
# indicator all count through `_coverage_counts`.
RATE_GROUP = "special_difficulty"


def _month_plans(year: int, month: int) -> QuerySet[VisitPlan]:
    first, last = month_bounds(year, month)
    return VisitPlan.objects.filter(period_start__range=(first, last)).exclude(status=PlanStatus.CANCELLED)


def _coverage_counts(year: int, month: int, group: str) -> dict[str, Count]:
    """The aggregates over a month's plans: `due`, the people with a plan that month, and `visited`,
    those of them with a plan done; with `group`, only the people of that population group on the
    month's first day (registry/groups.py)."""
    members = None
    if group:
        first, _last = month_bounds(year, month)
        members = Q(Exists(group_persons(code=group, day=first).filter(pk=OuterRef("person_id"))))
    done = Q(status=PlanStatus.DONE) if members is None else members & Q(status=PlanStatus.DONE)
    return {
        "due": Count("person_id", distinct=True, filter=members),
        "visited": Count("person_id", distinct=True, filter=done),
    }


def visit_coverage(*, region_prefix: str, year: int, month: int, group: str = RATE_GROUP) -> tuple[int, int]:
    """(people due a visit that month who were visited, people due a visit that month), of the
    population group `group` (特殊困难老年人 by default: the indicator E12; "" for everyone on the rounds)."""
    return visit_coverage_under(region_prefixes=[region_prefix], year=year, month=month, group=group)[
        region_prefix
    ]


def visit_coverage_under(
    *, region_prefixes: list[str], year: int, month: int, group: str = RATE_GROUP
) -> dict[str, tuple[int, int]]:
    """`visit_coverage` of each prefix, in one grouped query per prefix length (not one per prefix)."""
    out = dict.fromkeys(region_prefixes, (0, 0))
    for grouped in regions.grouped_under(_month_plans(year, month), region_prefixes):
        rows = grouped.values("under").annotate(**_coverage_counts(year, month, group))
        out.update({r["under"]: (r["visited"], r["due"]) for r in rows})
    return out


def visit_coverage_in_scope(*, user: Actor, year: int, month: int) -> tuple[int, int, int]:
    """(visited, due) of `visit_coverage` over the user's regions, and everyone on the month's rounds
    there (the home card)."""
    plans = scope.in_scope(_month_plans(year, month), user, "carevisits.view")
    counts = plans.aggregate(
        **_coverage_counts(year, month, RATE_GROUP), people=Count("person_id", distinct=True)
    )
    return counts["visited"], counts["due"], counts["people"]


def coverage_by_region(*, user: Actor, region_code: str, year: int, month: int) -> list[CoverageFigure]:
    """Coverage of `region_code` and of each of its child regions: the rate is 特殊困难老年人月探访率
    (RATE_GROUP); plans, done and overdue count every plan of the rounds. One grouped query per
    prefix length (the region and its children: two), however many children."""
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise NotFound()
    scope.require(user, "carevisits.view", region.code)
    shown = [region, *region.children.order_by("code")]
    prefixes = [regions.prefix_of(r.code) for r in shown]
    figures: dict[str, dict[str, int]] = {}
    overdue = Q(status=PlanStatus.PLANNED, period_end__lt=timezone.localdate())
    for grouped in regions.grouped_under(_month_plans(year, month), prefixes):
        rows = grouped.values("under").annotate(
            **_coverage_counts(year, month, RATE_GROUP),
            plans=Count("id"),
            done=Count("id", filter=Q(status=PlanStatus.DONE)),
            overdue=Count("id", filter=overdue),
        )
        figures.update({r["under"]: r for r in rows})
    out: list[CoverageFigure] = []
    for r, prefix in zip(shown, prefixes, strict=True):
        f = figures.get(prefix, {})
        due, visited = f.get("due", 0), f.get("visited", 0)
        out.append(
            {
                "code": r.code,
                "name": r.name,
                "is_total": r.code == region.code,
                "due": due,
                "visited": visited,
                "rate": round(100 * visited / due, 1) if due else None,
                "plans": f.get("plans", 0),
                "done": f.get("done", 0),
                "overdue": f.get("overdue", 0),
            }
        )
    return out


def plans_in_scope(user: Actor, perm: str = "carevisits.view") -> QuerySet[VisitPlan]:
    return scope.in_scope(VisitPlan.objects.select_related("person", "assignee"), user, perm)


def worklist(
    *, user: Actor, year: int, month: int, mine: bool = True, status: str = "", region_code: str = ""
) -> QuerySet[VisitPlan]:
    first, last = month_bounds(year, month)
    qs = plans_in_scope(user, "carevisits.visit" if mine else "carevisits.view").filter(
        period_start__range=(first, last)
    )
    if mine:
        qs = qs.filter(assignee=user if signed_in(user) else None)
    if region_code:
        qs = qs.filter(region_code__startswith=region_prefix(region_code))
    if status == "overdue":
        qs = qs.filter(status=PlanStatus.PLANNED, period_end__lt=timezone.localdate())
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("period_end", "region_code", "person__name", "id")


def overdue(*, user: Actor, day: datetime.date | None = None) -> QuerySet[VisitPlan]:
    """Plans whose period has ended without a completed visit: the supervisor's list."""
    day = day or timezone.localdate()
    return (
        plans_in_scope(user)
        .filter(status=PlanStatus.PLANNED, period_end__lt=day)
        .order_by("period_end", "id")
    )


def follow_ups(*, user: Actor) -> QuerySet[CareVisit]:
    return (
        scope.in_scope(CareVisit.objects.select_related("person"), user, "carevisits.view")
        .filter(follow_up=True, follow_up_done=False)
        .order_by("-visited_at")
    )


def plan_get(*, user: Actor, plan_id: int, perm: str = "carevisits.view") -> VisitPlan:
    plan = access_by_id(VisitPlan.objects.select_related("person", "assignee"), plan_id, user=user, perm=perm)
    return plan


def visit_get(*, user: Actor, visit_id: int, perm: str = "carevisits.view") -> CareVisit:
    visit = access_by_id(CareVisit.objects.select_related("person"), visit_id, user=user, perm=perm)
    return visit


def rules_visible(*, user: Actor) -> QuerySet[VisitRule]:
    """Rules of the user's regions and of the regions above them (which apply to them too)."""
    codes = scope.region_codes(user, "carevisits.view")
    if not codes:
        return VisitRule.objects.none()
    q = Q()
    for code in codes:
        q |= Q(region_code__startswith=regions.prefix_of(code))
        up = regions.parent_code_of(code)
        while up is not None:
            q |= Q(region_code=up)
            up = regions.parent_code_of(up)
    return VisitRule.objects.filter(q).order_by("region_code", "group")


# ------------------------------------------------------------------ vulnerable-person lists

ELDER_GROUPS: list[str] = [
    VisitGroup.TEKUN,
    VisitGroup.DIBAO,
    VisitGroup.LIVING_ALONE,
    VisitGroup.EMPTY_NEST,
    VisitGroup.LEFT_BEHIND,
    VisitGroup.SHIDU,
    VisitGroup.SEVERE_DISABILITY,
    VisitGroup.DISABLED,
    VisitGroup.SENIOR80,
]
CHILD_GROUPS: list[str] = [VisitGroup.CHILD_IN_DIFFICULTY, VisitGroup.ORPHAN, VisitGroup.LEFT_BEHIND]


def _disabled_level() -> int:
    """The level from which a person is 失能 (registry/groups.py: GB/T 42195-2022 level 1 轻度失能)."""
    return population_group("disabled").min_level() or 1


def vulnerable_people(
    *,
    user: Actor,
    population: str = "elder",
    group: str = "",
    region_code: str = "",
    day: datetime.date | None = None,
) -> QuerySet[Person]:
    day = day or timezone.localdate()
    if population not in ("elder", "child"):
        raise InvalidInput(_("人群应为老年人或儿童"), field="population")
    groups = ELDER_GROUPS if population == "elder" else CHILD_GROUPS
    if group:
        if group not in groups:
            raise InvalidInput(_("未知的对象类别：%(g)s") % {"g": group}, field="group")
        groups = [group]
    qs = scope.in_scope(Person.objects.all(), user, "carevisits.view")
    if region_code:
        qs = qs.filter(region_code__startswith=region_prefix(region_code))
    # Children: infants, and children in difficulty and orphans up to 18 (Hangzhou 三(二)2).
    ages = (
        birth_date_bounds("elder", day)
        if population == "elder"
        else birth_date_bounds("infant", day) | population_q("child_in_difficulty", day)
    )
    qs = qs.filter(ages).filter(active_on(day))
    if population == "elder" and not group:
        # the whole list is the 特殊困难老年人 group as registry/groups.py defines it (with 低保边缘)
        return (
            qs.filter(population_q("special_difficulty", day))
            .defer("id_number", "phone", "address")
            .order_by("region_code", "name", "id")
        )
    q = Q()
    for g in groups:
        q |= group_q(g, day)
    return qs.filter(q).defer("id_number", "phone", "address").order_by("region_code", "name", "id")


def reasons_for(
    people: list[Person], day: datetime.date | None = None, population: str = "elder"
) -> dict[int, list[str]]:
    """Why each person is on the list, in words (statuses held on `day`, age 80+, assessed level)."""
    day = day or timezone.localdate()
    ids = [p.pk for p in people]
    out: dict[int, list[str]] = defaultdict(list)
    kinds = set(ELDER_GROUPS if population == "elder" else CHILD_GROUPS) - {
        VisitGroup.SENIOR80,
        VisitGroup.DISABLED,
    }
    if population == "elder":  # every status of the 特殊困难老年人 group (registry/groups.py), 低保边缘 too
        kinds |= {k for c in population_group("special_difficulty").any_of for k in c.statuses}
    for pid, kind in (
        PersonStatus.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            person_id__in=ids,
            kind__in=kinds,
            valid_from__lte=day,
        )
        .order_by("kind")
        .values_list("person_id", "kind")
    ):
        out[pid].append(str(VisitGroup(kind).label if kind in VisitGroup.values else StatusKind(kind).label))
    if population == "elder":
        disabled = level_names(ids, day, min_level=_disabled_level())
        cut = years_before(day, population_group("senior80").min_age or 0)
        for p in people:
            if p.birth_date <= cut:
                out[p.pk].append(_("高龄(80+)"))
            if p.pk in disabled:
                out[p.pk].append(_("失能：%(l)s") % {"l": disabled[p.pk]})
    return out


def overdue_by_community(*, day: datetime.date | None = None) -> dict[str, int]:
    """Plans whose period ended before `day` without a completed visit, counted per community (one
    grouped query): oversight's early warnings."""
    day = day or timezone.localdate()
    rows = (
        VisitPlan.objects.filter(status=PlanStatus.PLANNED, period_end__lt=day)
        .values_list("region_code")
        .annotate(n=Count("id"))
        .values_list("region_code", "n")
    )
    return dict(rows)
