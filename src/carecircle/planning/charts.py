"""Charts drawn on the server as inline SVG (no chart library, nothing fetched by the browser)."""

from django.utils.html import escape

COLOURS = {"green": "#2e7d32", "amber": "#ef8f00", "red": "#c62828", "grey": "#8a8a8a"}


def line_chart(
    points: list[tuple], *, target: float | None = None, width: int = 640, height: int = 220, unit: str = ""
) -> str:
    """points: [(date, value)] in time order. A line with dots, the target as a dashed line."""
    if not points:
        return ""
    pad_l, pad_r, pad_t, pad_b = 56, 16, 14, 30
    values = [v for _d, v in points]
    lo, hi = (
        min(values + ([target] if target is not None else [])),
        max(values + ([target] if target is not None else [])),
    )
    if hi == lo:
        hi, lo = hi + 1, lo - 1 if lo >= 1 else 0
    span = hi - lo
    lo, hi = lo - span * 0.08, hi + span * 0.08
    t0, t1 = points[0][0].toordinal(), points[-1][0].toordinal()
    tspan = max(t1 - t0, 1)

    def x(d):
        return pad_l + (width - pad_l - pad_r) * ((d.toordinal() - t0) / tspan if len(points) > 1 else 0.5)

    def y(v):
        return pad_t + (height - pad_t - pad_b) * (1 - (v - lo) / (hi - lo))

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        parts.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e4e4e4"/>'
        )
        parts.append(
            f'<text x="{pad_l - 6}" y="{y(v) + 4:.1f}" font-size="11" text-anchor="end" fill="#666">{v:.4g}</text>'
        )
    if target is not None:
        parts.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            f'stroke="{COLOURS["green"]}" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{width - pad_r}" y="{y(target) - 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{COLOURS["green"]}">目标 {target:g}{escape(unit)}</text>'
        )
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(d):.1f},{y(v):.1f}" for i, (d, v) in enumerate(points))
    parts.append(f'<path d="{path}" fill="none" stroke="#1565c0" stroke-width="2"/>')
    for d, v in points:
        parts.append(
            f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3.5" fill="#1565c0"><title>{d:%Y-%m-%d}: {v:.4g}</title></circle>'
        )
    parts.append(
        f'<text x="{pad_l}" y="{height - 8}" font-size="11" fill="#666">{points[0][0]:%Y-%m-%d}</text>'
    )
    if len(points) > 1:
        parts.append(
            f'<text x="{width - pad_r}" y="{height - 8}" font-size="11" text-anchor="end" fill="#666">{points[-1][0]:%Y-%m-%d}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def sparkline(points: list[tuple], width: int = 110, height: int = 26) -> str:
    if len(points) < 2:
        return ""
    values = [v for _d, v in points]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1
    step = (width - 4) / (len(points) - 1)
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{2 + i * step:.1f},{height - 3 - (v - lo) / span * (height - 6):.1f}"
        for i, v in enumerate(values)
    )
    return (
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><path d="{path}" fill="none" stroke="#1565c0" stroke-width="1.5"/></svg>'
    )
