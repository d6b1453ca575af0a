"""The planning card on the staff home page: the newest 15-minute coverage and a link to the dashboard."""

from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.core import scope
from carecircle.planning import selectors


def cards(user) -> list[dict]:
    if not scope.has_perm(user, "planning.view"):
        return []
    figures = []
    for group, label in (("elder", _("老年人15分钟覆盖率")), ("infant", _("婴幼儿15分钟覆盖率"))):
        run = selectors.coverage_runs(user=user).filter(group=group).first()
        top = selectors.coverage_top(user=user, run=run) if run else None
        if top and top["population"]:  # the user's own region's part of the newest run
            figures.append((label, f"{100 * top['covered'] / top['population']:.1f}%"))
    return [
        {
            "title": _("规划与指标"),
            "leads": {"city_admin", "district_official"},  # officials: the indicators against their targets
            "figures": figures,
            "link": (_("打开指标看板"), reverse("planning:index")),
        }
    ]
