"""Devices: registration (the token shown once, stored hashed) and the look-up of a device by its token."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from carecircle.alarms.models import Device, DeviceKind
from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor
from carecircle.registry.models import Person

if TYPE_CHECKING:
    from django.http import HttpRequest


def token_hash(token: str) -> str:
    # Device tokens are 32 random bytes: a plain SHA-256 is enough (no dictionary to guess from).
    return hashlib.sha256(token.strip().encode()).hexdigest()


@transaction.atomic
def device_register(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    serial: str,
    heartbeat_seconds: int = 3600,
    location: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    request: HttpRequest | None = None,
) -> tuple[Device, str]:
    """Register a device for `person`; returns the device and its token (shown once, stored hashed)."""
    scope.require(actor, "alarms.devices", person.region_code)
    if kind not in DeviceKind.values:
        raise InvalidInput(_("未知的设备类型：%(k)s") % {"k": kind}, field="kind")
    serial = (serial or "").strip()
    if not serial:
        raise InvalidInput(_("设备编号不能为空"), field="serial")
    if not 30 <= int(heartbeat_seconds) <= 7 * 86400:
        raise InvalidInput(_("心跳间隔应在30秒到7天之间"), field="heartbeat_seconds")
    if Device.objects.filter(serial=serial).exists():
        raise Conflict(_("设备编号已登记：%(s)s") % {"s": serial}, field="serial")
    token = secrets.token_urlsafe(32)
    device = Device.objects.create(
        person=person,
        region_code=person.region_code,
        kind=kind,
        serial=serial,
        token_hash=token_hash(token),
        heartbeat_seconds=int(heartbeat_seconds),
        location=(location or "").strip()[:100],
        latitude=latitude if latitude is not None else person.latitude,
        longitude=longitude if longitude is not None else person.longitude,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_DEVICE_REGISTER,
        obj=device,
        request=request,
        serial=serial,
        kind=kind,
    )
    return device, token


def device_for_token(token: str) -> Device | None:
    return devices_for_tokens([token]).get(token)


def devices_for_tokens(tokens: list[str]) -> dict[str, Device | None]:
    """The active device of each token (None: unknown or deactivated), in one query."""
    hashes = {t: token_hash(t) for t in tokens if t}
    # Only the device's own columns: loading the person would decrypt their ID number, phone and address.
    found = {
        d.token_hash: d
        for d in Device.objects.filter(token_hash__in=set(hashes.values()), active=True).only(
            "id", "person_id", "region_code", "heartbeat_seconds", "kind", "token_hash"
        )
    }
    return {t: found.get(hashes[t]) if t in hashes else None for t in tokens}
