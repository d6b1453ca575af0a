"""The portal's contract with other modules: the kinds of message it sends and the channels it
sends them on.

Other modules (and the portal's own accounts) send a message with
`carecircle.portal.services.message_send(key=, kind=MessageKind.X, recipient= | phone=,
region_code=, title=, body=)`; the same `key` always answers the message it first made, so a
producer that runs twice sends once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    """What a message is about. A resident may switch off any kind but those in `ALWAYS_ON`."""

    OTP_CODE = "otp_code", _("登录验证码")
    ALLOWANCE_GRANTED = "allowance_granted", _("补贴发放")
    ALLOWANCE_STOPPED = "allowance_stopped", _("补贴停发")
    ALLOWANCE_RECOVERED = "allowance_recovered", _("补贴追回")
    VISIT_REMINDER = "visit_reminder", _("上门服务提醒")
    CAREGIVER_ON_WAY = "caregiver_on_way", _("服务人员已出发")
    ORDER_ACCEPTED = "order_accepted", _("服务订单已接单")
    WAITING_OFFER = "waiting_offer", _("轮候床位/托位通知")
    ASSESSMENT_APPOINTMENT = "assessment_appointment", _("能力评估预约")
    ALARM_HANDLED = "alarm_handled", _("紧急呼叫处理结果")
    NOTICE = "notice", _("其他通知")


ALWAYS_ON: frozenset[MessageKind] = frozenset({MessageKind.OTP_CODE, MessageKind.ALARM_HANDLED})
"""Kinds a resident cannot switch off: a sign-in code and the outcome of their own alarm."""

SECRET_KINDS: frozenset[MessageKind] = frozenset({MessageKind.OTP_CODE})
"""Kinds whose text is a secret: kept encrypted (core.vault) only until it was handed to the
gateway (or given up), never shown in an inbox, and dropped after `SECRET_TTL` seconds unsent."""

SECRET_TTL_SECONDS = 300
"""A one-time code not handed to the gateway within this time is not sent late (it has expired)."""


class Channel(models.TextChoices):
    """Where a message goes. The site inbox is the message row itself (delivered when it is
    written); every other channel has a delivery row of its own, retried until sent or dead."""

    INBOX = "inbox", _("站内消息")
    SMS = "sms", _("短信")


DEFAULT_CHANNELS: tuple[Channel, ...] = (Channel.INBOX, Channel.SMS)
"""The inbox when there is a recipient account; SMS when a phone number is known and a gateway is
configured (CARECIRCLE_SMS_GATEWAY_URL)."""


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败，等待重试")
    DEAD = "dead", _("发送失败，已放弃")


@dataclass(frozen=True)
class MessageSpec:
    """One message of a bulk send (`messages_queue_bulk`): the same fields as `message_send`.
    `recipient_id` is a user's id; `phone` a number in clear (encrypted when written)."""

    key: str
    kind: MessageKind
    region_code: str
    title: str
    body: str
    recipient_id: int | None = None
    phone: str = ""
