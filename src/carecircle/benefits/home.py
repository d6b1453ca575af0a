"""The benefits card on the staff home page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.benefits import selectors
from carecircle.core import scope


def cards(user) -> list[dict]:
    if not scope.has_perm(user, "benefits.view"):
        return []
    counts = selectors.payroll_counts(user=user)
    return [
        {
            "title": _("津贴补贴（免申即享）"),
            "figures": [
                (_("待审核批次"), counts["prepared"]),
                (_("已审批待发放"), counts["approved"]),
                (_("待处理申诉"), counts["open_appeals"]),
            ],
            "link": (_("发放批次"), reverse("benefits:payroll_index")),
        }
    ]
