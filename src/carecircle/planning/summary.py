"""A region's indicators on one printable A4 page (PDF) for a meeting: the region, the date, and
per indicator its value, its target, whether it is met (a word and a shape) and a small bar against
the target. Chinese is set in reportlab's built-in CID font STSong-Light, which every PDF reader
supplies (no font file is shipped or needed)."""

import datetime
import io

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.types import Actor
from carecircle.planning import selectors
from carecircle.planning.charts import COLOURS, LINE, status_words
from carecircle.planning.types import Dashboard, IndicatorFigure

FONT = "STSong-Light"
MARGIN = 36.0
ROW_MAX, ROW_MIN = 16.0, 9.5
# The verdict's symbols as the page's font has them (GB 2312: no ✓ or ✗ in STSong-Light).
SYMBOLS = {"green": "√", "amber": "△", "red": "×", "grey": "—"}


@transaction.atomic
def summary_export(
    *, actor: Actor, region_code: str, day: datetime.date, request: HttpRequest | None = None
) -> Dashboard:
    """The region's dashboard for the printable summary; the download is audited like the Excel
    export (who, which region, which day, in which format)."""
    board = selectors.dashboard(user=actor, region_code=region_code, day=day)
    audit.record(
        actor=actor,
        action=AuditAction.PLANNING_EXPORT,
        object_type="planning.indicatorvalue",
        region_code=region_code,
        request=request,
        day=day.isoformat(),
        format="pdf",
    )
    return board


def _fmt(v: float | None, unit: str = "") -> str:
    if v is None:
        return "—"
    text = f"{v:,.0f}" if abs(v) >= 10000 else f"{v:.4g}"
    return text + unit


def rows_for_page(board: Dashboard, capacity: int) -> tuple[list[IndicatorFigure], int, int]:
    """The indicators that fit the page: every applicable one with a value or a target when they
    fit, else those with a target first (what a meeting checks), those behind it before those that
    meet it. Answers the rows, how many of those were left out, and how many indicators have neither
    a value nor a target (counted in a line, not listed)."""
    applicable = [r for r in board["indicators"] if r["applicable"]]
    rows = [r for r in applicable if r["value"] is not None or r["target"] is not None]
    empty = len(applicable) - len(rows)
    if len(rows) <= capacity:
        return rows, 0, empty
    order = {"red": 0, "amber": 1, "green": 2, "grey": 3}
    ranked = sorted(rows, key=lambda r: (r["target"] is None, order.get(r["status"], 3)))
    keep = {r["code"] for r in ranked[:capacity]}
    return [r for r in rows if r["code"] in keep], len(rows) - capacity, empty


def _text(c, text: str, x: float, y: float, size: float, width: float) -> None:
    """Text in its column: a smaller size when it is long, cut with an ellipsis when even the
    smallest size does not fit."""
    from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]  # noqa: PLC0415 — loaded with the PDF

    smallest = max(6.0, size * 0.75)
    while size > smallest and stringWidth(text, FONT, size) > width:
        size -= 0.25
    if stringWidth(text, FONT, size) > width:
        while text and stringWidth(text + "…", FONT, size) > width:
            text = text[:-1]
        text += "…"
    c.setFont(FONT, size)
    c.drawString(x, y, text)


def _mark(c, status: str, x: float, y: float, r: float) -> None:
    """The status as a shape (as on the dashboard): a filled circle with a tick, a triangle, a
    cross, a bar — so a grey printout still tells them apart."""
    colour = COLOURS.get(status, COLOURS["grey"])
    c.setFillColor(colour)
    c.setStrokeColor(colour)
    if status == "green":
        c.circle(x, y, r, stroke=0, fill=1)
        c.setStrokeColor("#ffffff")
        c.setLineWidth(1.2)
        p = c.beginPath()
        p.moveTo(x - r * 0.5, y)
        p.lineTo(x - r * 0.15, y - r * 0.4)
        p.lineTo(x + r * 0.5, y + r * 0.45)
        c.drawPath(p, stroke=1, fill=0)
    elif status == "amber":
        p = c.beginPath()
        p.moveTo(x, y + r)
        p.lineTo(x + r, y - r * 0.8)
        p.lineTo(x - r, y - r * 0.8)
        p.close()
        c.drawPath(p, stroke=0, fill=1)
    elif status == "red":
        c.setLineWidth(1.8)
        c.line(x - r * 0.7, y - r * 0.7, x + r * 0.7, y + r * 0.7)
        c.line(x - r * 0.7, y + r * 0.7, x + r * 0.7, y - r * 0.7)
    else:
        c.rect(x - r, y - 0.8, 2 * r, 1.6, stroke=0, fill=1)


def _spark(c, values: list[float], x: float, y: float, w: float, h: float) -> None:
    """The trend as a small line scaled to its own range (no target to compare with)."""
    if len(values) < 2:
        return
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = w / (len(values) - 1)
    c.setStrokeColor(LINE)
    c.setLineWidth(0.9)
    p = c.beginPath()
    for i, v in enumerate(values):
        (p.moveTo if i == 0 else p.lineTo)(x + i * step, y + h * (v - lo) / span)
    c.drawPath(p, stroke=1, fill=0)


