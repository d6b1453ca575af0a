"""Telephony (来电弹屏): trunks and extensions, the call-event intake of the telephone system, and the
operator's actions on a popped call (open an incident for the caller, close the pop).

The intake keeps every event once per trunk and event id: the same event again is acknowledged
(`created=False`), the same id with other content is refused (409). Events may arrive in any order:
each records its time on the call (the earliest ringing, answer and end), the operator is the one of
the latest answer, and the state is derived from what is recorded (alarms.telephony.derive_state),
so ended-before-answered ends as answered-then-ended once both are in.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms.incidents import for_update
from carecircle.alarms.models import Call, CallEvent, CallEventKind, Extension, Incident, Trunk
from carecircle.alarms.services._state import _now
from carecircle.alarms.services.devices import token_hash
from carecircle.alarms.services.incidents import incident_open_by_phone
from carecircle.alarms.services.intake import MAX_CLOCK_SKEW
from carecircle.alarms.telephony import (
    KIND_ORDER,
    CallAction,
    EventOutcome,
    call_actions,
    call_check,
    derive_state,
)
from carecircle.core import audit, scope
from carecircle.core.access import access_by_id
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.models import Region, User
from carecircle.core.regions import is_valid_code, prefix_of
from carecircle.core.types import Actor, signed_in
from carecircle.core.vault import mask_phone, normalise_phone, phone_index
from carecircle.registry import selectors as registry_selectors

if TYPE_CHECKING:
    from django.http import HttpRequest

CALLER_CHARACTERS = set("0123456789+-() ")
WITHHELD = {"anonymous", "unknown", "private", "withheld", "restricted"}  # a number not shown


# -- trunks and extensions ------------------------------------------------------------------------


@transaction.atomic
def trunk_register(
    *, actor: Actor, name: str, region_code: str, request: HttpRequest | None = None
) -> tuple[Trunk, str]:
    """Register a telephone system for a centre's region; returns it and its token (shown once)."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("名称不能为空且不超过100个字符"), field="name")
    if not is_valid_code(region_code) or not Region.objects.filter(code=region_code).exists():
        raise InvalidInput(_("未知的区划：%(c)s") % {"c": region_code}, field="region_code")
    scope.require(actor, "alarms.supervise", region_code)
    if Trunk.objects.filter(name=name).exists():
        raise Conflict(_("电话中继名称已登记：%(n)s") % {"n": name}, field="name")
    token = secrets.token_urlsafe(32)
    trunk = Trunk.objects.create(name=name, region_code=region_code, token_hash=token_hash(token))
    audit.record(actor=actor, action=AuditAction.ALARMS_TRUNK_REGISTER, obj=trunk, request=request, name=name)
    return trunk, token


def _operates_for(user: User, trunk: Trunk) -> bool:
    """Whether `user` operates somewhere the trunk's calls may be taken: inside its region, or over it."""
    mine = scope.prefixes(user, "alarms.operate")
    theirs = prefix_of(trunk.region_code)
    return any(p.startswith(theirs) or theirs.startswith(p) for p in mine)


@transaction.atomic
def extension_assign(
    *, actor: Actor, trunk: Trunk, number: str, user: User, request: HttpRequest | None = None
) -> Extension:
    """Seat `user` at the trunk's extension `number` (the extension's earlier operator, if any, leaves it)."""
    scope.require(actor, "alarms.supervise", trunk.region_code)
    number = (number or "").strip()
    if not number or len(number) > 20 or not number.isdigit():
        raise InvalidInput(_("分机号应为不超过20位的数字"), field="number")
    if not _operates_for(user, trunk):
        raise InvalidInput(_("%(u)s不是本中心辖区的坐席") % {"u": user}, field="user")
    extension, _created = Extension.objects.update_or_create(
        trunk=trunk, number=number, defaults={"user": user}
    )
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_EXTENSION_ASSIGN,
        obj=trunk,
        request=request,
        extension=number,
        operator=user.username,
    )
    return extension


def trunk_for_token(token: str) -> Trunk | None:
    if not token:
        return None
    return Trunk.objects.filter(token_hash=token_hash(token), active=True).first()


# -- the event intake -------------------------------------------------------------------------------


