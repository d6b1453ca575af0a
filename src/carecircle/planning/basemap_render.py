"""The platform's own basemap: 256-pixel PNG tiles (XYZ, Web Mercator) drawn with Pillow from the
road network, water and region outlines, so that a map needs no tile server outside the platform.

Geometry is projected once to "world" coordinates (Web Mercator scaled to the unit square, y down)
when the layers are built; a tile at zoom z, column x, row y covers [x, x+1) × [y, y+1) / 2^z of it.
Edges are indexed by a grid of zoom-15 tiles over the data's extent (CSR: the edges of each cell
in one slice), so a tile reads only the cells under it instead of testing every edge; at low zooms
thin lines are set pixel by pixel with numpy rather than one Pillow call a segment."""

import io
import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

TILE = 256
MAX_ZOOM = 18  # about 0.6 m a pixel: closer adds nothing the data holds
GRID_ZOOM = 15  # the index's cells: tiles of zoom 15 (about 1 km across at 30° N)
MAX_LAT = 85.0511287798  # Web Mercator's edge

# palette indices (the tiles are 8-bit palette PNGs: small and quick to encode)
BACKGROUND, WATER, CASING, ROAD, MINOR, OUTLINE, OUTLINE_MAJOR = range(7)
PALETTE = [
    (242, 239, 233),  # land
    (170, 211, 223),  # water
    (201, 193, 180),  # road casing
    (255, 255, 255),  # road
    (176, 168, 156),  # roads at low zoom, one pixel wide
    (150, 132, 184),  # community outline
    (112, 88, 160),  # street and district outline
]


def valid(z: int, x: int, y: int) -> bool:
    return 0 <= z <= MAX_ZOOM and 0 <= x < (1 << z) and 0 <= y < (1 << z)


def world(lat, lon) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator in the unit square: x east from 180° W, y south from the top edge (85.05° N)."""
    lat = np.clip(np.asarray(lat, dtype=np.float64), -MAX_LAT, MAX_LAT)
    lon = np.asarray(lon, dtype=np.float64)
    s = np.sin(np.radians(lat))
    return (lon + 180.0) / 360.0, 0.5 - np.log((1 + s) / (1 - s)) / (4 * math.pi)


def tile_of(lat: float, lon: float, z: int) -> tuple[int, int]:
    """The (x, y) of the tile at zoom z that holds a point."""
    wx, wy = world(lat, lon)
    n = 1 << z
    return min(int(float(wx) * n), n - 1), min(int(float(wy) * n), n - 1)


@dataclass
class Part:
    """A ring or line in world coordinates with its bounding box."""

    x: np.ndarray
    y: np.ndarray
    kind: int  # palette index of its colour
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    def __post_init__(self) -> None:
        self.box = (float(self.x.min()), float(self.y.min()), float(self.x.max()), float(self.y.max()))


@dataclass
class Layers:
    """Everything a tile draws, in world coordinates, with the edges' grid index."""

    ax: np.ndarray  # per edge: one end (x, y) and the other
    ay: np.ndarray
    bx: np.ndarray
    by: np.ndarray
    water_areas: list[Part] = field(default_factory=list)
    water_lines: list[Part] = field(default_factory=list)
    outlines: list[Part] = field(default_factory=list)
    # the grid: cells [gx0, gx0+gw) × [gy0, gy0+gh) of zoom GRID_ZOOM; cell c's edges are
    # cell_edges[cell_start[c]:cell_start[c+1]]
    gx0: int = 0
    gy0: int = 0
    gw: int = 0
    gh: int = 0
    cell_start: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    cell_edges: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    extent: tuple[float, float, float, float] | None = None  # world box of all the data

    @property
    def edges(self) -> int:
        return len(self.ax)


def _index(layers: Layers) -> None:
    n = 1 << GRID_ZOOM
    if layers.edges == 0:
        return
    x0 = np.floor(np.minimum(layers.ax, layers.bx) * n).astype(np.int64)
    x1 = np.floor(np.maximum(layers.ax, layers.bx) * n).astype(np.int64)
    y0 = np.floor(np.minimum(layers.ay, layers.by) * n).astype(np.int64)
    y1 = np.floor(np.maximum(layers.ay, layers.by) * n).astype(np.int64)
    layers.gx0, layers.gy0 = int(x0.min()), int(y0.min())
    layers.gw, layers.gh = int(x1.max()) - layers.gx0 + 1, int(y1.max()) - layers.gy0 + 1
    # an edge goes into every cell its bounding box touches (nearly always one or two)
    spanx, spany = x1 - x0 + 1, y1 - y0 + 1
    count = spanx * spany
    edge = np.repeat(np.arange(layers.edges), count)
    k = np.arange(len(edge)) - np.repeat(np.cumsum(count) - count, count)
    cx = np.repeat(x0, count) + k % np.repeat(spanx, count) - layers.gx0
    cy = np.repeat(y0, count) + k // np.repeat(spanx, count) - layers.gy0
    cell = cy * layers.gw + cx
    order = np.argsort(cell, kind="stable")
    layers.cell_edges = edge[order]
    layers.cell_start = np.searchsorted(cell[order], np.arange(layers.gw * layers.gh + 1)).astype(np.int64)


