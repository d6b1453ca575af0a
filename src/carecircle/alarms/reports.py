"""The call centre's monthly report by district and by alarm type (issue 18): per district (区县) and
type of incident (source and kind), the incidents, the share answered within each target and the
median times to answer, to first reach the older person, to a responder on site and to close; and
its Excel workbook through core.exports, the export audited."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from typing import TYPE_CHECKING, TypedDict

from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms import selectors
from carecircle.alarms.models import IncidentState, Source
from carecircle.alarms.policy import kind_label
from carecircle.alarms.types import TargetCheck
from carecircle.core import audit, exports, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.months import month_bounds
from carecircle.core.selectors import region_path
from carecircle.core.types import Actor

if TYPE_CHECKING:
    from django.http import HttpRequest

PERM = "alarms.supervise"
DISTRICT_DIGITS = 6


class TypeRow(TypedDict):
    district_code: str
    district: str
    source: str
    kind: str
    total: int
    resolved: int
    checks: list[TargetCheck]
    median_answer_seconds: float | None
    median_first_contact_seconds: float | None
    median_on_site_minutes: float | None
    median_close_minutes: float | None


def _median(values: list[float], scale: float = 1.0) -> float | None:
    return round(statistics.median(values) / scale, 1) if values else None


def _name(code: str) -> str:
    path = region_path(code)
    return path[-1].name if path else code


def by_district_and_type(*, user: Actor, month: datetime.date) -> list[TypeRow]:
    """One row per district and type (source + kind) with incidents in the month, by name. A call
    that waits for an operator (not a phone call, which its operator answers as they open it)
    counts towards the targets; one still unanswered counts against a target once its limit passed."""
    start, end = month_bounds(month)
    now = min(timezone.now(), end)
    targets = selectors.centre_targets(user)
    qs = selectors.with_first_contact(
        selectors.incidents(user=user, perm=PERM).filter(opened_at__gte=start, opened_at__lt=end)
    ).only(
        "region_code",
        "source",
        "kind",
        "state",
        "opened_at",
        "acknowledged_at",
        "on_site_at",
        "resolved_at",
    )
    groups = defaultdict(list)
    for i in qs:
        groups[(i.region_code[:DISTRICT_DIGITS].ljust(12, "0"), i.source, i.kind)].append(i)
    out: list[TypeRow] = []
    names = {code: _name(code) for code, _s, _k in groups}
    for code, source, kind in sorted(groups):
        rows = groups[(code, source, kind)]
        times = [selectors.incident_times(i) for i in rows]
        waits = [i for i in rows if i.source != Source.PHONE]
        out.append(
            {
                "district_code": code,
                "district": names[code],
                "source": str(Source(source).label) if source in Source.values else source,
                "kind": kind_label(kind),
                "total": len(rows),
                "resolved": sum(1 for i in rows if i.state == IncidentState.RESOLVED),
                "checks": selectors.target_checks(waits, now, targets) if waits else [],
                "median_answer_seconds": _median(
                    [
                        a
                        for i, t in zip(rows, times, strict=True)
                        if i.source != Source.PHONE and (a := t["answer"]) is not None
                    ]
                ),
                "median_first_contact_seconds": _median(
                    [c for t in times if (c := t["first_contact"]) is not None]
                ),
                "median_on_site_minutes": _median([s for t in times if (s := t["on_site"]) is not None], 60),
                "median_close_minutes": _median([c for t in times if (c := t["close"]) is not None], 60),
            }
        )
    return out


def workbook_export(*, actor: Actor, month: datetime.date, request: HttpRequest | None = None) -> bytes:
    """The month's report as an .xlsx workbook: 按区县和类型 (the rows above) and 按街道 (the street
    report of `selectors.monthly_report`). Aggregates only, no personal data; audited."""
    scope.require_perm(actor, PERM)
    targets = selectors.centre_targets(actor)
    rows = by_district_and_type(user=actor, month=month)
    streets = selectors.monthly_report(user=actor, month=month)
    wb = exports.workbook(write_only=True)
    ws = wb.create_sheet(_("按区县和类型"))
    target_heads = [
        h
        for seconds, share in targets
        for h in (
            _("%(s)s秒内接警数") % {"s": seconds},
            _("%(s)s秒内接警率%%（目标%(p)s%%）") % {"s": seconds, "p": share},
            _("%(s)s秒是否达标") % {"s": seconds},
        )
    ]
    ws.append(
        [
            _("区县"),
            _("来源"),
            _("类型"),
            _("警情数"),
            _("已结案"),
            *target_heads,
            _("接警中位秒数"),
            _("首次联系本人中位秒数"),
            _("到场中位分钟"),
            _("结案中位分钟"),
        ]
    )
    for r in rows:
        cells: list[object] = []
        for c in r["checks"]:
            cells += [c["within"], c["share"], _("达标") if c["ok"] else _("未达标")]
        if not r["checks"]:  # phone calls only: no call waited for an operator
            cells += [None, None, _("不适用")] * len(targets)
        ws.append(
            [
                r["district"],
                r["source"],
                r["kind"],
                r["total"],
                r["resolved"],
                *cells,
                r["median_answer_seconds"],
                r["median_first_contact_seconds"],
                r["median_on_site_minutes"],
                r["median_close_minutes"],
            ]
        )
    sheet = wb.create_sheet(_("按街道"))
    sheet.append([_("街道"), _("警情数"), _("未结案"), _("接警中位秒数"), _("到场中位分钟")])
    for s in streets:
        sheet.append(
            [s["region"], s["total"], s["open"], s["median_answer_seconds"], s["median_on_site_minutes"]]
        )
    data = exports.xlsx_bytes(wb)
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_REPORT_EXPORT,
        request=request,
        region_code=regions.common_ancestor(scope.region_codes(actor, PERM)),
        purpose=_("导出月度报表"),
        month=month.strftime("%Y-%m"),
        format="xlsx",
        rows=len(rows),
    )
    return data
