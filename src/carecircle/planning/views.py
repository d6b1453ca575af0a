import datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import exports, scope
from carecircle.core.errors import InvalidInput, NotFound
from carecircle.core.models import Region
from carecircle.planning import (
    charts,
    coverage_maps,
    coverage_services,
    dashboard_page,
    defaults,
    forms,
    increases,
    projection,
    selectors,
    services,
)
from carecircle.planning.models import Indicator


def _day(request) -> datetime.date:
    return selectors.parse_day(request.GET.get("date"))


@login_required
def index(request):
    scope.require_perm(request.user, "planning.view")
    return redirect("planning:region", code=selectors.default_region(request.user))


@login_required
def region_dashboard(request, code: str):
    return _dashboard_page(request, code)


def _dashboard_page(request, code: str, *, failed=None, http_status: int = 200):
    return dashboard_page.render_dashboard(request, code, failed=failed, http_status=http_status)


@login_required
def indicator_detail(request, code: str, indicator_code: str):
    day = _day(request)
    region = selectors.region_for(request.user, code)
    if not Indicator.objects.filter(code=indicator_code, active=True).exists():
        raise NotFound()
    board = selectors.dashboard(user=request.user, region_code=region.code, day=day)
    row = next(r for r in board["indicators"] if r["code"] == indicator_code)
    target = row["target"]["value"] if row["target"] else None
    chart = charts.line_chart([(p["day"], p["value"]) for p in row["trend"]], target=target, unit=row["unit"])
    shapes = dict(
        Region.objects.filter(parent_id=region.code, boundary__isnull=False).values_list("code", "boundary")
    )
    points = [
        {
            "code": c["code"],
            "name": c["name"],
            "lat": c["latitude"],
            "lng": c["longitude"],
            "value": c["value"],
            "status": c["status"],
            "boundary": shapes.get(c["code"]),
        }
        for c in row["children"]
        if c["latitude"] is not None or c["code"] in shapes
    ]
    return render(
        request,
        "planning/indicator.html",
        {
            "board": board,
            "row": row,
            "day": day,
            "chart": mark_safe(chart),  # noqa: S308 - numbers only, labels escaped
            "map_data": {
                "points": points,
                "colours": charts.COLOURS,
                "centre": [region.latitude or 30.27, region.longitude or 120.15],
            },
        },
    )


def _today_if_none(day):
    return day or timezone.localdate()


@login_required
@require_POST
def value_enter(request, code: str):
    selectors.region_for(request.user, code)
    form = forms.ValueForm(request.POST)
    if not form.submit(
        lambda *, day, **values: services.value_enter(
            actor=request.user, region_code=code, day=_today_if_none(day), **values
        )
    ):
        return _dashboard_page(request, code, failed=form, http_status=422)
    messages.success(request, _("已保存"))
    return redirect("planning:region", code=code)


@login_required
@require_POST
def target_set(request, code: str):
    selectors.region_for(request.user, code)
    form = forms.TargetForm(request.POST)
    if not form.submit(partial(services.target_set, actor=request.user, region_code=code)):
        return _dashboard_page(request, code, failed=form, http_status=422)
    messages.success(request, _("目标已保存"))
    return redirect("planning:region", code=code)


@login_required
@require_POST
def targets_adopt(request, code: str):
    selectors.region_for(request.user, code)
    cities = {
        "hangzhou": defaults.HANGZHOU,
        "jiaxing": defaults.JIAXING,
        "qujing": defaults.QUJING,
        "yizhou": defaults.YIZHOU,
        "hechuan": defaults.HECHUAN,
    }
    form = forms.AdoptForm(request.POST)
    if not form.submit(
        lambda *, adopt: services.targets_adopt(actor=request.user, from_region=cities[adopt], to_region=code)
    ):
        return _dashboard_page(request, code, failed=form, http_status=422)
    messages.success(request, _("已采用 %(n)d 项目标") % {"n": form.result})
    return redirect("planning:region", code=code)


@login_required
@require_POST
def snapshot(request, code: str):
    selectors.region_for(request.user, code)
    form = forms.SnapshotForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(_("日期格式应为 YYYY-MM-DD"), field="day")
    day = _today_if_none(form.cleaned_data["day"])
    n = services.snapshot_take(actor=request.user, day=day, region_code=code)
    messages.success(request, _("已生成 %(d)s 的快照，共 %(n)d 项") % {"d": day, "n": n})
    return redirect(reverse("planning:region", args=[code]) + f"?date={day}")


