"""Early-warning writes (issue 20 item 6): raising every rule's warnings (once per rule, subject and
month, however often it runs), an inspector's handling of one, and saving a rule (its CEL checked)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.types import Actor
from carecircle.oversight import warnings as signals
from carecircle.oversight.models import (
    EarlyWarning,
    SubjectKind,
    WarningLevel,
    WarningRule,
    WarningState,
)
from carecircle.oversight.selectors_warnings import WarningAction, action_open

BATCH = 2000


def period_of(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def warnings_raise(*, day: datetime.date | None = None) -> int:
    """Evaluate every active rule over its subjects and raise the warnings not yet raised this
    month; answer how many were new (0 on a re-run). The unique constraint keeps a concurrent run
    from raising one twice (ignore_conflicts)."""
    day = day or timezone.localdate()
    period = period_of(day)
    now = timezone.now()
    rules = list(WarningRule.objects.filter(active=True).order_by("id"))
    subjects: dict[str, list[signals.Subject]] = {}
    new: list[EarlyWarning] = []
    for rule in rules:
        if rule.subject_kind not in subjects:
            subjects[rule.subject_kind] = signals.subjects(rule.subject_kind, day)
        hits = signals.matches(rule.expression, rule.subject_kind, subjects[rule.subject_kind])
        if not hits:
            continue
        have = set(
            EarlyWarning.objects.filter(rule=rule, period=period).values_list("subject_key", flat=True)
        )
        deadline = day + datetime.timedelta(days=rule.deadline_days)
        new += [
            EarlyWarning(
                rule=rule,
                subject_kind=s.kind,
                subject_key=s.key,
                subject_name=s.name[:120],
                unit_id=s.unit_id,
                region_code=s.region_code,
                period=period,
                level=rule.level,
                signals=s.signals,
                raised_at=now,
                deadline=deadline,
            )
            for s in hits
            if s.key not in have
        ]
    with transaction.atomic():
        for i in range(0, len(new), BATCH):
            EarlyWarning.objects.bulk_create(new[i : i + BATCH], ignore_conflicts=True)
    return len(new)


def _handle(
    *,
    actor: Actor,
    warning: EarlyWarning,
    action: WarningAction,
    state: str,
    text: str,
    required: str,
    audit_action: AuditAction,
    request: HttpRequest | None,
) -> EarlyWarning:
    scope.require(actor, "oversight.inspect", warning.region_code)
    text = (text or "").strip()
    if not text:
        raise InvalidInput(required, field="reason" if action == WarningAction.DISMISS else "note")
    with transaction.atomic():
        locked = EarlyWarning.objects.select_for_update().get(pk=warning.pk)
        if not action_open(locked, action):
            raise Conflict(_("该预警已处理"))
        locked.state = state
        locked.note = text[:500]
        locked.handled_by = actor  # type: ignore[assignment]  # scope.require passed: a signed-in user
        locked.handled_at = timezone.now()
        locked.save(update_fields=["state", "note", "handled_by", "handled_at"])
        audit.record(actor=actor, action=audit_action, obj=locked, request=request, note=locked.note)
    return locked


def warning_dismiss(
    *, actor: Actor, warning: EarlyWarning, reason: str = "", request: HttpRequest | None = None
) -> EarlyWarning:
    """An inspector of the warning's region dismisses it, saying why (排除)."""
    return _handle(
        actor=actor,
        warning=warning,
        action=WarningAction.DISMISS,
        state=WarningState.DISMISSED,
        text=reason,
        required=_("请填写排除理由"),
        audit_action=AuditAction.OVERSIGHT_WARNING_DISMISS,
        request=request,
    )


def warning_to_inspect(
    *, actor: Actor, warning: EarlyWarning, note: str = "", request: HttpRequest | None = None
) -> EarlyWarning:
    """An inspector of the warning's region marks it for an inspection, with a note (转为待检查)."""
    return _handle(
        actor=actor,
        warning=warning,
        action=WarningAction.TO_INSPECT,
        state=WarningState.TO_INSPECT,
        text=note,
        required=_("请填写检查安排说明"),
        audit_action=AuditAction.OVERSIGHT_WARNING_TO_INSPECT,
        request=request,
    )


def may_edit_rules(actor: Actor) -> bool:
    """Rules hold for the whole city: only a city-level official (oversight.plan) edits them."""
    return any(len(p) <= regions.PREFIX_LENGTH[regions.CITY] for p in scope.prefixes(actor, "oversight.plan"))


def warning_rule_save(
    *,
    actor: Actor,
    name: str = "",
    subject_kind: str = "",
    expression: str = "",
    level: str = "",
    deadline_days: int | None = None,
    rule: WarningRule | None = None,
    request: HttpRequest | None = None,
) -> WarningRule:
    """Create or change a rule; its CEL is checked against the subject kind's signals first."""
    if not may_edit_rules(actor):
        raise Forbidden(_("只有市级监管部门可以修改预警规则"))
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写规则名称"), field="name")
    if subject_kind not in SubjectKind.values:
        raise InvalidInput(_("请选择预警对象"), field="subject_kind")
    if level not in WarningLevel.values:
        raise InvalidInput(_("请选择预警等级"), field="level")
    if deadline_days is None or not 1 <= deadline_days <= 365:
        raise InvalidInput(_("处理时限应为1至365天"), field="deadline_days")
    signals.check(expression, subject_kind, field="expression")
    with transaction.atomic():
        same = WarningRule.objects.filter(name=name)
        if rule is not None:
            same = same.exclude(pk=rule.pk)
        if same.exists():
            raise InvalidInput(_("已有同名的预警规则"), field="name")
        row = rule or WarningRule()
        row.name, row.subject_kind, row.expression = name, subject_kind, expression.strip()
        row.level, row.deadline_days = level, deadline_days
        row.save()
        audit.record(
            actor=actor, action=AuditAction.OVERSIGHT_WARNING_RULE_SAVE, obj=row, request=request,
            expression=row.expression,
        )  # fmt: skip
    return row
