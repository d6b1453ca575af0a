"""The cockpit's lists (issue 20 item 7), each with its count, filters and Excel export (core/lists.py):
the regions one level down with their figures, open and overdue findings, suspended units, and
this year's plans with their progress. Scope: `oversight.cockpit` in the user's regions."""

from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from carecircle.core import lists, scope
from carecircle.core.models import Region
from carecircle.core.types import Actor
from carecircle.oversight import cockpit
from carecircle.oversight.models import (
    DrawPlan,
    Finding,
    FindingState,
    Grade,
    InspectionState,
    PlanState,
    Severity,
    Unit,
    UnitKind,
)

PERM = cockpit.PERM


def _cockpit_link(code: str) -> str:
    return reverse("oversight:cockpit") + "?" + urlencode({"region": code})


def _regions(user: Actor) -> QuerySet[Region]:
    return scope.in_scope(Region.objects.all(), user, PERM, field="code")


def _prepare_regions(rows: list[Any]) -> None:
    figures = {f.code: f for f in cockpit.breakdown([(r.code, r.name) for r in rows])}
    for r in rows:
        r.fig = figures[r.code]


def _grade_column(grade: str) -> lists.Column:
    return lists.Column(f"grade_{grade}", _("%(g)s级") % {"g": grade}, lambda r: r.fig.grades.get(grade, 0))


REGIONS = lists.ListSpec(
    name="oversight.cockpit_regions",
    title=_("一网统管：分区域统计"),
    perm=PERM,
    rows=_regions,
    file_name="oversight-regions",
    prepare=_prepare_regions,
    region_of=lambda r: r.code,
    columns=(
        lists.Column(
            "name", _("区域"), lambda r: r.name, sort=("name",), link=lambda r: _cockpit_link(r.code)
        ),
        lists.Column("code", _("区划代码"), lambda r: r.code, sort=("code",)),
        lists.Column("units", _("监管对象"), lambda r: r.fig.units),
        *(_grade_column(g) for g in Grade.values),
        lists.Column("warnings", _("未处理预警"), lambda r: r.fig.warnings),
        lists.Column("drawn", _("本年抽中"), lambda r: r.fig.drawn),
        lists.Column("done", _("已检查"), lambda r: r.fig.done),
        lists.Column("confirmed", _("已双人确认"), lambda r: r.fig.confirmed),
        lists.Column("findings", _("未完成整改"), lambda r: r.fig.findings),
        lists.Column("overdue", _("逾期整改"), lambda r: r.fig.overdue),
        lists.Column("suspended", _("暂停中的单位"), lambda r: r.fig.suspended),
    ),
    filters=(
        lists.Filter("parent", _("上级区划"), lists.HIDDEN, lambda qs, v: qs.filter(parent_id=v)),
        lists.text_filter("q", _("名称"), lambda qs, v: qs.filter(name__contains=v)),
    ),
    default_sort="code",
)