def build(
    edges: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    water: list[tuple[np.ndarray, np.ndarray, bool]],
    outlines: list[tuple[np.ndarray, np.ndarray, bool]],
) -> Layers:
    """Layers from edges as (lat_a, lon_a, lat_b, lon_b) arrays, water parts (lat, lon, filled)
    and region rings (lat, lon, major: a street's or district's)."""
    la = np.concatenate([e[0] for e in edges]) if edges else np.zeros(0)
    lo = np.concatenate([e[1] for e in edges]) if edges else np.zeros(0)
    lb = np.concatenate([e[2] for e in edges]) if edges else np.zeros(0)
    lob = np.concatenate([e[3] for e in edges]) if edges else np.zeros(0)
    ax, ay = world(la, lo)
    bx, by = world(lb, lob)
    layers = Layers(ax=ax, ay=ay, bx=bx, by=by)
    for lat, lon, filled in water:
        if len(lat) >= 2:
            wx, wy = world(lat, lon)
            (layers.water_areas if filled and len(lat) >= 3 else layers.water_lines).append(
                Part(wx, wy, WATER)
            )
    for lat, lon, major in outlines:
        if len(lat) >= 2:
            ox, oy = world(lat, lon)
            layers.outlines.append(Part(ox, oy, OUTLINE_MAJOR if major else OUTLINE))
    _index(layers)
    boxes = [p.box for p in (*layers.water_areas, *layers.water_lines, *layers.outlines)]
    if layers.edges:
        xs, ys = np.concatenate([ax, bx]), np.concatenate([ay, by])
        boxes.append((float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())))
    if boxes:
        b = np.array(boxes)
        layers.extent = (
            float(b[:, 0].min()),
            float(b[:, 1].min()),
            float(b[:, 2].max()),
            float(b[:, 3].max()),
        )
    return layers


def road_widths(z: int) -> tuple[int, int]:
    """(casing, road) widths in pixels; casing 0: one thin line in the low-zoom colour."""
    return {14: (4, 2), 15: (5, 3), 16: (7, 5), 17: (10, 8), 18: (14, 11)}.get(z, (0, 1))


def candidate_edges(layers: Layers, box: tuple[float, float, float, float]) -> np.ndarray:
    """Edges whose cells meet the world box (a superset of those that cross it), each once."""
    if layers.edges == 0:
        return np.zeros(0, dtype=np.int64)
    n = 1 << GRID_ZOOM
    cx0 = max(int(math.floor(box[0] * n)) - layers.gx0, 0)
    cx1 = min(int(math.floor(box[2] * n)) - layers.gx0, layers.gw - 1)
    cy0 = max(int(math.floor(box[1] * n)) - layers.gy0, 0)
    cy1 = min(int(math.floor(box[3] * n)) - layers.gy0, layers.gh - 1)
    if cx0 > cx1 or cy0 > cy1:
        return np.zeros(0, dtype=np.int64)
    s = layers.cell_start
    rows = [
        layers.cell_edges[s[r * layers.gw + cx0] : s[r * layers.gw + cx1 + 1]] for r in range(cy0, cy1 + 1)
    ]
    found = np.concatenate(rows)
    if cx1 == cx0 and cy1 == cy0:
        return found
    # an edge over several cells is listed in each: once is enough
    seen = np.zeros(layers.edges, dtype=bool)
    seen[found] = True
    return np.flatnonzero(seen)


def _blank() -> Image.Image:
    img = Image.new("P", (TILE, TILE), BACKGROUND)
    img.putpalette([c for rgb in PALETTE for c in rgb])
    return img