def _clean_caller(caller: str) -> str:
    caller = (caller or "").strip()
    if caller.lower() in WITHHELD:
        return ""
    if (
        len(caller) > 32
        or not set(caller) <= CALLER_CHARACTERS
        or (caller and len(normalise_phone(caller)) < 3)
    ):
        raise InvalidInput(_("来电号码格式不正确：%(v)s") % {"v": caller[:40]}, field="caller")
    return caller


def _clean_id(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > 64:
        raise InvalidInput(_("%(f)s不能为空且不超过64个字符") % {"f": field}, field=field)
    return value


def _answering_operator(trunk: Trunk, operator: str, extension: str) -> tuple[User, str]:
    """The operator an answer names: by account, else by the extension seated to one."""
    operator, extension = (operator or "").strip(), (extension or "").strip()
    if operator:
        user = User.objects.filter(username=operator, is_active=True).first()
        if user is None or not _operates_for(user, trunk):
            raise InvalidInput(
                _("未知的坐席账号或不是本中心的坐席：%(u)s") % {"u": operator[:40]}, field="operator"
            )
        return user, extension
    if extension:
        seat = Extension.objects.filter(trunk=trunk, number=extension).select_related("user").first()
        if seat is None:
            raise InvalidInput(_("分机 %(e)s 未绑定坐席") % {"e": extension[:20]}, field="extension")
        return seat.user, extension
    raise InvalidInput(_("接听事件须注明坐席账号（operator）或分机号（extension）"), field="operator")


def _digest(
    kind: str, call_ref: str, caller: str, at: datetime.datetime, operator: str, extension: str
) -> str:
    content = [kind, call_ref, normalise_phone(caller), at.timestamp(), operator.strip(), extension.strip()]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def _replayed(trunk: Trunk, event_id: str, digest: str) -> CallEvent | None:
    """The event stored before under this id (a replay), or None; the same id with other content: 409."""
    stored = CallEvent.objects.filter(trunk=trunk, event_id=event_id).select_related("call").first()
    if stored is not None and stored.digest != digest:
        raise Conflict(
            _("事件编号 %(e)s 已用于另一事件，请使用新的事件编号") % {"e": event_id}, field="event_id"
        )
    return stored


def _call_locked(trunk: Trunk, call_ref: str, caller: str) -> Call:
    """The call (locked), made on its first event."""
    rows = for_update(Call.objects.filter(trunk=trunk, call_ref=call_ref))
    call = rows.first()
    if call is not None:
        return call
    try:
        with transaction.atomic():
            return Call.objects.create(
                trunk=trunk,
                region_code=trunk.region_code,
                call_ref=call_ref,
                caller=caller,
                caller_masked=mask_phone(normalise_phone(caller)),
                caller_index=phone_index(caller),
            )
    except IntegrityError:  # another event of the same call made it meanwhile
        return rows.get()


def call_event_receive(
    *,
    trunk: Trunk,
    event_id: str,
    kind: str,
    call_id: str,
    at: datetime.datetime,
    caller: str = "",
    operator: str = "",
    extension: str = "",
    now: datetime.datetime | None = None,
) -> EventOutcome:
    """Store one event of the telephone system and bring its call up to date."""
    now = _now(now)
    event_id = _clean_id(event_id, "event_id")
    call_ref = _clean_id(call_id, "call_id")
    if kind not in CallEventKind.values:
        raise InvalidInput(
            _("未知的事件类型：%(k)s（应为 ringing、answered 或 ended）") % {"k": str(kind)[:20]},
            field="kind",
        )
    if timezone.is_naive(at):
        raise InvalidInput(_("时间须带时区，如 2026-01-01T08:00:00+08:00"), field="at")
    if at - now > MAX_CLOCK_SKEW:
        raise InvalidInput(_("事件时间晚于当前时间超过一天，请校准电话系统时钟"), field="at")
    caller = _clean_caller(caller)
    digest = _digest(kind, call_ref, caller, at, operator or "", extension or "")
    stored = _replayed(trunk, event_id, digest)
    if stored is not None:
        return EventOutcome(call=stored.call, created=False, late=stored.late)
    answerer = _answering_operator(trunk, operator, extension) if kind == CallEventKind.ANSWERED else None
    with transaction.atomic():
        call = _call_locked(trunk, call_ref, caller)
        # A later step of the call arrived before this one (or a later moment of the same step).
        late = any(
            KIND_ORDER[CallEventKind(k)] > KIND_ORDER[CallEventKind(kind)] or (k == kind and t > at)
            for k, t in call.events.values_list("kind", "at")
        )
        try:
            with transaction.atomic():
                CallEvent.objects.create(
                    trunk=trunk,
                    call=call,
                    region_code=call.region_code,
                    event_id=event_id,
                    kind=kind,
                    at=at,
                    received_at=now,
                    late=late,
                    digest=digest,
                    detail={"operator": answerer[0].username, "extension": answerer[1]} if answerer else {},
                )
        except IntegrityError:  # the same event sent twice at once: the other copy is stored
            stored = _replayed(trunk, event_id, digest)
            if stored is None:
                raise
            return EventOutcome(call=stored.call, created=False, late=stored.late)
        _apply(call, kind, at, caller, answerer)
    return EventOutcome(call=call, created=True, late=late)


def _earliest(stamp: datetime.datetime | None, at: datetime.datetime) -> datetime.datetime:
    return at if stamp is None else min(stamp, at)


def _apply(
    call: Call, kind: str, at: datetime.datetime, caller: str, answerer: tuple[User, str] | None
) -> None:
    if caller and not call.caller:  # the first event came without the number
        call.caller, call.caller_masked, call.caller_index = (
            caller,
            mask_phone(normalise_phone(caller)),
            phone_index(caller),
        )
    if kind == CallEventKind.RINGING:
        call.ringing_at = _earliest(call.ringing_at, at)
    elif kind == CallEventKind.ANSWERED and answerer is not None:
        call.answered_at = _earliest(call.answered_at, at)
        if call.operator_at is None or at >= call.operator_at:  # the latest answer holds the call
            if call.operator_id != answerer[0].pk:
                call.dismissed_at = None  # a transfer: the new operator's pop opens
            call.operator, call.extension, call.operator_at = answerer[0], answerer[1], at
    elif kind == CallEventKind.ENDED:
        call.ended_at = _earliest(call.ended_at, at)
    call.state = derive_state(call)
    call.save()


# -- the operator's actions on a popped call -------------------------------------------------------


def _call_locked_for(actor: Actor, call_id: int) -> Call:
    return access_by_id(
        for_update(Call.objects.all()), call_id, user=actor, perm="alarms.operate", check=call_check
    )


@transaction.atomic
def call_open_incident(
    *,
    actor: Actor,
    call_id: int,
    person_id: int | None,
    note: str = "",
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    """Turn the call into a phone incident of the person it is about (the caller, or the person whose
    contact called), linked to the call. Once per call: asked again, the call's incident is the answer."""
    call = _call_locked_for(actor, call_id)
    if call.incident_id is not None:
        return Incident.objects.get(pk=call.incident_id)
    if not signed_in(actor) or CallAction.INCIDENT not in call_actions(actor, call):
        raise Forbidden(_("只有接听该来电的坐席可以据此建立警情"))
    if not person_id:
        raise InvalidInput(_("请选择来电涉及的人员"), field="person_id")
    person = registry_selectors.person_get(user=actor, person_id=person_id, perm="alarms.operate")
    told = _("来电 %(n)s 转为警情") % {"n": call.caller_masked or _("未显示号码")}
    incident = incident_open_by_phone(
        actor=actor,
        person=person,
        note=f"{told}：{note.strip()}" if (note or "").strip() else told,
        now=now,
        request=request,
    )
    call.incident = incident
    call.save(update_fields=["incident"])
    return incident


@transaction.atomic
def call_dismiss(
    *, actor: Actor, call_id: int, now: datetime.datetime | None = None, request: HttpRequest | None = None
) -> Call:
    """Close the call's pop on the operator's console (closing it twice is closing it once)."""
    del request  # the pop is the operator's own screen: nothing to audit
    call = _call_locked_for(actor, call_id)
    if call.dismissed_at is not None:
        return call
    if CallAction.DISMISS not in call_actions(actor, call):
        raise Forbidden(_("只有接听该来电的坐席可以关闭弹屏"))
    call.dismissed_at = _now(now)
    call.save(update_fields=["dismissed_at"])
    return call
