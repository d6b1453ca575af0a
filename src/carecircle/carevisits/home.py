"""The care-visit module's card on the staff home page: this month's coverage (特殊困难老年人月探访率,
the indicator E12) and overdue visits."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.carevisits import selectors
from carecircle.carevisits.models import PlanStatus
from carecircle.core import scope


def cards(user) -> list[dict]:
    if not scope.has_perm(user, "carevisits.view"):
        return []
    today = timezone.localdate()
    first = today.replace(day=1)
    # 月探访率 is 特殊困难老年人月探访率 as the indicator E12 counts it (selectors.visit_coverage_in_scope);
    # 应探访对象 is everyone on this month's rounds (children too)
    visited, due, people = selectors.visit_coverage_in_scope(user=user, year=today.year, month=today.month)
    month = selectors.plans_in_scope(user).filter(period_start__gte=first, period_start__lte=today)
    overdue = selectors.overdue(user=user).count()
    mine = month.filter(assignee=user, status=PlanStatus.PLANNED).count()
    rate = f"{100 * visited / due:.1f}%" if due else "—"
    return [
        {
            "title": _("探访关爱（本月）"),
            "leads": {"community_worker"},  # the community worker's round of visits
            "urgent": overdue > 0,
            "figures": [
                (_("应探访对象"), people),
                (_("月探访率"), rate),
                (_("逾期未访"), overdue),
                (_("我的待访"), mine),
            ],
            "entries": [
                (_("逾期与待跟进"), reverse("carevisits:overdue")),
                (_("探访覆盖率"), reverse("carevisits:coverage")),
            ],
            "link": (_("我的探访任务"), reverse("carevisits:worklist")),
        }
    ]