@login_required
def export(request, code: str):
    """The dashboard of a region and its children as an Excel workbook (the export is audited)."""
    from openpyxl.styles import Font, PatternFill  # noqa: PLC0415 — start-up cost: a heavy library, loaded when this runs

    day = _day(request)
    board = services.dashboard_export(actor=request.user, region_code=code, day=day, request=request)
    wb = exports.workbook()
    ws = wb.active
    ws.title = _("指标")
    exports.sheet_append(
        ws, [_("区域"), board["region"]["name"], board["region"]["code"], _("日期"), day.isoformat()]
    )
    header = [
        _("代码"),
        _("指标"),
        _("单位"),
        _("数值"),
        _("目标年份"),
        _("目标"),
        _("差距"),
        _("状态"),
        _("计算方法"),
        _("出处"),
    ]
    exports.sheet_append(ws, header)
    for c in ws[2]:
        c.font = Font(bold=True)
    fills = {k: PatternFill("solid", fgColor=v.lstrip("#")) for k, v in charts.COLOURS.items()}
    for r in board["indicators"]:
        t = r["target"]
        exports.sheet_append(
            ws,
            [
                r["code"],
                r["name"],
                r["unit"],
                r["value"],
                t["year"] if t else None,
                t["text"] if t else None,
                r["gap"],
                r["status"],
                r["formula"],
                r["source"],
            ],
        )
        ws.cell(row=ws.max_row, column=8).fill = fills[r["status"]]
    kids = wb.create_sheet(_("下级区域"))
    children = board["indicators"][0]["children"] if board["indicators"] else []
    exports.sheet_append(kids, [_("代码"), _("指标")] + [c["name"] for c in children])
    for r in board["indicators"]:
        exports.sheet_append(kids, [r["code"], r["name"]] + [c["value"] for c in r["children"]])
    response = HttpResponse(
        exports.xlsx_bytes(wb),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="indicators-{code}-{day}.xlsx"'
    return response


@login_required
def projection_page(request, code: str):
    region = selectors.region_for(request.user, code)
    day = _day(request)
    main = projection.requirements(region.code, day)
    children = []
    for child in Region.objects.filter(parent_id=region.code).order_by("code"):
        p = projection.requirements(child.code, day)
        children.append({"region": child, "p": p})
    published = [g for g in defaults.PUBLISHED_GAPS]
    return render(
        request,
        "planning/projection.html",
        {
            "region": region,
            "day": day,
            "main": main,
            "children": children,
            "published": published,
            "increases": increases.all_progress(region.code, day),
            "increase_formula": increases.FORMULA,
            "assumptions": projection.ASSUMPTIONS,
        },
    )


@login_required
def coverage_list(request):
    return _coverage_list_page(request)


def _coverage_list_page(request, *, failed=None, http_status: int = 200):
    scope.require_perm(request.user, "planning.view")
    runs = list(selectors.coverage_runs(user=request.user)[:50])
    tops = selectors.coverage_tops(user=request.user, runs=runs)
    names = dict(Region.objects.filter(code__in={t["code"] for t in tops}).values_list("code", "name"))
    rows = [
        {
            "run": r,
            "top": t,
            "name": names.get(t["code"], t["code"]),
            "group": coverage_services.GROUPS.get(r.group, r.group),
            "kind": coverage_services.KIND_SETS.get(r.kind, (r.kind,))[0],
        }
        for r, t in zip(runs, tops, strict=True)
    ]
    can_manage = scope.has_perm(request.user, "planning.manage")
    return render(
        request,
        "planning/coverage_list.html",
        {
            "rows": rows,
            "kinds": coverage_services.KIND_SETS,
            "groups": coverage_services.GROUPS,
            "form": failed or (forms.CoverageForm(user=request.user) if can_manage else None),
            "can_manage": can_manage,
            "networks": selectors.networks(user=request.user)[:10],
            "failed": failed,
        },
        status=http_status,
    )


@login_required
@require_POST
def coverage_create(request):
    form = forms.CoverageForm(request.POST, user=request.user)
    if not form.submit(partial(coverage_services.coverage_run, actor=request.user)):
        return _coverage_list_page(request, failed=form, http_status=422)
    return redirect("planning:coverage_detail", coverage_run_id=form.result.pk)


def _centre(region) -> list[float]:
    return [getattr(region, "latitude", None) or 30.27, getattr(region, "longitude", None) or 120.15]


@login_required
def coverage_detail(request, coverage_run_id: int):
    return _coverage_page(request, selectors.coverage_get(user=request.user, run_id=coverage_run_id))


def _coverage_page(request, run, *, failed=None, http_status: int = 200):
    parent = request.GET.get("parent", "")
    if parent:
        selectors.region_for(request.user, parent)
    areas = selectors.coverage_areas(user=request.user, run=run, parent=parent)
    cells = selectors.coverage_cells(user=request.user, run=run)
    top = selectors.coverage_top(user=request.user, run=run)
    region = Region.objects.filter(code=top["code"]).first()
    return render(
        request,
        "planning/coverage_detail.html",
        {
            "run": run,
            "areas": areas,
            "top": top,
            "region": region,
            "map_data": {
                "cells": coverage_maps.gap_cells(run, cells),
                "centre": _centre(region),
                "facilities": coverage_maps.facilities(run),
            },
            "kind_label": coverage_services.KIND_SETS.get(run.kind, (run.kind,))[0],
            "group_label": coverage_services.GROUPS.get(run.group, run.group),
            "uncovered": sum(c["uncovered"] for c in cells),
            "sitings": run.sitings.all()[:10],
            "can_manage": scope.has_perm(request.user, "planning.manage", run.region_code),
            "failed": failed,
        },
        status=http_status,
    )


@login_required
@require_POST
def siting_create(request, coverage_run_id: int):
    run = selectors.coverage_get(user=request.user, run_id=coverage_run_id)
    form = forms.SitingForm(request.POST)
    if not form.submit(partial(coverage_services.siting_run, actor=request.user, coverage_run_id=run.pk)):
        return _coverage_page(request, run, failed=form, http_status=422)
    return redirect("planning:siting_detail", siting_id=form.result.pk)


@login_required
def siting_detail(request, siting_id: int):
    row = selectors.siting_get(user=request.user, siting_id=siting_id)
    r = row.result
    visible = [x for x in r.get("regions", []) if scope.has_perm(request.user, "planning.view", x["code"])]
    exact, greedy = r.get("exact", {}), r.get("greedy", {})
    ratio = (greedy.get("value", 0) / exact["value"]) if exact.get("value") else None
    region = Region.objects.filter(code=row.region_code).first()
    return render(
        request,
        "planning/siting_detail.html",
        {
            "siting": row,
            "r": r,
            "regions": visible,
            "ratio": ratio,
            "map_data": {
                "sites": coverage_maps.siting_sites(row),
                "centre": _centre(region),
                "limit_m": r.get("limit_m", 0),
            },
        },
    )
