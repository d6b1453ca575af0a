"""The inspector's task list and the findings (整改通知) list, on the list component."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecircle.core import lists, scope
from carecircle.core.types import Actor
from carecircle.oversight import selectors
from carecircle.oversight.models import FindingState, InspectionState, Severity


def _overdue(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    today = timezone.localdate()
    late = qs.filter(deadline__lt=today).exclude(state=FindingState.CLOSED)
    return late if value == "yes" else qs.exclude(pk__in=late.values("pk"))


TASKS = lists.ListSpec(
    name="oversight.tasks",
    title=_("我的检查任务"),
    perm="oversight.inspect",
    rows=lambda user: selectors.my_inspections(user=user),
    file_name="inspection-tasks",
    columns=(
        lists.Column(
            "unit",
            _("检查对象"),
            lambda i: i.unit.name,
            sort=("unit__name",),
            link=lambda i: reverse("oversight:inspection_detail", args=[i.pk]),
        ),
        lists.Column("plan", _("抽查计划"), lambda i: i.drawn.plan.name, sort=("drawn__plan__published_at",)),
        lists.Column("region", _("所属社区"), lambda i: i.region_code, sort=("region_code",), region=True),
        lists.Column("state", _("状态"), lambda i: i.get_state_display(), sort=("state",)),
    ),
    filters=(lists.choice_filter("state", _("状态"), InspectionState.choices),),
    default_sort="state",
)


def _may_see_findings(user: Actor) -> bool:
    return scope.has_perm(user, "oversight.view") or selectors.own_units_q(user) is not None


FINDINGS = lists.ListSpec(
    name="oversight.findings",
    title=_("整改通知"),
    perm="oversight.findings",
    access=_may_see_findings,
    rows=lambda user: selectors.findings_visible(user=user),
    file_name="rectification-notices",
    columns=(
        lists.Column(
            "unit",
            _("检查对象"),
            lambda f: f.unit.name,
            sort=("unit__name",),
            link=lambda f: reverse("oversight:finding_detail", args=[f.pk]),
        ),
        lists.Column("item", _("检查事项"), lambda f: f.item.title),
        lists.Column("severity", _("严重程度"), lambda f: f.get_severity_display(), sort=("severity",)),
        lists.Column("state", _("状态"), lambda f: f.get_state_display(), sort=("state",)),
        lists.Column("deadline", _("整改期限"), lambda f: f.deadline, sort=("deadline",)),
        lists.Column("region", _("所属社区"), lambda f: f.region_code, sort=("region_code",), region=True),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("state", _("状态"), FindingState.choices),
        lists.choice_filter("severity", _("严重程度"), Severity.choices),
        lists.choice_filter(
            "overdue", _("逾期"), (("yes", _("已逾期")), ("no", _("未逾期"))), apply=_overdue
        ),
    ),
    default_sort="deadline",
)
