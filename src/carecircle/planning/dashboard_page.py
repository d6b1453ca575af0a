"""The region dashboard page: each indicator's value against its target as a bullet chart, a
readable trend, and the drill-down as a choropleth of the child regions (planning/choropleth.py)
with the same figures as a table beside it."""

from typing import Any

from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.core import regions, scope
from carecircle.core.errors import InvalidInput
from carecircle.core.models import Region
from carecircle.planning import charts, choropleth, forms, selectors
from carecircle.planning.models import Indicator, IndicatorTarget

DOMAINS = {
    "elder": gettext_lazy("养老服务主要指标"),
    "infant": gettext_lazy("托育服务主要指标"),
    "base": gettext_lazy("基础数据"),
}
SHOW = {
    "": gettext_lazy("全部指标"),
    "behind": gettext_lazy("未达标或接近目标"),
    "met": gettext_lazy("已达标"),
    "none": gettext_lazy("无数据或无目标"),
}
SHOW_STATUSES = {"behind": {"red", "amber"}, "met": {"green"}, "none": {"grey"}}


def _choice(request, name: str, allowed, label: str) -> str:
    value = request.GET.get(name, "")
    if value not in allowed:
        raise InvalidInput(_("%(f)s的取值无效") % {"f": label}, field=name)
    return value


def _annotate(row: dict[str, Any]) -> dict[str, Any]:
    target = row["target"]
    row["words"] = charts.status_words(
        row["status"], value=row["value"] if row["applicable"] else None, target=target
    )
    row["bullet"] = mark_safe(  # noqa: S308 - numbers, and labels escaped in charts
        charts.bullet_chart(
            value=row["value"] if row["applicable"] else None,
            target=target["value"] if target else None,
            status=row["status"],
            unit=row["unit"],
            target_text=target["text"] if target else "",
            width=500,
        )
    )
    points = [(p["day"], p["value"]) for p in row["trend"] if p["value"] is not None]
    row["trend_chart"] = (
        mark_safe(  # noqa: S308 - numbers, and labels escaped in charts
            charts.line_chart(
                points,
                target=target["value"] if target else None,
                unit=row["unit"],
                width=500,
                height=230,
            )
        )
        if len(points) >= 2
        else ""
    )
    return row


def render_dashboard(request, code: str, *, failed=None, http_status: int = 200):
    day = selectors.parse_day(request.GET.get("date"))
    domain = _choice(request, "domain", {"", *DOMAINS}, _("领域"))
    show = _choice(request, "show", SHOW, _("显示"))
    board = selectors.dashboard(user=request.user, region_code=code, day=day, domain=domain)
    rows = board["indicators"]
    counts = {s: sum(1 for r in rows if r["applicable"] and r["status"] == s) for s in charts.COLOURS}
    shown = [r for r in rows if r["applicable"] and (not show or r["status"] in SHOW_STATUSES[show])]
    # an indicator with neither a value nor a target has nothing to chart: named in a short list
    cards = [_annotate(dict(r)) for r in shown if r["value"] is not None or r["target"] is not None]
    bare = [r for r in shown if r["value"] is None and r["target"] is None]
    groups = [
        (title, [r for r in cards if r["domain"] == key], [r for r in bare if r["domain"] == key])
        for key, title in DOMAINS.items()
    ]
    children = rows[0]["children"] if rows else []
    mappable = [r for r in rows if r["computed"] and any(c["applicable"] for c in r["children"])]
    map_code = request.GET.get("map", "")
    if map_code and not Indicator.objects.filter(code=map_code, active=True).exists():
        raise InvalidInput(_("地图指标不存在"), field="map")
    if map_code not in {r["code"] for r in mappable} and mappable:  # not in this view: the first one
        with_values = [r for r in mappable if any(c["value"] is not None for c in r["children"])]
        map_code = (with_values or mappable)[0]["code"]
    map_row = next((r for r in mappable if r["code"] == map_code), None)
    region = Region.objects.get(code=board["region"]["code"])
    manual = [r for r in rows if not r["computed"] and r["applicable"]]
    return render(
        request,
        "planning/dashboard.html",
        {
            "board": board,
            "groups": groups,
            "shown_count": len(shown),
            "day": day,
            "domain": domain,
            "domains": DOMAINS,
            "show": show,
            "shows": SHOW,
            "counts": [(s, charts.status_words(s), counts[s]) for s in ("green", "amber", "red", "grey")],
            "manual": manual,
            "children": children,
            "matrix": [r for r in rows if r["computed"] and r["applicable"]],
            "mappable": mappable,
            "map_row": map_row,
            "map_data": choropleth.map_data(map_row, region) if map_row and children else None,
            "can_enter": scope.has_perm(request.user, "planning.enter", code),
            "all_indicators": Indicator.objects.filter(active=True),
            "ops": IndicatorTarget.Op.choices,
            "can_manage": scope.has_perm(request.user, "planning.manage", code),
            "level_name": regions.LEVEL_NAMES[board["region"]["level"]],
            "failed": failed,
            "adopt_sources": forms.CITIES,
        },
        status=http_status,
    )
