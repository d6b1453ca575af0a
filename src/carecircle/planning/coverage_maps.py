"""What the coverage and siting maps show besides the figures: the gaps (H3 cells of uncovered
homes) and the chosen sites named by place (planning/places.py), and the facilities that already
serve (read through the facilities module's selectors, its public surface)."""

import h3
import numpy as np

from carecircle.core import regions
from carecircle.planning import places
from carecircle.planning.computations import module_selectors
from carecircle.planning.coverage_services import KIND_SETS
from carecircle.planning.models import CoverageRun, SitingRun

MAX_CELLS = 3000
MAX_FACILITIES = 2000


def _roads(run: CoverageRun) -> places.RoadIndex | None:
    """The run's named roads; None when the network's file is gone (a copied database): then
    places are named by community alone."""
    return places.road_index(run.network.file_name)


def gap_cells(run: CoverageRun, cells: list) -> list[dict]:
    """The cells for the map, each with its outline and its place name, largest gap first."""
    cells = list(cells)[:MAX_CELLS]
    if not cells:
        return []
    centres = np.array([h3.cell_to_latlng(c["h3"]) for c in cells], dtype=np.float64)
    names = places.labels(_roads(run), centres[:, 0], centres[:, 1], regions.prefix_of(run.region_code))
    return [
        {
            "h3": c["h3"],
            "n": c["uncovered"],
            "b": [list(p) for p in h3.cell_to_boundary(c["h3"])],
            "place": name,
        }
        for c, name in zip(cells, names, strict=True)
    ]


def facilities(run: CoverageRun) -> list[dict]:
    """The facilities of the run's kind in operation on its day inside its region (name, kind, place)."""
    sel = module_selectors("facilities")
    if sel is None:
        return []
    rows = (
        sel.facility_points(day=run.day)
        .filter(
            kind__in=KIND_SETS.get(run.kind, ("", []))[1],
            region_code__startswith=regions.prefix_of(run.region_code),
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .order_by("name")[:MAX_FACILITIES]
    )
    return [
        {"name": f.name, "kind": str(f.get_kind_display()), "lat": f.latitude, "lng": f.longitude}
        for f in rows
    ]


def siting_sites(row: SitingRun) -> list[dict]:
    """The chosen sites; a result saved before sites were named by place gets its names now."""
    sites = [dict(s) for s in (row.result or {}).get("sites", [])]
    old = [s for s in sites if not s.get("named") and row.candidates == "nodes"]
    if old:
        names = places.labels(
            _roads(row.coverage),
            np.array([s["latitude"] for s in old], dtype=np.float64),
            np.array([s["longitude"] for s in old], dtype=np.float64),
            regions.prefix_of(row.region_code),
        )
        for s, name in zip(old, names, strict=True):
            s["label"] = name
    return sites