def encode(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG", compress_level=3)  # drawn once, then served from disk
    return out.getvalue()


def blank_png() -> bytes:
    """A tile with nothing on it (outside the data)."""
    return encode(_blank())


def _parts(draw: ImageDraw.ImageDraw, parts: list[Part], box, scale, ox, oy, width: int, fill: bool):
    for p in parts:
        if p.box[2] < box[0] or p.box[0] > box[2] or p.box[3] < box[1] or p.box[1] > box[3]:
            continue
        pts = list(zip(((p.x * scale) - ox).tolist(), ((p.y * scale) - oy).tolist(), strict=True))
        if fill:
            draw.polygon(pts, fill=p.kind)
        else:
            draw.line(pts, fill=p.kind, width=width)


def _segments(layers: Layers, picked: np.ndarray, scale: float, ox: float, oy: float) -> np.ndarray:
    """Pixel coordinates (n × 4) of the picked edges."""
    seg = np.column_stack(
        [
            layers.ax[picked] * scale - ox,
            layers.ay[picked] * scale - oy,
            layers.bx[picked] * scale - ox,
            layers.by[picked] * scale - oy,
        ]
    )
    return seg


def _box(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile's world box, widened by the widest line: a line drawn just outside still reaches in."""
    casing, road = road_widths(z)
    n = 1 << z
    pad = (max(casing, road, 4) + 2) / (TILE * n)
    return (x / n - pad, y / n - pad, (x + 1) / n + pad, (y + 1) / n + pad)


def touches(layers: Layers, z: int, x: int, y: int) -> bool:
    """Whether the tile meets the data's extent (else it is blank)."""
    e, box = layers.extent, _box(z, x, y)
    return e is not None and not (e[2] < box[0] or e[0] > box[2] or e[3] < box[1] or e[1] > box[3])


def _thin_lines(pixels: np.ndarray, seg: np.ndarray, colour: int, width: int) -> None:
    """Rasterise segments 1 or 2 pixels wide: points every pixel along each segment."""
    if len(seg) == 0:
        return
    dx, dy = seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1]
    steps = np.minimum(np.ceil(np.maximum(np.abs(dx), np.abs(dy))).astype(np.int64), 4 * TILE) + 1
    owner = np.repeat(np.arange(len(seg)), steps)
    t = (np.arange(len(owner)) - np.repeat(np.cumsum(steps) - steps, steps)) / np.repeat(
        np.maximum(steps - 1, 1), steps
    )
    px = np.floor(seg[owner, 0] + t * dx[owner]).astype(np.int64)
    py = np.floor(seg[owner, 1] + t * dy[owner]).astype(np.int64)
    for ddx, ddy in ((0, 0), (1, 0), (0, 1), (1, 1))[: 1 if width < 2 else 4]:
        qx, qy = px + ddx, py + ddy
        inside = (qx >= 0) & (qx < TILE) & (qy >= 0) & (qy < TILE)
        pixels[qy[inside], qx[inside]] = colour


def render(layers: Layers, z: int, x: int, y: int) -> Image.Image:
    """Draw one tile: water, roads, then region outlines on top."""
    img = _blank()
    if not touches(layers, z, x, y):
        return img
    scale = float(TILE * (1 << z))
    ox, oy = float(x * TILE), float(y * TILE)
    casing, road = road_widths(z)
    box = _box(z, x, y)
    draw = ImageDraw.Draw(img)
    _parts(draw, layers.water_areas, box, scale, ox, oy, 1, True)
    _parts(draw, layers.water_lines, box, scale, ox, oy, 1 if z < 13 else (2 if z < 15 else 4), False)
    picked = candidate_edges(layers, box)
    if len(picked):
        a = layers
        hit = (
            (np.maximum(a.ax[picked], a.bx[picked]) >= box[0])
            & (np.minimum(a.ax[picked], a.bx[picked]) <= box[2])
            & (np.maximum(a.ay[picked], a.by[picked]) >= box[1])
            & (np.minimum(a.ay[picked], a.by[picked]) <= box[3])
        )
        seg = _segments(layers, picked[hit], scale, ox, oy)
        if not casing:  # thin lines: set their pixels with numpy, not one Pillow call a segment
            pixels = np.array(img, dtype=np.uint8)
            _thin_lines(pixels, seg, MINOR, road)
            img.frombytes(pixels.tobytes())
            draw = ImageDraw.Draw(img)
        else:
            rows = seg.tolist()
            for width, colour in ((casing, CASING), (road, ROAD)):
                line = draw.line
                for x0, y0, x1, y1 in rows:
                    line((x0, y0, x1, y1), fill=colour, width=width)
    _parts(draw, layers.outlines, box, scale, ox, oy, 1 if z < 12 else 2, False)
    return img
