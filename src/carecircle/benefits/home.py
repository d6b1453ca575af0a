"""The benefits card on the staff home page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.benefits import selectors
from carecircle.core import scope


def cards(user) -> list[dict]:
    if not scope.has_perm(user, "benefits.view"):
        return _family(user)
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


def _family(user) -> list[dict]:
    """A family member's (or an older person's own) card: the allowances of their elders."""
    persons = list(selectors.my_persons(user)[:5])
    if not persons:
        return []
    return [
        {
            "title": _("家人的津贴补贴"),
            "entries": [(p.name, reverse("benefits:mine")) for p in persons],
            "link": (_("查看津贴和发放记录"), reverse("benefits:mine")),
            "leads": {"resident"},
        }
    ]