def _bar(c, row: IndicatorFigure, x: float, y: float, w: float, h: float) -> None:
    """A small chart: against a numeric target a bullet (the value as a bar from zero, the target
    as a black mark); otherwise the trend as a small line when there are snapshots."""
    value = row["value"]
    target = row["target"]["value"] if row["target"] else None
    if target is None:
        _spark(c, [p["value"] for p in row["trend"] if p["value"] is not None], x, y, w, h)
        return
    figures = [v for v in (value, target) if v is not None]
    lo, hi = min(0.0, *figures), max(figures) * 1.15 if max(figures) > 0 else 1.0
    span = (hi - lo) or 1.0

    def px(v: float) -> float:
        return x + w * (v - lo) / span

    c.setFillColor("#eceff1")
    c.rect(x, y, w, h, stroke=0, fill=1)
    if value is not None:
        c.setFillColor(COLOURS.get(row["status"], COLOURS["grey"]))
        c.rect(
            px(max(lo, 0.0)), y + h * 0.2, max(px(value) - px(max(lo, 0.0)), 0.8), h * 0.6, stroke=0, fill=1
        )
    c.setFillColor("#000000")
    c.rect(px(target) - 0.8, y - 1, 1.6, h + 2, stroke=0, fill=1)


def pdf_bytes(board: Dashboard, *, printed_by: str = "") -> bytes:
    """The one-page summary as PDF bytes (A4 portrait)."""
    from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]  # noqa: PLC0415 — reportlab loads only for a PDF
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]  # noqa: PLC0415 — reportlab loads only for a PDF
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]  # noqa: PLC0415 — reportlab loads only for a PDF
    from reportlab.pdfgen import canvas  # type: ignore[import-untyped]  # noqa: PLC0415 — reportlab loads only for a PDF

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    width, height = A4
    out = io.BytesIO()
    title = _("%(region)s 一老一小主要指标摘要") % {"region": board["region"]["name"]}
    c = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("CareCircle")
    c.setFont(FONT, 16)
    c.drawString(MARGIN, height - MARGIN - 10, title)
    c.setFont(FONT, 9)
    now = timezone.localtime()
    c.drawString(
        MARGIN,
        height - MARGIN - 28,
        _("数据日期：%(day)s　打印时间：%(now)s%(by)s")
        % {
            "day": board["day"].isoformat(),
            "now": now.strftime("%Y-%m-%d %H:%M"),
            "by": ("　" + _("打印人：%(u)s") % {"u": printed_by}) if printed_by else "",
        },
    )
    counts = {s: sum(1 for r in board["indicators"] if r["applicable"] and r["status"] == s) for s in COLOURS}
    c.drawString(
        MARGIN,
        height - MARGIN - 42,
        "　".join(
            f"{SYMBOLS[s]} {status_words(s)['label']} {counts[s]}" for s in ("green", "amber", "red", "grey")
        ),
    )
    top = height - MARGIN - 62
    bottom = MARGIN + 18
    capacity = int((top - bottom - ROW_MAX) // ROW_MIN)
    rows, left_out, empty = rows_for_page(board, capacity)
    row_h = max(ROW_MIN, min(ROW_MAX, (top - bottom - ROW_MAX) / max(len(rows), 1)))
    size = min(9.0, row_h * 0.62)
    cols = [
        (MARGIN, 206.0, _("指标")),
        (MARGIN + 210, 56.0, _("数值")),
        (MARGIN + 270, 112.0, _("目标")),
        (MARGIN + 386, 60.0, _("达标情况")),
        (MARGIN + 450, width - MARGIN - (MARGIN + 450), _("对比目标/走势")),
    ]
    c.setFont(FONT, 9)
    c.setFillColor("#000000")
    for x, _w, head in cols:
        c.drawString(x, top, head)
    c.setStrokeColor("#999999")
    c.setLineWidth(0.5)
    c.line(MARGIN, top - 4, width - MARGIN, top - 4)
    y = top - 4
    for i, row in enumerate(rows):
        y -= row_h
        base = y + (row_h - size) / 2 + 1
        if i % 2:
            c.setFillColor("#f5f5f5")
            c.rect(MARGIN, y, width - 2 * MARGIN, row_h, stroke=0, fill=1)
        c.setFillColor("#000000")
        _text(c, row["name"], cols[0][0], base, size, cols[0][1])
        _text(c, _fmt(row["value"], row["unit"]), cols[1][0], base, size, cols[1][1])
        target = row["target"]
        target_text = f"{target['year']}：{target['text']}" if target else "—"
        _text(c, target_text, cols[2][0], base, size, cols[2][1])
        words = status_words(row["status"], value=row["value"], target=row["target"])
        _mark(c, row["status"], cols[3][0] + size * 0.5, base + size * 0.35, size * 0.45)
        c.setFillColor("#000000")
        _text(c, words["label"], cols[3][0] + size * 1.3, base, size, cols[3][1] - size * 1.3)
        _bar(c, row, cols[4][0], y + row_h * 0.2, cols[4][1], row_h * 0.6)
    c.setFillColor("#000000")
    c.setFont(FONT, 8)
    note = _("数值按平台记录计算，人工填报项注明来源；详见平台指标看板。")
    if empty:
        note = _("另有 %(n)d 项指标暂无数据且未设目标。") % {"n": empty} + note
    if left_out:
        note = _("本页优先列出有目标且未达标的指标，另有 %(n)d 项未列出。") % {"n": left_out} + note
    c.drawString(MARGIN, MARGIN, note)
    c.showPage()
    c.save()
    return out.getvalue()