def _overdue(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    late = Q(deadline__lt=timezone.localdate())
    return qs.filter(late) if value == "yes" else qs.exclude(late)


def _days_over(f: Finding) -> int:
    return max(0, (timezone.localdate() - f.deadline).days)


def _findings(user: Actor) -> QuerySet[Finding]:
    open_ = Finding.objects.exclude(state=FindingState.CLOSED).select_related("unit", "item")
    return scope.in_scope(open_, user, PERM)


FINDINGS = lists.ListSpec(
    name="oversight.cockpit_findings",
    title=_("一网统管：未完成整改"),
    perm=PERM,
    rows=_findings,
    file_name="oversight-open-findings",
    columns=(
        lists.Column(
            "unit",
            _("检查对象"),
            lambda f: f.unit.name,
            sort=("unit__name",),
            link=lambda f: reverse("oversight:finding_detail", args=[f.pk]),
        ),
        lists.Column("kind", _("类别"), lambda f: f.unit.get_kind_display(), sort=("unit__kind",)),
        lists.Column("region", _("所属社区"), lambda f: f.region_code, sort=("region_code",), region=True),
        lists.Column("item", _("检查事项"), lambda f: f.item.title),
        lists.Column("severity", _("严重程度"), lambda f: f.get_severity_display(), sort=("severity",)),
        lists.Column("state", _("状态"), lambda f: f.get_state_display(), sort=("state",)),
        lists.Column("deadline", _("整改期限"), lambda f: f.deadline, sort=("deadline",)),
        lists.Column("days", _("逾期天数"), _days_over, sort=("deadline",)),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter(
            "overdue", _("逾期"), (("yes", _("已逾期")), ("no", _("未逾期"))), apply=_overdue
        ),
        lists.choice_filter("severity", _("严重程度"), Severity.choices),
        lists.choice_filter("kind", _("类别"), UnitKind.choices, lookup="unit__kind"),
    ),
    default_sort="deadline",
)


def _hazards() -> QuerySet[Finding]:
    return Finding.objects.exclude(state=FindingState.CLOSED).filter(severity=Severity.HAZARD)


def _suspended(user: Actor) -> QuerySet[Unit]:
    rows = Unit.objects.filter(Exists(_hazards().filter(unit=OuterRef("pk")))).annotate(
        since=Min(
            "findings__issued_at",
            filter=Q(findings__severity=Severity.HAZARD) & ~Q(findings__state=FindingState.CLOSED),
        ),
        hazards=Count(
            "findings", filter=Q(findings__severity=Severity.HAZARD) & ~Q(findings__state=FindingState.CLOSED)
        ),
    )
    return scope.in_scope(rows, user, PERM)


SUSPENDED = lists.ListSpec(
    name="oversight.cockpit_suspended",
    title=_("一网统管：因重大隐患暂停的单位"),
    perm=PERM,
    rows=_suspended,
    file_name="oversight-suspended-units",
    columns=(
        lists.Column("name", _("名称"), lambda u: u.name, sort=("name",)),
        lists.Column("kind", _("类别"), lambda u: u.get_kind_display(), sort=("kind", "name")),
        lists.Column(
            "region", _("所属社区"), lambda u: u.region_code, sort=("region_code", "name"), region=True
        ),
        lists.Column("grade", _("信用等级"), lambda u: u.get_credit_grade_display(), sort=("credit_grade",)),
        lists.Column("since", _("暂停起始"), lambda u: lists.local_time(u.since), sort=("since",)),
        lists.Column("hazards", _("未整改重大隐患"), lambda u: u.hazards, sort=("-hazards",)),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("kind", _("类别"), UnitKind.choices),
        lists.choice_filter("grade", _("信用等级"), Grade.choices, lookup="credit_grade"),
    ),
    default_sort="since",
)


def _plans(user: Actor) -> QuerySet[DrawPlan]:
    done = [InspectionState.SUBMITTED, InspectionState.CONFIRMED]
    rows = DrawPlan.objects.annotate(
        drawn=Count("drawn_units", distinct=True),
        done=Count(
            "drawn_units__inspection", filter=Q(drawn_units__inspection__state__in=done), distinct=True
        ),
        confirmed=Count(
            "drawn_units__inspection",
            filter=Q(drawn_units__inspection__state=InspectionState.CONFIRMED),
            distinct=True,
        ),
    )
    return scope.in_scope(rows, user, PERM)


def _this_year(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    start, end = cockpit.year_bounds(timezone.localdate())
    this = Q(period_start__lte=end, period_end__gte=start)
    return qs.filter(this) if value == "yes" else qs


PLANS = lists.ListSpec(
    name="oversight.cockpit_plans",
    title=_("一网统管：双随机抽查进度"),
    perm=PERM,
    rows=_plans,
    file_name="oversight-plan-progress",
    defaults={"year": "yes"},
    columns=(
        lists.Column(
            "name",
            _("计划名称"),
            lambda p: p.name,
            sort=("name",),
            link=lambda p: reverse("oversight:plan_detail", args=[p.pk]),
        ),
        lists.Column("region", _("区域"), lambda p: p.region_code, sort=("region_code",), region=True),
        lists.Column(
            "period", _("检查期间"), lambda p: f"{p.period_start} — {p.period_end}", sort=("period_start",)
        ),
        lists.Column("state", _("状态"), lambda p: p.get_state_display(), sort=("state",)),
        lists.Column("drawn", _("抽中"), lambda p: p.drawn, sort=("drawn",)),
        lists.Column("done", _("已检查"), lambda p: p.done, sort=("done",)),
        lists.Column("confirmed", _("已双人确认"), lambda p: p.confirmed, sort=("confirmed",)),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("year", _("期间"), (("yes", _("本年度")),), apply=_this_year),
        lists.choice_filter("state", _("状态"), PlanState.choices),
    ),
    default_sort="-period",
)
