"""Services that show or hand out personal data of the call platform; each writes its audit row
(pages never call audit.record themselves: docs/directory-guide.md, "Writing a page")."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from carecircle.alarms import selectors
from carecircle.alarms.models import Incident, IncidentState
from carecircle.alarms.types import MonthlyRow, PersonCard, TimelineRow
from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.types import Actor

if TYPE_CHECKING:
    from django.http import HttpRequest


def incident_card(*, actor: Actor, incident: Incident, request: HttpRequest | None = None) -> PersonCard:
    """The person's card for the incident. The home's location is an unmasking (core/vault.py):
    shown to whoever handles the open incident, for that purpose, and audited each time like any
    other unmasking; everyone else gets the card without it."""
    card = selectors.person_card(incident)
    can_operate = scope.has_perm(actor, "alarms.operate", incident.region_code)
    if card["latitude"] is not None and can_operate and incident.state != IncidentState.RESOLVED:
        audit.record(
            actor=actor,
            action=AuditAction.PII_UNMASK,
            obj=incident.person,
            request=request,
            purpose=_("紧急呼叫处置"),
            incident=incident.pk,
            fields="location",
        )
    else:
        card["latitude"] = card["longitude"] = None
    return card


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
