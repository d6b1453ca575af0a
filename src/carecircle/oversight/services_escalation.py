"""Overdue rectification notices go up to the district (issue 20 item 4: 逾期整改上报; Qujing 三(二)5
分级分类管理, Jiaxing 三(三) 监管结果…挂钩): every day, each finding still open (not put right by the
unit: not answered, or sent back) whose deadline has passed is escalated once to the district that
holds its unit — an Escalation row the district's officials and inspectors see on their home page
until the finding closes. The OneToOne on the finding keeps a re-run (or two runs at once) from
escalating it twice."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from carecircle.core import regions
from carecircle.oversight.models import Escalation, Finding, FindingState


@transaction.atomic
def findings_escalate(*, day: datetime.date | None = None) -> int:
    """Escalate the findings overdue on `day` (default today) not escalated yet; answer how many
    were new (0 on a re-run)."""
    day = day or timezone.localdate()
    now = timezone.now()
    overdue = Finding.objects.filter(
        state=FindingState.OPEN, deadline__lt=day, escalation__isnull=True
    ).values_list("pk", "region_code", "deadline")
    rows = [
        Escalation(
            finding_id=pk,
            region_code=region,
            district_code=regions.district_of(region),
            escalated_at=now,
            days_overdue=(day - deadline).days,
        )
        for pk, region, deadline in overdue
    ]
    before = Escalation.objects.count()
    Escalation.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return Escalation.objects.count() - before
