"""The platform's own basemap, served at /planning/tiles/<version>/<z>/<x>/<y>.png.

What it draws: the stored walking networks (the newest of each area; planning/network.py), their
water, and every region's boundary (core.models.Region.boundary). Tiles are drawn on first request
(planning/basemap_render.py) and kept under $CARECIRCLE_HOME/planning/tiles/<version>/. The version
is a hash of the networks drawn and of the boundaries (their number and total size), so a new
network or an edited boundary gives new URLs and the old tiles are removed: a browser may keep a
tile for a year (`immutable`), as its URL never shows anything else.

Tiles are public (no sign-in): the public facility map needs a basemap too, and a tile shows only
streets, water and administrative outlines — no person, home or facility. What anybody can make
the server draw and store is bounded: tiles outside the data's extent are one blank image from
memory, never written, and zoom stops at 18.

`tiles()` is the hook core's map tag finds through core.plugins (core imports no module): the URL
template and attribution that pages use when the deployment names no tile service."""

import hashlib
import shutil
import threading
from pathlib import Path

import numpy as np
from django.db.models import Count, Sum, TextField
from django.db.models.functions import Cast, Length
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from carecircle.core import regions
from carecircle.core.models import Region
from carecircle.planning import basemap_render as render
from carecircle.planning.models import RoadNetwork
from carecircle.planning.network import Network, storage_dir

RENDER_REVISION = "1"  # raise when the drawing changes: every tile gets a new URL
CACHE_CONTROL = "public, max-age=31536000, immutable"


def drawn_networks() -> list[RoadNetwork]:
    """The newest network of each area; an older one whose area lies inside a newer one's is left out."""
    kept: list[RoadNetwork] = []
    for net in RoadNetwork.objects.order_by("-created_at", "-pk"):
        if not any(regions.contains(k.region_code, net.region_code) for k in kept):
            kept.append(net)
    return kept


def current_version() -> str:
    nets = drawn_networks()
    shapes = Region.objects.filter(boundary__isnull=False).aggregate(
        n=Count("code"), size=Sum(Length(Cast("boundary", TextField())))
    )
    key = f"{RENDER_REVISION}|{[(n.pk, n.file_name) for n in nets]}|{shapes['n']}|{shapes['size']}"
    return hashlib.sha1(key.encode()).hexdigest()[:12]


def _rings(geometry) -> list[list]:
    """The rings of a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection."""
    if not isinstance(geometry, dict):
        return []
    kind = geometry.get("type")
    if kind == "Feature":
        return _rings(geometry.get("geometry"))
    if kind == "FeatureCollection":
        return [r for f in geometry.get("features") or [] for r in _rings(f)]
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coords)
    if kind == "MultiPolygon":
        return [r for poly in coords for r in poly]
    if kind in ("LineString", "MultiLineString"):
        return [coords] if kind == "LineString" else list(coords)
    return []


def build_layers() -> render.Layers:
    edges, water = [], []
    for row in drawn_networks():
        path = storage_dir() / row.file_name
        if not path.exists():
            continue
        net = Network.load(path)
        edges.append((net.lat[net.src], net.lon[net.src], net.lat[net.dst], net.lon[net.dst]))
        if net.water is not None:
            w = net.water
            for k in range(w.parts):
                s, e = int(w.start[k]), int(w.start[k + 1])
                water.append((w.lat[s:e], w.lon[s:e], bool(w.area[k])))
    outlines = []
    for level, shape in Region.objects.filter(boundary__isnull=False).values_list("level", "boundary"):
        for ring in _rings(shape):
            try:
                xy = np.asarray(ring, dtype=np.float64)
            except (TypeError, ValueError):  # a malformed ring in an imported boundary: not drawn
                continue
            if xy.ndim == 2 and xy.shape[0] >= 2 and xy.shape[1] >= 2:
                outlines.append((xy[:, 1], xy[:, 0], level <= regions.STREET))
    return render.build(edges, water, outlines)


_layers: dict[str, render.Layers] = {}
_lock = threading.Lock()


def layers(version: str) -> render.Layers:
    """The layers of `version`, built once per process (one version kept)."""
    with _lock:
        hit = _layers.get(version)
        if hit is None:
            hit = build_layers()
            _layers.clear()
            _layers[version] = hit
        return hit


def cache_root() -> Path:
    return storage_dir() / "tiles"


def _forget_other_versions(version: str) -> None:
    root = cache_root()
    if root.is_dir():
        for old in root.iterdir():
            if old.name != version:
                shutil.rmtree(old, ignore_errors=True)


def tile_png(version: str, z: int, x: int, y: int) -> bytes:
    """The PNG of a tile of the current version: from the disk cache, else drawn (and stored when
    it lies on the data)."""
    path = cache_root() / version / str(z) / str(x) / f"{y}.png"
    if path.is_file():
        return path.read_bytes()
    lay = layers(version)
    if not render.touches(lay, z, x, y):
        return render.blank_png()
    data = render.encode(render.render(lay, z, x, y))
    if not (cache_root() / version).is_dir():
        _forget_other_versions(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{y}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return data


def tile_url(version: str) -> str:
    """The URL template ({z}/{x}/{y}) of a version's tiles."""
    zero = reverse("planning:basemap_tile", kwargs={"version": version, "z": 0, "x": 0, "y": 0})
    return zero[: -len("0/0/0.png")] + "{z}/{x}/{y}.png"


def tiles() -> dict | None:
    """For core's map tag: the platform's tiles, or None when there is nothing to draw."""
    nets = drawn_networks()
    if not nets and not Region.objects.filter(boundary__isnull=False).exists():
        return None
    credit = _("底图：本平台根据路网和区划边界绘制")
    if any(n.source.startswith("OpenStreetMap") for n in nets):
        credit += _("；路网 © OpenStreetMap 贡献者")
    return {"url": tile_url(current_version()), "attribution": credit, "max_zoom": render.MAX_ZOOM}


@require_safe
def tile(request, version: str, z: int, x: int, y: int) -> HttpResponse:  # noqa: ARG001 — a Django view's signature
    """One tile. Coordinates outside the zoom's range: 404. A URL of an older version is sent to
    the current one (the page was opened before the data changed)."""
    if not render.valid(z, x, y):
        raise Http404(_("没有这块底图"))
    cached = cache_root() / version / str(z) / str(x) / f"{y}.png"
    if not cached.is_file():
        current = current_version()
        if version != current:
            moved = HttpResponseRedirect(tile_url(current).format(z=z, x=x, y=y))
            moved["Cache-Control"] = "no-cache"
            return moved
    response = HttpResponse(tile_png(version, z, x, y), content_type="image/png")
    response["Cache-Control"] = CACHE_CONTROL
    response.shared_cacheable = True  # type: ignore[attr-defined]  # core.middleware.NoStoreMiddleware: no personal data
    return response
