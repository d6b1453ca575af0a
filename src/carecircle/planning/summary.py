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
from carecircle.planning.charts import COLOURS, status_words
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


def rows_for_page(board: Dashboard, capacity: int) -> tuple[list[IndicatorFigure], int]:
    """The indicators that fit the page: every applicable one when they fit, else those with a
    target first (what a meeting checks), those behind it before those that meet it. Answers the
    rows and how many were left out."""
    rows = [r for r in board["indicators"] if r["applicable"]]
    if len(rows) <= capacity:
        return rows, 0
    order = {"red": 0, "amber": 1, "green": 2, "grey": 3}
    ranked = sorted(rows, key=lambda r: (r["target"] is None, order.get(r["status"], 3)))
    keep = {r["code"] for r in ranked[:capacity]}
    return [r for r in rows if r["code"] in keep], len(rows) - capacity


def _fit(text: str, size: float, width: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth  # noqa: PLC0415 — loaded with the PDF

    while size > 5 and stringWidth(text, FONT, size) > width:
        size -= 0.25
    return size


def _mark(c, status: str, x: float, y: float, r: float) -> None:
    """The status as a shape (as on the dashboard): a filled circle with a tick, a triangle, a
    cross, a bar — so a grey printout still tells them apart."""
    from reportlab.lib.colors import HexColor, white  # noqa: PLC0415

    colour = HexColor(COLOURS.get(status, COLOURS["grey"]))
    c.setFillColor(colour)
    c.setStrokeColor(colour)
    if status == "green":
        c.circle(x, y, r, stroke=0, fill=1)
        c.setStrokeColor(white)
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


def _bar(c, row: IndicatorFigure, x: float, y: float, w: float, h: float) -> None:
    """A small bullet chart: the value as a bar from zero, the target as a black mark."""
    from reportlab.lib.colors import HexColor, black  # noqa: PLC0415

    value = row["value"]
    target = row["target"]["value"] if row["target"] else None
    figures = [v for v in (value, target) if v is not None]
    if not figures:
        return
    lo, hi = min(0.0, *figures), max(figures) * 1.15 if max(figures) > 0 else 1.0
    span = (hi - lo) or 1.0

    def px(v: float) -> float:
        return x + w * (v - lo) / span

    c.setFillColor(HexColor("#eceff1"))
    c.rect(x, y, w, h, stroke=0, fill=1)
    if value is not None:
        c.setFillColor(HexColor(COLOURS.get(row["status"], COLOURS["grey"])))
        c.rect(
            px(max(lo, 0.0)), y + h * 0.2, max(px(value) - px(max(lo, 0.0)), 0.8), h * 0.6, stroke=0, fill=1
        )
    if target is not None:
        c.setFillColor(black)
        c.rect(px(target) - 0.8, y - 1, 1.6, h + 2, stroke=0, fill=1)


def pdf_bytes(board: Dashboard, *, printed_by: str = "") -> bytes:
    """The one-page summary as PDF bytes (A4 portrait)."""
    from reportlab.lib.colors import HexColor, black  # noqa: PLC0415 — a heavy library, loaded when this runs
    from reportlab.lib.pagesizes import A4  # noqa: PLC0415
    from reportlab.pdfbase import pdfmetrics  # noqa: PLC0415
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: PLC0415
    from reportlab.pdfgen import canvas  # noqa: PLC0415

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
    rows, left_out = rows_for_page(board, capacity)
    row_h = max(ROW_MIN, min(ROW_MAX, (top - bottom - ROW_MAX) / max(len(rows), 1)))
    size = min(9.0, row_h * 0.62)
    cols = [
        (MARGIN, 228.0, _("指标")),
        (MARGIN + 230, 62.0, _("数值")),
        (MARGIN + 294, 82.0, _("目标")),
        (MARGIN + 378, 62.0, _("达标情况")),
        (MARGIN + 444, width - MARGIN - (MARGIN + 444), _("对比目标")),
    ]
    c.setFont(FONT, 9)
    c.setFillColor(black)
    for x, _w, head in cols:
        c.drawString(x, top, head)
    c.setStrokeColor(HexColor("#999999"))
    c.setLineWidth(0.5)
    c.line(MARGIN, top - 4, width - MARGIN, top - 4)
    y = top - 4
    for i, row in enumerate(rows):
        y -= row_h
        base = y + (row_h - size) / 2 + 1
        if i % 2:
            c.setFillColor(HexColor("#f5f5f5"))
            c.rect(MARGIN, y, width - 2 * MARGIN, row_h, stroke=0, fill=1)
        c.setFillColor(black)
        name = row["name"]
        c.setFont(FONT, _fit(name, size, cols[0][1]))
        c.drawString(cols[0][0], base, name)
        c.setFont(FONT, size)
        c.drawString(cols[1][0], base, _fmt(row["value"], row["unit"]))
        target = row["target"]
        target_text = f"{target['year']}：{target['text']}" if target else "—"
        c.setFont(FONT, _fit(target_text, size, cols[2][1]))
        c.drawString(cols[2][0], base, target_text)
        words = status_words(row["status"])
        _mark(c, row["status"], cols[3][0] + size * 0.5, base + size * 0.35, size * 0.45)
        c.setFillColor(black)
        c.setFont(FONT, _fit(words["label"], size, cols[3][1] - size * 1.3))
        c.drawString(cols[3][0] + size * 1.3, base, words["label"])
        _bar(c, row, cols[4][0], y + row_h * 0.2, cols[4][1], row_h * 0.6)
    c.setFillColor(black)
    c.setFont(FONT, 8)
    note = _("数值按平台记录计算，人工填报项注明来源；详见平台指标看板。")
    if left_out:
        note = _("本页优先列出有目标且未达标的指标，另有 %(n)d 项未列出。") % {"n": left_out} + note
    c.drawString(MARGIN, MARGIN, note)
    c.showPage()
    c.save()
    return out.getvalue()
