"""Oversight's cards on the staff home page (issue 20 items 4 and 9): a unit's admin sees its open
rectification notices (整改通知) with their deadlines; an inspector sees the inspections drawn for
them and the answers waiting for a decision; oversight staff see the notices escalated to their
district because the deadline passed (services_escalation.findings_escalate)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core.types import Actor
from carecircle.oversight.models import Finding
from carecircle.oversight.selectors_escalation import (
    answers_waiting,
    escalations_open,
    my_open_tasks,
    own_open_findings,
)

SHOWN = 8


def _finding_entry(finding: Finding) -> tuple[str, str]:
    label = _("%(u)s · %(i)s · 期限 %(d)s · %(s)s") % {
        "u": finding.unit.name,
        "i": finding.item.title,
        "d": finding.deadline.isoformat(),
        "s": finding.get_state_display(),
    }
    return label, reverse("oversight:finding_detail", args=[finding.pk])


def cards(user: Actor) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    today = timezone.localdate()
    notices = own_open_findings(user=user)
    if notices.exists():
        rows = list(notices[:SHOWN])
        overdue = notices.filter(deadline__lt=today).count()
        out.append(
            {
                "title": _("整改通知"),
                "leads": {"provider_admin/homecare_provider", "provider_admin/facility_operator"},
                "urgent": True,
                "figures": [(_("待整改"), notices.count()), (_("已逾期"), overdue)],
                "entries": [_finding_entry(f) for f in rows],
                "link": (_("全部整改通知"), reverse("oversight:findings")),
            }
        )
    tasks = my_open_tasks(user=user)
    waiting = answers_waiting(user=user)
    if tasks.exists() or waiting.exists():
        entries = [
            (
                _("%(u)s · %(s)s") % {"u": t.unit.name, "s": t.get_state_display()},
                reverse("oversight:inspection_detail", args=[t.pk]),
            )
            for t in tasks[:SHOWN]
        ]
        entries += [_finding_entry(f) for f in waiting[: max(SHOWN - len(entries), 0)]]
        out.append(
            {
                "title": _("我的检查任务"),
                "leads": {"inspector"},
                "urgent": waiting.exists(),
                "figures": [(_("待检查"), tasks.count()), (_("整改待验收"), waiting.count())],
                "entries": entries,
                "link": (_("打开手机检查页"), reverse("oversight:tasks")),
            }
        )
    escalated = escalations_open(user=user)
    if escalated.exists():
        out.append(
            {
                "title": _("逾期整改上报"),
                "leads": {"district_official", "city_admin", "inspector"},
                "urgent": True,
                "figures": [(_("逾期未完成整改"), escalated.count())],
                "entries": [
                    (
                        _("%(u)s · %(i)s · 期限 %(d)s · 上报时逾期 %(n)d 天")
                        % {
                            "u": e.finding.unit.name,
                            "i": e.finding.item.title,
                            "d": e.finding.deadline.isoformat(),
                            "n": e.days_overdue,
                        },
                        reverse("oversight:finding_detail", args=[e.finding_id]),
                    )
                    for e in escalated[:SHOWN]
                ],
                "link": (_("全部整改通知"), reverse("oversight:findings")),
            }
        )
    return out
