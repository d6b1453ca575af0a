"""The workforce indicators page (issue 21, item 5): the user's regions and the regions one level
below them, each indicator computed from the register (workforce/indicators.py) beside the seeds'
targets. Staff with workforce.view only; the regions shown are those of their grants."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from carecircle.core import regions, scope
from carecircle.core.models import Region
from carecircle.workforce import indicators


def _regions(user) -> list[Region]:
    codes = scope.region_codes(user, "workforce.view")
    tops = list(Region.objects.filter(code__in=codes))
    children = Region.objects.filter(parent__in=tops).order_by("code")
    return [*sorted(tops, key=lambda r: r.code), *children]


@login_required
def indicators_page(request):
    scope.require_perm(request.user, "workforce.view")
    raw = request.GET.get("day") or ""
    try:
        day = datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    shown = _regions(request.user)
    prefix = {r.code: regions.prefix_of(r.code) for r in shown}
    values = indicators.evaluate(sorted(set(prefix.values())), day)
    rows = [(r, values[prefix[r.code]]) for r in shown]
    return render(
        request,
        "workforce/indicators_page.html",
        {"rows": rows, "day": day, "indicators": indicators.INDICATORS},
    )
