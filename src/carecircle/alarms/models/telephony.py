"""Telephony (来电弹屏, issue 18 item 5): the call centre's telephone system reports each call's
ringing, answer and end; the operator who answered sees the caller's card.

A trunk is one telephone system (the centre's switch), authenticated like a device by a token stored
hashed; an extension maps the switch's extension number to an operator's account. Every event is
kept once (unique per trunk and event id: a replay is acknowledged, never stored twice) and the
call's state is derived from the events stored, whatever order they arrived in.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecircle.core.vault import EncryptedTextField


class Trunk(models.Model):
    """A telephone system that sends call events; its calls belong to its region (the centre's)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    region_code = models.CharField(_("服务区划"), max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("电话中继")
        verbose_name_plural = _("电话中继")

    def __str__(self):
        return self.name


class Extension(models.Model):
    """An extension of the trunk's switch and the operator who sits at it."""

    trunk = models.ForeignKey(Trunk, on_delete=models.CASCADE, related_name="extensions")
    number = models.CharField(_("分机号"), max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("坐席分机")
        verbose_name_plural = _("坐席分机")
        constraints = [models.UniqueConstraint(fields=["trunk", "number"], name="alarm_extension_once")]


class CallState(models.TextChoices):
    RINGING = "ringing", _("振铃中")
    ANSWERED = "answered", _("通话中")
    ENDED = "ended", _("已结束")
    MISSED = "missed", _("未接听")  # ended without being answered


class CallEventKind(models.TextChoices):
    RINGING = "ringing", _("振铃")
    ANSWERED = "answered", _("接听")
    ENDED = "ended", _("挂断")


class Call(models.Model):
    """One inbound call as the trunk reported it. `answered_at` is the first answer (the answer time
    counts from it); `operator` the operator of the latest answer (a transfer moves the pop)."""

    VAULT_PHONE_INDEXES = {"caller_index": "caller"}

    trunk = models.ForeignKey(Trunk, on_delete=models.PROTECT, related_name="calls")
    region_code = models.CharField(_("服务区划"), max_length=12, db_index=True)
    call_ref = models.CharField(_("呼叫编号"), max_length=64)
    caller = EncryptedTextField(_("来电号码"), blank=True)
    caller_masked = models.CharField(_("来电号码"), max_length=20, blank=True)
    caller_index = models.CharField(max_length=64, blank=True, db_index=True)
    state = models.CharField(_("状态"), max_length=10, choices=CallState.choices, default=CallState.RINGING)
    ringing_at = models.DateTimeField(_("振铃时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("接听时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("挂断时间"), null=True, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    operator_at = models.DateTimeField(null=True, blank=True)  # the answer that named `operator`
    extension = models.CharField(_("分机号"), max_length=20, blank=True)
    incident = models.ForeignKey(
        "alarms.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)  # the operator closed the pop
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("来电")
        verbose_name_plural = _("来电")
        constraints = [models.UniqueConstraint(fields=["trunk", "call_ref"], name="alarm_call_once")]
        indexes = [models.Index(fields=["operator", "answered_at"], name="alarm_call_operator")]

    def __str__(self):
        return f"{self.caller_masked or _('未显示号码')} {self.get_state_display()}"


class CallEvent(models.Model):
    """One event as the trunk sent it. `digest` fingerprints its content (the caller's number in it
    is not kept in clear here), so that the same event id with other content is refused (409)."""

    trunk = models.ForeignKey(Trunk, on_delete=models.CASCADE, related_name="events")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    region_code = models.CharField(max_length=12, db_index=True)
    event_id = models.CharField(_("事件编号"), max_length=64)
    kind = models.CharField(_("事件"), max_length=10, choices=CallEventKind.choices)
    at = models.DateTimeField(_("发生时间"))
    received_at = models.DateTimeField(_("接收时间"))
    late = models.BooleanField(default=False)  # arrived after an event that comes later in the call
    digest = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)  # operator account / extension of an answer

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["trunk", "event_id"], name="alarm_call_event_once")]
