"""The 一网统管 cockpit page and its lists (issue 20 item 7; oversight/cockpit.py holds the figures)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from carecircle.core import list_pages
from carecircle.core.forms import render_invalid
from carecircle.core.types import AuthedRequest
from carecircle.oversight import cockpit, cockpit_lists
from carecircle.oversight.cockpit_forms import CockpitRegionForm
from carecircle.oversight.models import Grade

# the map's colour of each credit grade (the legend shows them with their names)
GRADE_COLOURS = {"A": "#067647", "B": "#1d4ed8", "C": "#b45309", "D": "#b42318"}


def _context(area: cockpit.Area, form: CockpitRegionForm) -> dict[str, object]:
    today = timezone.localdate()
    return {
        "form": form,
        "area": area,
        "year": today.year,
        "figures": cockpit.figures(area, today),
        "plans": cockpit.plans_of(area, today).count(),
        "rows": cockpit.breakdown(cockpit.children(area), today),
        "points": cockpit.map_units(area),
        "legend": [(g, label, GRADE_COLOURS[g]) for g, label in Grade.choices],
        "colours": GRADE_COLOURS,
    }


@login_required
def cockpit_page(request: AuthedRequest) -> HttpResponse:
    """The cockpit of `?region=` (a code or a name; none: the user's widest region)."""
    form = CockpitRegionForm(request.GET, user=request.user)
    if not form.is_valid():
        context = _context(cockpit.area_for(request.user), form)
        return render_invalid(request, "oversight/cockpit.html", context)
    area = cockpit.area_for(request.user, form.cleaned_data["region"])
    shown = CockpitRegionForm(initial={"region": area.code}, user=request.user)
    return render(request, "oversight/cockpit.html", _context(area, shown))


@login_required
def cockpit_regions(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, cockpit_lists.REGIONS)


@login_required
def cockpit_findings(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, cockpit_lists.FINDINGS)


@login_required
def cockpit_suspended(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, cockpit_lists.SUSPENDED)


@login_required
def cockpit_plans(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, cockpit_lists.PLANS)
