"""Device care (issue 18, item 4): each device's monthly test signal, and the operator's test call
that waits for it.

A test signal is not an alarm: it comes to its own endpoint (`POST /api/v1/devices/test`), is stored
here once per device and test id (a retry is acknowledged, never stored twice) and never reaches the
alarm outbox, so it can never open an incident. An operator's test call records that a test is
expected from a device; the device's next test signal, or the operator confirming on the phone that
the test came through, completes it (passed); the operator records a failure with its reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.alarms.models.base import Device


class DeviceTestState(models.TextChoices):
    WAITING = "waiting", _("等待测试信号")
    PASSED = "passed", _("测试通过")
    FAILED = "failed", _("测试未通过")


class DeviceTestCall(models.Model):
    """An operator's test call with a device's owner: a test signal is expected from the device."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="test_calls")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    state = models.CharField(
        _("结果"), max_length=12, choices=DeviceTestState.choices, default=DeviceTestState.WAITING
    )
    started_at = models.DateTimeField(_("发起时间"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("设备测试呼叫")
        verbose_name_plural = _("设备测试呼叫")
        constraints = [
            # one test call waits per device at a time (two operators starting one: the second is refused)
            models.UniqueConstraint(
                fields=["device"], condition=Q(state="waiting"), name="alarm_one_waiting_test_call"
            )
        ]

    def __str__(self) -> str:
        return f"{self.device} {self.get_state_display()}"


class DeviceTestSource(models.TextChoices):
    DEVICE = "device", _("设备测试信号")
    OPERATOR = "operator", _("坐席电话确认")


class DeviceTest(models.Model):
    """One test of a device: its test signal as received, or an operator's confirmation on the phone."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="tests")
    region_code = models.CharField(max_length=12, db_index=True)
    test_id = models.CharField(_("测试编号"), max_length=64)
    source = models.CharField(
        _("方式"), max_length=12, choices=DeviceTestSource.choices, default=DeviceTestSource.DEVICE
    )
    device_time = models.DateTimeField(_("设备时间"))
    received_at = models.DateTimeField(_("接收时间"))
    battery = models.PositiveSmallIntegerField(_("电量%"), null=True, blank=True)
    call = models.ForeignKey(
        DeviceTestCall, null=True, blank=True, on_delete=models.SET_NULL, related_name="tests"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("设备测试")
        verbose_name_plural = _("设备测试")
        constraints = [models.UniqueConstraint(fields=["device", "test_id"], name="alarm_device_test_once")]
        indexes = [models.Index(fields=["device", "received_at"], name="alarm_device_test_time")]

    def __str__(self) -> str:
        return f"{self.device} {self.received_at:%Y-%m-%d}"
