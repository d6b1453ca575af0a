"""Oversight's staff lists, declared for the list component (core/lists.py)."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carecircle.core import lists, scope
from carecircle.core.models import User
from carecircle.core.types import Actor
from carecircle.oversight import selectors, suspensions
from carecircle.oversight.models import (
    DrawPlan,
    Grade,
    InspectionItem,
    Method,
    PlanState,
    Risk,
    UnitKind,
)


def _kind_filter(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    # a JSON list: SQLite has no `contains` on JSON, and the list is a few dozen rows
    return qs.filter(pk__in=[i.pk for i in qs if value in i.unit_kinds])


def _items(user: Actor) -> QuerySet[InspectionItem]:
    return selectors.items() if scope.has_perm(user, "oversight.view") else InspectionItem.objects.none()


ITEMS = lists.ListSpec(
    name="oversight.items",
    title=_("检查事项清单"),
    perm="oversight.view",
    rows=_items,
    file_name="inspection-items",
    columns=(
        lists.Column("code", _("编号"), lambda i: i.code, sort=("order", "code")),
        lists.Column("title", _("检查事项"), lambda i: i.title),
        lists.Column("basis", _("依据"), lambda i: i.basis),
        lists.Column("method", _("检查方式"), lambda i: i.get_method_display(), sort=("method", "code")),
        lists.Column(
            "kinds",
            _("适用对象"),
            lambda i: "、".join(str(UnitKind(k).label) for k in i.unit_kinds if k in UnitKind.values),
        ),
        lists.Column("risk", _("风险等级"), lambda i: i.get_risk_display(), sort=("-risk", "code")),
        lists.Column("major", _("重大隐患"), lambda i: _("是") if i.major_hazard else _("否")),
    ),
    filters=(
        lists.choice_filter("method", _("检查方式"), Method.choices),
        lists.choice_filter("kind", _("适用对象"), UnitKind.choices, apply=_kind_filter),
        lists.choice_filter(
            "risk",
            _("风险等级"),
            [(str(v), label) for v, label in Risk.choices],
            apply=lambda qs, v: qs.filter(risk=int(v)),
        ),
        lists.text_filter("q", _("事项"), lambda qs, v: qs.filter(title__contains=v)),
    ),
    default_sort="code",
)


def _prepare_units(rows: list[Any]) -> None:
    stopped: dict[str, dict[int, str]] = {
        kind: suspensions.suspended(kind, [u.source_id for u in rows]) for kind in suspensions.KINDS
    }
    for u in rows:
        kind = "homecare" if u.kind == UnitKind.HOMECARE else "facility"
        u.suspended_shown = _("暂停（重大隐患整改中）") if u.source_id in stopped[kind] else _("正常")


def _credit_link(unit: Any) -> str:
    """Each unit's credit page: its score, grade and the events that make them (item 5)."""
    return reverse("oversight:credit_unit", args=[unit.pk])


UNITS = lists.ListSpec(
    name="oversight.units",
    title=_("监管对象名录库"),
    perm="oversight.view",
    rows=lambda user: selectors.units_visible(user=user),
    file_name="supervised-units",
    row_template="oversight/_unit_row.html",
    prepare=_prepare_units,
    columns=(
        lists.Column("name", _("名称"), lambda u: u.name, sort=("name",), link=_credit_link),
        lists.Column("kind", _("类别"), lambda u: u.get_kind_display(), sort=("kind", "name")),
        lists.Column(
            "region", _("所属社区"), lambda u: u.region_code, sort=("region_code", "name"), region=True
        ),
        lists.Column(
            "grade",
            _("信用等级"),
            lambda u: u.get_credit_grade_display(),
            sort=("credit_grade", "name"),
            link=_credit_link,
        ),
        lists.Column(
            "last",
            _("最近检查"),
            lambda u: u.last_inspected_on or _("从未检查"),
            sort=("last_inspected_on", "name"),
        ),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("kind", _("类别"), UnitKind.choices),
        lists.choice_filter("grade", _("信用等级"), Grade.choices, lookup="credit_grade"),
        lists.text_filter("q", _("名称"), lambda qs, v: qs.filter(name__contains=v)),
    ),
    default_sort="region",
)


def _plans(user: Actor) -> QuerySet[DrawPlan]:
    return selectors.plans_visible(user=user)


PLANS = lists.ListSpec(
    name="oversight.plans",
    title=_("双随机抽查计划"),
    perm="oversight.view",
    rows=_plans,
    file_name="draw-plans",
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
        lists.Column("state", _("状态"), lambda p: p.get_state_display(), sort=("state", "-published_at")),
        lists.Column("units", _("抽中对象"), lambda p: p.units, sort=("units",)),
        lists.Column(
            "published", _("公示时间"), lambda p: lists.local_time(p.published_at), sort=("published_at",)
        ),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("state", _("状态"), PlanState.choices),
        lists.date_filter("period", _("开始日期"), "period_start"),
    ),
    default_sort="-published",
)


def _inspectors(user: Actor) -> QuerySet[User]:
    return selectors.inspectors_visible(user=user)


def _prepare_inspectors(rows: list[Any]) -> None:
    regions_of = selectors.inspector_regions([u.pk for u in rows])
    conflicts = selectors.conflict_counts([u.pk for u in rows])
    for u in rows:
        u.regions_shown = "、".join(regions_of.get(u.pk, []))
        u.conflicts_shown = conflicts.get(u.pk, 0)


INSPECTORS = lists.ListSpec(
    name="oversight.inspectors",
    title=_("检查人员名录库"),
    perm="oversight.view",
    rows=_inspectors,
    file_name="inspectors",
    prepare=_prepare_inspectors,
    columns=(
        lists.Column(
            "name", _("姓名"), lambda u: u.display_name or u.username, sort=("display_name", "username")
        ),
        lists.Column("regions", _("执法区域"), lambda u: u.regions_shown),
        lists.Column("conflicts", _("回避申报"), lambda u: u.conflicts_shown),
    ),
    filters=(lists.text_filter("q", _("姓名"), lambda qs, v: qs.filter(display_name__contains=v)),),
    default_sort="name",
)
