"""Charts drawn on the server as inline SVG (no chart library, nothing fetched by the browser, the
same in print). Whether a target is met is said in words and by a symbol's shape as well as by
colour, so that a reader who cannot tell the colours apart, or a grey printout, still sees it."""

import datetime
import math
from typing import TypedDict

from django.utils.html import escape
from django.utils.translation import gettext as _

COLOURS = {"green": "#2e7d32", "amber": "#ef8f00", "red": "#c62828", "grey": "#8a8a8a"}
LINE = "#1565c0"
INK = "#333"
MUTED = "#595959"  # 7:1 on white: axis labels stay legible


class StatusWords(TypedDict):
    symbol: str
    label: str


def status_words(status: str, *, value: float | None = 0.0, target: object = True) -> StatusWords:
    """The status in a symbol of its own shape and a word: ✓ 达标, △ 接近目标, ✗ 未达标; a grey one
    says why when the value and the target are given: 暂无数据, 未设目标, or 无可比数据 (a target
    such as 持续提升 with no earlier figure to compare)."""
    words: dict[str, StatusWords] = {
        "green": {"symbol": "✓", "label": _("达标")},
        "amber": {"symbol": "△", "label": _("接近目标")},
        "red": {"symbol": "✗", "label": _("未达标")},
    }
    if status in words:
        return words[status]
    if value is None:
        return {"symbol": "—", "label": _("暂无数据")}
    if target is None:
        return {"symbol": "—", "label": _("未设目标")}
    if target is True:
        return {"symbol": "—", "label": _("无数据或无目标")}
    return {"symbol": "—", "label": _("无可比数据")}


def _fmt(v: float) -> str:
    """A value as people read it: up to 4 significant digits, no exponent for ordinary figures."""
    if abs(v) >= 10000:
        return f"{v:,.0f}"
    return f"{v:.4g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.2g}"


def _symbol(status: str, cx: float, cy: float, r: float = 7) -> str:
    """The status as a shape: a tick in a circle (met), a triangle (close), a cross (behind), a bar."""
    colour = COLOURS.get(status, COLOURS["grey"])
    if status == "green":
        return (
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" fill="{colour}"/>'
            f'<path d="M{cx - r * 0.5:.1f},{cy:.1f} l{r * 0.35:.1f},{r * 0.4:.1f} l{r * 0.6:.1f},{-r * 0.8:.1f}" '
            f'stroke="#fff" stroke-width="2" fill="none"/>'
        )
    if status == "amber":
        return (
            f'<path d="M{cx:.1f},{cy - r:.1f} L{cx + r:.1f},{cy + r * 0.8:.1f} L{cx - r:.1f},{cy + r * 0.8:.1f} Z" '
            f'fill="{colour}"/>'
        )
    if status == "red":
        return (
            f'<path d="M{cx - r * 0.7:.1f},{cy - r * 0.7:.1f} L{cx + r * 0.7:.1f},{cy + r * 0.7:.1f} '
            f'M{cx + r * 0.7:.1f},{cy - r * 0.7:.1f} L{cx - r * 0.7:.1f},{cy + r * 0.7:.1f}" '
            f'stroke="{colour}" stroke-width="3"/>'
        )
    return f'<rect x="{cx - r:.1f}" y="{cy - 1.5:.1f}" width="{2 * r}" height="3" fill="{colour}"/>'


