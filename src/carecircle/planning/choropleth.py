"""The dashboard's drill-down as a choropleth: the child regions' shapes coloured in classes of one
indicator's value, with the class bounds for the legend. A region's shape is its imported boundary
(core Region.boundary, GeoJSON); a region without one is drawn as the area nearer to its centre than
to any sibling's (a Voronoi cell inside the siblings' surrounding box), and marked as approximate."""

import math
from typing import Any, TypedDict

from carecircle.core import regions
from carecircle.core.models import Region
from carecircle.planning.charts import status_words
from carecircle.planning.types import IndicatorFigure

# ColorBrewer YlGnBu: sequential, legible for the common colour-vision deficiencies and in grey.
PALETTE = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
NO_VALUE = "#d9d9d9"


class ClassBound(TypedDict):
    lo: float
    hi: float
    colour: str


class MapRegion(TypedDict):
    code: str
    name: str
    value: float | None
    status: str
    status_label: str
    colour: str
    approximate: bool
    geometry: dict[str, Any] | None


def classes(values: list[float], n: int = 5) -> list[ClassBound]:
    """Equal-interval classes over the values (as many as there are distinct values, at most n)."""
    if not values:
        return []
    lo, hi = min(values), max(values)
    k = min(n, len(set(values)))
    if k <= 1 or hi == lo:
        return [{"lo": lo, "hi": hi, "colour": PALETTE[2]}]  # one value: no "darker is higher" to tell
    step = (hi - lo) / k
    colours = PALETTE[len(PALETTE) - k :] if k < len(PALETTE) else PALETTE
    return [
        {"lo": lo + step * i, "hi": hi if i == k - 1 else lo + step * (i + 1), "colour": colours[i]}
        for i in range(k)
    ]


def colour_of(value: float | None, bounds: list[ClassBound]) -> str:
    if value is None or not bounds:
        return NO_VALUE
    for b in bounds:
        if value < b["hi"]:
            return b["colour"]
    return bounds[-1]["colour"]


def _clip(poly: list[tuple[float, float]], a: float, b: float, c: float) -> list[tuple[float, float]]:
    """The part of a convex polygon where a·x + b·y <= c (Sutherland–Hodgman, one edge)."""
    out: list[tuple[float, float]] = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0 < fq) or (fq < 0 < fp):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_cells(
    centres: dict[str, tuple[float, float]], extent: list[tuple[float, float]] | None = None
) -> dict[str, dict[str, Any]]:
    """centres: code -> (lat, lng). Each code's Voronoi cell, clipped to the box around the centres
    and the `extent` points (lat, lng: e.g. every place under the parent) grown by a margin, as a
    GeoJSON Polygon. Distances are taken with longitude shrunk by cos(latitude)."""
    if not centres:
        return {}
    lat0 = sum(la for la, _lo in centres.values()) / len(centres)
    k = math.cos(math.radians(lat0)) or 1.0
    pts = {c: (lng * k, lat) for c, (lat, lng) in centres.items()}
    around = list(pts.values()) + [(lng * k, lat) for lat, lng in extent or []]
    xs, ys = [p[0] for p in around], [p[1] for p in around]
    margin = max(max(xs) - min(xs), max(ys) - min(ys)) * 0.1 or 0.01
    box = [
        (min(xs) - margin, min(ys) - margin),
        (max(xs) + margin, min(ys) - margin),
        (max(xs) + margin, max(ys) + margin),
        (min(xs) - margin, max(ys) + margin),
    ]
    cells: dict[str, dict[str, Any]] = {}
    for code, p in pts.items():
        poly = list(box)
        for other, q in pts.items():
            if other == code or q == p:
                continue
            a, b = q[0] - p[0], q[1] - p[1]
            poly = _clip(poly, a, b, (q[0] ** 2 + q[1] ** 2 - p[0] ** 2 - p[1] ** 2) / 2)
            if not poly:
                break
        if len(poly) >= 3:
            ring = [[round(x / k, 6), round(y, 6)] for x, y in poly]
            cells[code] = {"type": "Polygon", "coordinates": [ring + [ring[0]]]}
    return cells


def map_data(row: IndicatorFigure, parent: Region) -> dict[str, Any]:
    """The choropleth of one indicator over the parent's child regions (all of them, in code order:
    a child with no shape has geometry None and is listed in the table only)."""
    kids = list(Region.objects.filter(parent_id=parent.code).order_by("code"))
    figures = {c["code"]: c for c in row["children"]}
    shapes = {r.code: r.boundary for r in kids if r.boundary}
    approx = voronoi_cells(
        {
            r.code: (r.latitude, r.longitude)
            for r in kids
            if r.code not in shapes and r.latitude is not None and r.longitude is not None
        },
        [
            (la, lo)
            for la, lo in Region.objects.filter(
                code__startswith=regions.prefix_of(parent.code), level__lte=parent.level + 2
            ).values_list("latitude", "longitude")
            if la is not None and lo is not None
        ],
    )
    values = [f["value"] for f in figures.values() if f["value"] is not None and f["applicable"]]
    bounds = classes(values)
    drawn: list[MapRegion] = []
    for r in kids:
        f = figures.get(r.code)
        value = f["value"] if f and f["applicable"] else None
        status = f["status"] if f else "grey"
        drawn.append(
            {
                "code": r.code,
                "name": r.name,
                "value": value,
                "status": status,
                "status_label": status_words(status, value=value, target=None if f is None else True)[
                    "label"
                ],
                "colour": colour_of(value, bounds),
                "approximate": r.code not in shapes,
                "geometry": shapes.get(r.code) or approx.get(r.code),
            }
        )
    return {
        "indicator": {"code": row["code"], "name": row["name"], "unit": row["unit"]},
        "regions": drawn,
        "classes": bounds,
        "no_value": NO_VALUE,
        "approximate": any(r["approximate"] and r["geometry"] for r in drawn),
        "centre": [parent.latitude or 30.27, parent.longitude or 120.15],
    }
