"""The care-visit module's staff lists, declared for the list component (core/lists.py): the visit
plans as a register for managers (every plan of their regions: month, status, group, worker) and the
overdue plans a supervisor chases. The community worker's own worklist stays the phone page of
cards (views.worklist)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.carevisits import selectors
from carecircle.carevisits.models import PlanStatus, VisitGroup, VisitPlan
from carecircle.carevisits.plans import month_bounds
from carecircle.core import lists
from carecircle.core.errors import InvalidInput
from carecircle.core.tables import parse_month
from carecircle.core.types import Actor

PERSON_PII = ("person__id_number", "person__phone", "person__address")
OVERDUE = "overdue"
STATUSES = (*PlanStatus.choices, (OVERDUE, gettext_lazy("逾期未访")))


def _plans(user: Actor) -> QuerySet[VisitPlan]:
    return selectors.plans_in_scope(user, "carevisits.manage").defer(*PERSON_PII)


def _overdue(user: Actor) -> QuerySet[VisitPlan]:
    return selectors.overdue(user=user).defer(*PERSON_PII)


def _group(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    """Plans made for the group: the plan's reasons are the labels of the groups its person was in
    when the month's plans were made (plans.generate), joined by "、"."""
    label = str(VisitGroup(value).label)
    return qs.filter(
        Q(reasons=label)
        | Q(reasons__startswith=f"{label}、")
        | Q(reasons__endswith=f"、{label}")
        | Q(reasons__contains=f"、{label}、")
    )


def _month(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    try:
        first = parse_month(value, "month")
    except InvalidInput:
        raise InvalidInput(
            _("参数 %(p)s（%(l)s）无效：%(m)s")
            % {"p": "month", "l": _("月份"), "m": _("月份应写作 2026-01")},
            field="month",
        ) from None
    return qs.filter(period_start__range=month_bounds(first.year, first.month))


def _status(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    if value == OVERDUE:
        return qs.filter(status=PlanStatus.PLANNED, period_end__lt=timezone.localdate())
    return qs.filter(status=value)


def _worker(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    """The assigned worker by name (or part of it) or login name; "未分配" finds the plans of no one."""
    if text == _("未分配"):
        return qs.filter(assignee__isnull=True)
    return qs.filter(Q(assignee__display_name__contains=text) | Q(assignee__username=text))


def _assignee(p: VisitPlan) -> str:
    user = p.assignee
    return (user.display_name or user.username) if user else _("未分配")


def _late(p: VisitPlan) -> str:
    days = (timezone.localdate() - p.period_end).days
    return _("%(n)s 天") % {"n": days} if days > 0 and p.status == PlanStatus.PLANNED else ""


def _person(p: VisitPlan) -> str:
    return reverse("registry:person_detail", args=[p.person_id])


NAME = lists.Column(
    "name", gettext_lazy("对象"), lambda p: p.person.name, sort=("person__name",), link=_person
)
REASONS = lists.Column("reasons", gettext_lazy("列入原因"), lambda p: p.reasons)
DUE = lists.Column("due", gettext_lazy("应访日期"), lambda p: p.period_end, sort=("period_end",))
REGION = lists.Column(
    "region",
    gettext_lazy("所属社区"),
    lambda p: p.region_code,
    sort=("region_code", "person__name"),
    region=True,
)
WORKER = lists.Column("worker", gettext_lazy("探访人"), _assignee, sort=("assignee__username",))
GROUP_FILTER = lists.choice_filter("group", gettext_lazy("对象类别"), VisitGroup.choices, apply=_group)
WORKER_FILTER = lists.text_filter(
    "worker", gettext_lazy("探访人"), _worker, placeholder=gettext_lazy("探访人姓名、账号或“未分配”")
)
TEXT_FILTER = lists.text_filter(
    "q",
    gettext_lazy("对象"),
    lambda qs, v: qs.filter(person__name__contains=v),
    placeholder=gettext_lazy("对象姓名"),
)

PLANS = lists.ListSpec(
    name="carevisits.plans",
    title=gettext_lazy("探访计划"),
    perm="carevisits.manage",
    export_perm="carevisits.export",
    rows=_plans,
    file_name="visit-plans",
    columns=(
        NAME,
        REASONS,
        lists.Column("start", gettext_lazy("周期开始"), lambda p: p.period_start, sort=("period_start",)),
        DUE,
        lists.Column(
            "frequency", gettext_lazy("探访频次"), lambda p: p.get_frequency_display(), sort=("frequency",)
        ),
        lists.Column("status", gettext_lazy("状态"), lambda p: p.get_status_display(), sort=("status",)),
        lists.Column("late", gettext_lazy("逾期"), _late),
        lists.Column(
            "done_at",
            gettext_lazy("完成时间"),
            lambda p: lists.local_time(p.done_at),
            sort=("done_at",),
        ),
        WORKER,
        REGION,
    ),
    filters=(
        lists.region_filter(),
        GROUP_FILTER,
        lists.text_filter("month", gettext_lazy("月份"), _month, placeholder=gettext_lazy("如 2026-01")),
        lists.choice_filter("status", gettext_lazy("状态"), STATUSES, apply=_status),
        WORKER_FILTER,
        TEXT_FILTER,
    ),
    default_sort="due",
)

OVERDUE_PLANS = lists.ListSpec(
    name="carevisits.overdue",
    title=gettext_lazy("逾期未访"),
    perm="carevisits.view",
    export_perm="carevisits.export",
    rows=_overdue,
    file_name="visits-overdue",
    columns=(
        NAME,
        REASONS,
        DUE,
        lists.Column("late", gettext_lazy("逾期天数"), _late, sort=("-period_end",)),
        REGION,
        WORKER,
        lists.Column(
            "record",
            gettext_lazy("操作"),
            lambda _p: _("补记探访"),
            link=lambda p: reverse("carevisits:visit_new", args=[p.pk]),
            page_only=True,
        ),
    ),
    filters=(
        lists.region_filter(),
        GROUP_FILTER,
        lists.date_filter("due", gettext_lazy("应访日期"), "period_end"),
        WORKER_FILTER,
        TEXT_FILTER,
    ),
    default_sort="due",
)
