"""Reads of the outbox: a user's own inbox and message choices, and the staff's view of the
deliveries that failed (scoped by region, `portal.deliveries`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from carecircle.core import scope
from carecircle.core.types import Actor, signed_in
from carecircle.portal.models import Delivery, Message, MessagePreference
from carecircle.portal.types import ALWAYS_ON, DeliveryState, MessageKind

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

FAILED_STATES = (DeliveryState.FAILED, DeliveryState.DEAD)


def inbox(user: Actor) -> QuerySet[Message]:
    """The user's site inbox, newest first (nobody else's: there is no id to ask for)."""
    if not signed_in(user):
        return Message.objects.none()
    return Message.objects.filter(recipient=user, in_inbox=True).order_by("-created_at", "-id")


def unread_count(user: Actor) -> int:
    """How many of the user's inbox messages are unread (the home page's 消息 tile)."""
    return inbox(user).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class Choice:
    kind: MessageKind
    label: str | _StrPromise
    wanted: bool
    by_sms: bool
    locked: bool  # a kind that cannot be switched off (types.ALWAYS_ON)


def message_choices(user: Actor) -> list[Choice]:
    """The user's choice for every kind (no stored choice: everything on)."""
    stored: dict[str, tuple[bool, bool]] = {}
    if signed_in(user):
        rows = MessagePreference.objects.filter(user=user).values_list("kind", "wanted", "by_sms")
        stored = {k: (w, s) for k, w, s in rows}
    out = []
    for kind in MessageKind:
        locked = kind in ALWAYS_ON
        wanted, by_sms = (True, True) if locked else stored.get(kind.value, (True, True))
        out.append(Choice(kind, kind.label, wanted, by_sms, locked))
    return out


def delivery_failures(user: Actor) -> QuerySet[Delivery]:
    """Deliveries that failed (waiting for a retry) or were given up, in the user's regions."""
    rows = Delivery.objects.filter(state__in=FAILED_STATES).select_related("message")
    return scope.in_scope(rows, user, "portal.deliveries")
