"""The care-visit module's card on the staff home page: this month's coverage and overdue visits."""

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
    month = selectors.plans_in_scope(user).filter(period_start__gte=first, period_start__lte=today)
    people = month.values("person_id").distinct().count()
    visited = month.filter(status=PlanStatus.DONE).values("person_id").distinct().count()
    overdue = selectors.overdue(user=user).count()
    mine = month.filter(assignee=user, status=PlanStatus.PLANNED).count()
    rate = f"{100 * visited / people:.1f}%" if people else "—"
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
