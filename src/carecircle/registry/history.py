"""A person's history in sentences (issue 17 item 1): the audit rows about the person read
"2026-03-01 社区工作人员张三 新增状况：独居（自2026-03-01起，来源：社区走访）" — the action in words, the
status by its name, the actor by role and name — never `status.add living_alone` and a login name.

The rows are those of `selectors.person_history`; what each action's detail holds is what the
registry's services write (registry/services.py, children_services.py; benefits' payee). An action
without a sentence of its own reads as its label in the audit trail's table (core.audit_actions).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent, User
from carecircle.core.roles import Role
from carecircle.registry.models import GuardianshipOutcome, Person, StatusKind


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime.datetime
    actor: str  # 社区工作人员张三, 系统（津贴补贴（免申即享））
    text: str  # 新增状况：独居（自2026-03-01起，来源：社区走访）


def entries(events: Iterable[AuditEvent]) -> list[HistoryEntry]:
    rows = list(events)
    actors = _actor_names({e.user_id for e in rows if e.user_id is not None})
    return [
        HistoryEntry(
            at=e.at,
            actor=actors.get(e.user_id, "") if e.user_id is not None else _system_name(e.username),
            text=sentence(e.action, e.detail or {}, e.purpose),
        )
        for e in rows
    ]


def sentence(action: str, detail: Mapping[str, Any], purpose: str = "") -> str:
    """One audit row about a person in words."""
    words = _SENTENCES.get(action)
    text = words(detail) if words is not None else _action_label(action)
    if purpose:
        text += _("（事由：%(p)s）") % {"p": purpose}
    return text


def _action_label(action: str) -> str:
    try:
        return str(AuditAction(action).label)
    except ValueError:
        return _("其他操作")


def _status_label(kind: object) -> str:
    try:
        return str(StatusKind(str(kind)).label)
    except ValueError:
        return _("其他状况")


def _field_label(name: str) -> str:
    if name == "longitude" or name == "latitude":
        return _("住址位置")
    try:
        field = Person._meta.get_field(name)
    except FieldDoesNotExist:  # a field of an older version of the page
        return _("其他信息")
    return str(getattr(field, "verbose_name", "")) or _("其他信息")


def _updated(d: Mapping[str, Any]) -> str:
    fields = list(dict.fromkeys(_field_label(f) for f in d.get("fields") or []))
    return _("修改了%(f)s") % {"f": "、".join(fields)} if fields else _("修改人员信息")


def _status_added(d: Mapping[str, Any]) -> str:
    text = _("新增状况：%(k)s") % {"k": _status_label(d.get("kind"))}
    period = []
    if d.get("valid_from"):
        period.append(_("自%(d)s起") % {"d": d["valid_from"]})
    if d.get("valid_to"):
        period.append(_("至%(d)s止") % {"d": d["valid_to"]})
    if d.get("source"):
        period.append(_("来源：%(s)s") % {"s": d["source"]})
    return text + (f"（{'，'.join(period)}）" if period else "")


def _status_ended(d: Mapping[str, Any]) -> str:
    text = _("终止状况：%(k)s") % {"k": _status_label(d.get("kind"))}
    return text + (_("（至%(d)s止）") % {"d": d["valid_to"]} if d.get("valid_to") else "")


def _contact_added(d: Mapping[str, Any]) -> str:
    text = _("添加家属联系人")
    if d.get("relation"):
        text += _("（%(r)s）") % {"r": d["relation"]}
    return text + (_("，并关联其账号") if d.get("linked_account") else "")


def _guardianship(d: Mapping[str, Any]) -> str:
    try:
        outcome = str(GuardianshipOutcome(str(d.get("outcome"))).label)
    except ValueError:
        return _("登记监护评估")
    return _("登记监护评估：%(o)s") % {"o": outcome}


_SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    AuditAction.PERSON_CREATE: lambda d: _("登记人员信息"),  # noqa: ARG005 — every sentence takes the detail
    AuditAction.PERSON_UPDATE: _updated,
    AuditAction.STATUS_ADD: _status_added,
    AuditAction.STATUS_END: _status_ended,
    AuditAction.CONTACT_ADD: _contact_added,
    AuditAction.PII_UNMASK: lambda d: _("查看了完整个人信息"),  # noqa: ARG005 — every sentence takes the detail
    AuditAction.GUARDIANSHIP_ASSESS: _guardianship,
    AuditAction.PAYEE_SET: lambda d: _("设置收款账户"),  # noqa: ARG005 — every sentence takes the detail
}

# A user with several roles is named by the first of these they hold (the role they act in most).
_ROLE_ORDER = list(Role)


def _actor_names(user_ids: set[int]) -> dict[int, str]:
    """Each user by role and name: 社区工作人员张三 (a user without a role: the name alone)."""
    names: dict[int, str] = {}
    for user in User.objects.filter(pk__in=user_ids).prefetch_related("grants"):
        roles = {g.role for g in user.grants.all()}
        role = next((r for r in _ROLE_ORDER if r in roles), None)
        name = user.display_name or user.username
        names[user.pk] = f"{role.label}{name}" if role is not None else name
    return names


def _system_name(who: str) -> str:
    """Work done by the platform itself (payroll, imports…), by the module that did it."""
    try:
        module = apps.get_app_config(who).verbose_name
    except LookupError:
        return _("系统")
    return _("系统（%(m)s）") % {"m": module}
