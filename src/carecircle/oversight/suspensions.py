"""Suspension by a major hazard (重大隐患, issue 20 item 4): a unit with a hazard finding that is not
closed takes no new admissions, orders or dispatch until an inspector accepts its rectification.
Read by core/suspension.py for homecare and facilities."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from carecircle.oversight.models import Finding, FindingState, Severity, UnitKind

KINDS = {"homecare": [UnitKind.HOMECARE], "facility": [UnitKind.FACILITY, UnitKind.CHILDCARE]}


def suspended(kind: str, ids: Iterable[int]) -> dict[int, str]:
    rows = (
        Finding.objects.filter(unit__kind__in=KINDS.get(kind, []), unit__source_id__in=list(ids))
        .filter(severity=Severity.HAZARD)
        .exclude(state=FindingState.CLOSED)
        .values_list("unit__source_id", "item__title", "issued_at")
        .order_by("issued_at")
    )
    found: dict[int, str] = {}
    for source, title, issued in rows:
        found.setdefault(
            source,
            _("因重大隐患暂停（%(day)s 检查发现：%(t)s），整改验收前不得新增入住、订单和派单")
            % {"day": issued.date().isoformat(), "t": title},
        )
    return found
