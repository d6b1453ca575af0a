"""The outbox: a message to a resident, family member or staff member, one delivery row per channel
outside the site, and what each resident chose to receive.

A message is one row, unique on its idempotency key (the producer's name for it: "the March
allowance of payment line 81"). The site inbox is that row itself: written in the same transaction
that queued it, it cannot be lost nor shown twice. Every other channel (SMS) has a `Delivery` row
that a worker leases, hands to the gateway with the message's key, and marks sent, failed (retried
later, with back-off) or dead, each step in a transaction of its own (portal/outbox.py).

Few indexes, on purpose: a month's allowances are 1.3 million messages queued in one run
(bench/portal_messages.py), and every index is written for each of them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecircle.core.vault import EncryptedTextField
from carecircle.portal.types import Channel, DeliveryState, MessageKind


class Message(models.Model):
    key = models.CharField(_("幂等键"), max_length=200)  # unique: Meta (no LIKE index beside it)
    kind = models.CharField(_("消息类型"), max_length=32, choices=MessageKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("接收人"),
        db_index=False,  # the inbox index below starts with it
    )
    phone = EncryptedTextField(_("手机号"), blank=True)
    region_code = models.CharField(_("所属社区"), max_length=12)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    # The text of a secret kind (a one-time code): encrypted, and emptied once handed to the gateway.
    secret_body = EncryptedTextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    # In the recipient's site inbox (False without a recipient, or when they switched the kind off).
    in_inbox = models.BooleanField(default=False)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        constraints = [models.UniqueConstraint(fields=["key"], name="portal_message_key_once")]
        # only the inbox's rows: a month's SMS-only allowance messages write no entry into it
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=models.Q(in_inbox=True),
                name="portal_msg_inbox",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One message on one channel outside the site. `lease_owner`/`lease_until` say which worker
    holds it while it is `sending` (core/leases.py decides when a claim is abandoned)."""

    # indexed by the unique constraint (message, channel)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    # The staff list of failures reads the few failed and dead rows through the state index first.
    region_code = models.CharField(_("所属社区"), max_length=12)
    state = models.CharField(
        _("状态"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"))
    lease_owner = models.CharField(max_length=120, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    provider_id = models.CharField(_("网关消息编号"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("消息投递")
        constraints = [models.UniqueConstraint(fields=["message", "channel"], name="portal_delivery_once")]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="portal_delivery_due")]

    def __str__(self) -> str:
        return f"{self.message_id}/{self.channel}"


class MessagePreference(models.Model):
    """A resident's choice for one kind; no row means the default (everything, SMS included)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("消息类型"), max_length=32, choices=MessageKind.choices)
    wanted = models.BooleanField(_("接收"), default=True)
    by_sms = models.BooleanField(_("短信通知"), default=True)

    class Meta:
        verbose_name = _("消息设置")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="portal_pref_once")]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.kind}"
