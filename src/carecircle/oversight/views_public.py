"""Public disclosure pages and open data (一公开, issue 20 item 8; no sign-in): the supervised units
with their credit grade, suspension, inspection results and penalties, one unit's record, and the
open data files (CSV, GeoJSON). What may be shown is oversight/opendata.py's to say."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from carecircle.core import lists
from carecircle.core.forms import render_invalid
from carecircle.core.types import Request
from carecircle.oversight import opendata
from carecircle.oversight.models import Grade
from carecircle.oversight.views_public_forms import PublicUnitsForm

PAGE_SIZE = 50


def _file(body: bytes, name: str, content_type: str) -> HttpResponse:
    """An open data file, named after what it holds and the day (units.csv -> oversight-units-20260401.csv)."""
    stem, ext = name.rsplit(".", 1)
    response = HttpResponse(body, content_type=content_type)
    stamp = opendata.today_stamp(timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="oversight-{stem}-{stamp}.{ext}"'
    return response


def public_index(request: Request) -> HttpResponse:
    """The disclosure's front page: what is published and the open data files."""
    counts = dict.fromkeys(Grade.values, 0)
    for grade, n in opendata.grade_counts():
        counts[grade] = n
    context = {
        "grades": [(g, label, counts[g]) for g, label in Grade.choices],
        "suspended": opendata.suspended_count(),
    }
    return render(request, "oversight/public_index.html", context)


def public_units(request: Request) -> HttpResponse:
    form = PublicUnitsForm(request.GET)
    if not form.is_valid():
        return render_invalid(request, "oversight/public_units.html", {"form": form, "page": None})
    rows = opendata.units(**form.cleaned_data)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    names = lists.region_names(u.region_code for u in page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "names": names, "query": query.urlencode()}
    return render(request, "oversight/public_units.html", context)


def public_unit(request: Request, unit_id: int) -> HttpResponse:
    unit = opendata.units().filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    context = {
        "unit": unit,
        "place": opendata.places([unit.region_code])[unit.region_code],
        "results": opendata.results(unit=unit),
        "findings": opendata.findings_of(unit),
        "penalties": opendata.penalties(unit=unit),
    }
    return render(request, "oversight/public_unit.html", context)


def open_units_csv(request: Request) -> HttpResponse:  # noqa: ARG001 — Django's view signature
    body = opendata.csv_bytes(opendata.UNIT_HEADERS, opendata.unit_records(opendata.units()))
    return _file(body, "units.csv", "text/csv; charset=utf-8")


def open_units_geojson(request: Request) -> HttpResponse:  # noqa: ARG001 — Django's view signature
    response = JsonResponse(opendata.geojson(opendata.units()), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    return response


def open_results_csv(request: Request) -> HttpResponse:  # noqa: ARG001 — Django's view signature
    return _file(
        opendata.csv_bytes(opendata.RESULT_HEADERS, opendata.results()),
        "results.csv",
        "text/csv; charset=utf-8",
    )


def open_penalties_csv(request: Request) -> HttpResponse:  # noqa: ARG001 — Django's view signature
    body = opendata.csv_bytes(opendata.PENALTY_HEADERS, opendata.penalties())
    return _file(body, "penalties.csv", "text/csv; charset=utf-8")


def open_draws_csv(request: Request) -> HttpResponse:  # noqa: ARG001 — Django's view signature
    return _file(
        opendata.csv_bytes(opendata.DRAW_HEADERS, opendata.draws()), "draws.csv", "text/csv; charset=utf-8"
    )
