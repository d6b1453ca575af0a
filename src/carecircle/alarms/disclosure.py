"""Services that show or hand out personal data of the call platform; each writes its audit row
(pages never call audit.record themselves: docs/directory-guide.md, "Writing a page")."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from carecircle.alarms import selectors
from carecircle.alarms.models import Incident
from carecircle.alarms.types import MonthlyRow, TimelineRow
from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.types import Actor

if TYPE_CHECKING:
    from django.http import HttpRequest


def timeline_export(
    *, actor: Actor, incident: Incident, request: HttpRequest | None = None
) -> list[TimelineRow]:
    """The incident's timeline rows for a CSV file, the export audited."""
    rows = list(selectors.timeline_rows(incident))
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_TIMELINE_EXPORT,
        obj=incident,
        request=request,
        purpose=_("导出警情时间线"),
        rows=len(rows),
    )
    return rows


def monthly_report_export(
    *, actor: Actor, month: datetime.date, request: HttpRequest | None = None
) -> list[MonthlyRow]:
    """The monthly report for a CSV file, the export audited."""
    rows = selectors.monthly_report(user=actor, month=month)
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_REPORT_EXPORT,
        request=request,
        month=month.strftime("%Y-%m"),
        purpose=_("导出月度报表"),
    )
    return rows