def bullet_chart(
    *,
    value: float | None,
    target: float | None,
    status: str,
    unit: str = "",
    target_text: str = "",
    width: int = 420,
    height: int = 64,
) -> str:
    """One indicator's value as a bar against its target as a vertical mark, on a scale from zero
    (or from the lowest figure when one is negative). The value, the target and the verdict are
    written beside the marks."""
    words = status_words(status, value=value, target=target if target is not None else (target_text or None))
    unit_text = escape(unit)
    label = _("数值 %(v)s，目标 %(t)s，%(s)s") % {
        "v": "—" if value is None else f"{_fmt(value)}{unit}",
        "t": target_text or "—",
        "s": words["label"],
    }
    pad_l, pad_r, bar_y, bar_h = 26, 12, 22, 16
    parts = [
        f'<svg class="bullet" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
        _symbol(status, 10, bar_y + bar_h / 2),
    ]
    figures = [v for v in (value, target) if v is not None]
    if not figures:
        parts.append(
            f'<text x="{pad_l}" y="{bar_y + 12}" font-size="13" fill="{MUTED}">{escape(_("暂无数据"))}</text></svg>'
        )
        return "".join(parts)
    lo = min(0.0, *figures)
    hi = max(figures) * 1.15 if max(figures) > 0 else 1.0
    span = (hi - lo) or 1.0

    def x(v: float) -> float:
        return pad_l + (width - pad_l - pad_r) * (v - lo) / span

    parts.append(
        f'<rect x="{pad_l}" y="{bar_y}" width="{width - pad_l - pad_r}" height="{bar_h}" fill="#eceff1"/>'
    )
    if value is not None:
        colour = COLOURS.get(status, COLOURS["grey"])
        w = max(x(value) - x(max(lo, 0.0)), 1.0)
        parts.append(
            f'<rect class="bar" x="{x(max(lo, 0.0)):.1f}" y="{bar_y + 3}" width="{w:.1f}" height="{bar_h - 6}" '
            f'fill="{colour}"/>'
        )
        anchor = "end" if x(value) > width * 0.75 else "start"
        vx = x(value) - 4 if anchor == "end" else x(value) + 4
        parts.append(
            f'<text class="value" x="{vx:.1f}" y="{bar_y - 5}" font-size="13" font-weight="bold" '
            f'text-anchor="{anchor}" fill="{INK}">{_fmt(value)}{unit_text}</text>'
        )
    else:
        parts.append(
            f'<text x="{pad_l + 4}" y="{bar_y - 5}" font-size="13" fill="{MUTED}">{escape(_("暂无数据"))}</text>'
        )
    if target is not None:
        tx = x(target)
        parts.append(
            f'<rect class="target" x="{tx - 1.5:.1f}" y="{bar_y - 4}" width="3" height="{bar_h + 8}" fill="{INK}"/>'
        )
        anchor = "end" if tx > width * 0.6 else "start"
        parts.append(
            f'<text x="{tx + (-4 if anchor == "end" else 4):.1f}" y="{bar_y + bar_h + 16}" font-size="12" '
            f'text-anchor="{anchor}" fill="{INK}">{escape(_("目标"))} {escape(target_text or _fmt(target))}</text>'
        )
    elif target_text:
        parts.append(
            f'<text x="{pad_l}" y="{bar_y + bar_h + 16}" font-size="12" fill="{INK}">'
            f"{escape(_('目标'))} {escape(target_text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _labelled(points: list[tuple[datetime.date, float]]) -> set[int]:
    """Which points carry their value as text: all of a short series; of a long one the first, the
    last, the lowest and the highest."""
    if len(points) <= 8:
        return set(range(len(points)))
    values = [v for _d, v in points]
    return {0, len(points) - 1, values.index(min(values)), values.index(max(values))}


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round axis values (steps of 1, 2, 2.5 or 5 times a power of ten) covering lo..hi, about n of
    them, never below zero when the figures are not."""
    if hi == lo:
        lo, hi = (max(lo - 1, 0.0) if lo >= 0 else lo - 1), hi + 1
    raw = (hi - lo) / (n - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start, end = math.floor(lo / step) * step, math.ceil(hi / step) * step
    count = round((end - start) / step)
    return [round(start + i * step, 10) for i in range(count + 1)]


def _anchor(i: int, n: int) -> str:
    """Text at the first point starts there and at the last ends there, so neither leaves the plot."""
    if n == 1:
        return "middle"
    return "start" if i == 0 else ("end" if i == n - 1 else "middle")


def line_chart(
    points: list[tuple],
    *,
    target: float | None = None,
    width: int = 640,
    height: int = 240,
    unit: str = "",
) -> str:
    """points: [(date, value)] in time order. A line with dots and their values, a y axis with its
    unit, dates along the x axis, and the target as a labelled dashed line."""
    if not points:
        return ""
    pad_l, pad_r, pad_t, pad_b = 60, 20, 24, 34
    values = [v for _d, v in points]
    lo, hi = (
        min(values + ([target] if target is not None else [])),
        max(values + ([target] if target is not None else [])),
    )
    ticks = nice_ticks(lo, hi)
    lo, hi = ticks[0], ticks[-1]
    t0, t1 = points[0][0].toordinal(), points[-1][0].toordinal()
    tspan = max(t1 - t0, 1)

    def x(d):
        return pad_l + (width - pad_l - pad_r) * ((d.toordinal() - t0) / tspan if len(points) > 1 else 0.5)

    def y(v):
        return pad_t + (height - pad_t - pad_b) * (1 - (v - lo) / (hi - lo))

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(_("历年走势"))}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for v in ticks:
        parts.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e4e4e4"/>'
        )
        parts.append(
            f'<text x="{pad_l - 6}" y="{y(v) + 4:.1f}" font-size="12" text-anchor="end" fill="{MUTED}">{_fmt(v)}</text>'
        )
    if unit:
        parts.append(f'<text x="4" y="14" font-size="12" fill="{MUTED}">{escape(unit)}</text>')
    if target is not None:
        parts.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            f'stroke="{COLOURS["green"]}" stroke-width="2" stroke-dasharray="8 5"/>'
        )
        parts.append(
            f'<text x="{width - pad_r}" y="{y(target) - 5:.1f}" font-size="12" text-anchor="end" '
            f'fill="{COLOURS["green"]}">{escape(_("目标"))} {_fmt(target)}{escape(unit)}</text>'
        )
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(d):.1f},{y(v):.1f}" for i, (d, v) in enumerate(points))
    parts.append(f'<path d="{path}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    shown = _labelled(points)
    for i, (d, v) in enumerate(points):
        parts.append(
            f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="4" fill="{LINE}"><title>{d:%Y-%m-%d}: {_fmt(v)}</title></circle>'
        )
        if i in shown:
            anchor = _anchor(i, len(points))
            parts.append(
                f'<text class="point" x="{x(d):.1f}" y="{y(v) - 8:.1f}" font-size="12" text-anchor="{anchor}" '
                f'fill="{INK}">{_fmt(v)}</text>'
            )
    dated = [0, len(points) - 1] if len(points) > 1 else [0]
    middle = points[len(points) // 2][0]
    if len(points) > 4 and min(abs(x(middle) - x(points[i][0])) for i in dated) > 90:
        dated.insert(1, len(points) // 2)
    for i in dated:
        d = points[i][0]
        anchor = _anchor(i, len(points))
        parts.append(
            f'<text x="{x(d):.1f}" y="{height - 10}" font-size="12" text-anchor="{anchor}" '
            f'fill="{MUTED}">{d:%Y-%m-%d}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
