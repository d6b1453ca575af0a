"""Devices, alarms, incidents and their timelines (呼叫平台).

An alarm is stored before it is acknowledged to the device; `delivered_at` empty means it still
waits in the outbox for the delivery worker, which groups it into an incident and tells the
consoles. Nothing else marks an alarm delivered, so a stopped worker loses nothing.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    SOS = "sos", _("一键呼叫器")
    FALL = "fall", _("跌倒报警器")
    SMOKE = "smoke", _("烟感报警器")
    GAS = "gas", _("燃气报警器")
    WATER = "water", _("水浸报警器")
    DOOR = "door", _("门磁")
    MOTION = "motion", _("人体感应器")
    BED = "bed", _("智能床垫")
    WEARABLE = "wearable", _("智能手环")


class AlarmKind(models.TextChoices):
    SOS = "sos", _("紧急呼叫")
    FALL = "fall", _("跌倒")
    SMOKE = "smoke", _("烟雾")
    GAS = "gas", _("燃气泄漏")
    WATER = "water", _("水浸")
    DOOR = "door", _("门开启")
    MOTION = "motion", _("活动")
    BED_EXIT = "bed_exit", _("离床未归")
    HEART_RATE = "heart_rate", _("心率异常")
    LOW_BATTERY = "low_battery", _("电量低")
    TAMPER = "tamper", _("设备被拆")


# Events that show the person is up and about (they reset the inactivity watch), not alarms.
ACTIVITY_KINDS = {AlarmKind.MOTION, AlarmKind.DOOR}


class Device(models.Model):
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="alarm_devices")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    kind = models.CharField(_("设备类型"), max_length=16, choices=DeviceKind.choices)
    serial = models.CharField(_("设备编号"), max_length=64, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    heartbeat_seconds = models.PositiveIntegerField(_("心跳间隔（秒）"), default=3600)
    location = models.CharField(_("安装位置"), max_length=100, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    last_heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    battery = models.PositiveSmallIntegerField(_("电量%"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("终端设备")
        verbose_name_plural = _("终端设备")
        indexes = [models.Index(fields=["active", "last_heartbeat_at"], name="alarm_device_hb")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.serial}"


class Heartbeat(models.Model):
    """One heartbeat as sent (kept for a device's history); unique per device and beat id."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="heartbeats")
    region_code = models.CharField(max_length=12, db_index=True)
    beat_id = models.CharField(max_length=64)
    device_time = models.DateTimeField()
    received_at = models.DateTimeField()
    battery = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "beat_id"], name="alarm_heartbeat_once")]


class IncidentState(models.TextChoices):
    NEW = "new", _("待接警")
    ACKNOWLEDGED = "acknowledged", _("已接警")
    IN_PROGRESS = "in_progress", _("处置中")
    DISPATCHED = "dispatched", _("已派员")
    ON_SITE = "on_site", _("已到场")
    RESOLVED = "resolved", _("已结案")


OPEN_STATES = [s for s in IncidentState.values if s != IncidentState.RESOLVED]


class Outcome(models.TextChoices):
    EMERGENCY = "emergency", _("真实紧急情况")
    NEEDED_HELP = "help", _("需要帮助（非紧急）")
    FALSE_ALARM = "false_alarm", _("误报")
    DEVICE_FAULT = "device_fault", _("设备故障")


class Source(models.TextChoices):
    DEVICE = "device", _("设备报警")
    PHONE = "phone", _("电话呼入")
    OFFLINE = "offline", _("设备离线")
    INACTIVITY = "inactivity", _("长时间无活动")


class Incident(models.Model):
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="alarm_incidents")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    kind = models.CharField(_("类型"), max_length=16)
    title = models.CharField(_("摘要"), max_length=200)
    priority = models.PositiveSmallIntegerField(_("优先级"), default=50)  # higher is more urgent
    priority_reasons = models.JSONField(default=list, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=IncidentState.choices, default=IncidentState.NEW
    )
    device = models.ForeignKey(
        Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    opened_at = models.DateTimeField(_("发生时间"), db_index=True)
    last_alarm_at = models.DateTimeField(null=True, blank=True)
    alarm_count = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    in_progress_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    on_site_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alarm_incidents",
    )
    escalation_level = models.PositiveSmallIntegerField(default=0)  # 0 none, 1 supervisor, 2 street on duty
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("警情")
        verbose_name_plural = _("警情")
        indexes = [models.Index(fields=["state", "region_code"], name="alarm_incident_state")]
        constraints = [
            # At most one open silence incident per device / per person: periodic checks may overlap.
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(source="offline") & ~Q(state="resolved"),
                name="alarm_one_open_offline",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(source="inactivity") & ~Q(state="resolved"),
                name="alarm_one_open_inactivity",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state != IncidentState.RESOLVED


class Alarm(models.Model):
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="alarms")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="alarms")
    region_code = models.CharField(max_length=12, db_index=True)
    event_id = models.CharField(_("事件编号"), max_length=64)
    kind = models.CharField(_("事件类型"), max_length=16, choices=AlarmKind.choices)
    device_time = models.DateTimeField(_("设备时间"))
    received_at = models.DateTimeField(_("接收时间"))
    detail = models.JSONField(default=dict, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)  # empty: still in the outbox
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    delivery_error = models.CharField(max_length=300, blank=True)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="alarms"
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        constraints = [models.UniqueConstraint(fields=["device", "event_id"], name="alarm_event_once")]
        indexes = [
            models.Index(fields=["id"], condition=Q(delivered_at__isnull=True), name="alarm_outbox"),
            models.Index(fields=["person", "received_at"], name="alarm_person_time"),
        ]


class TimelineKind(models.TextChoices):
    OPENED = "opened", _("立案")
    ALARM = "alarm", _("报警")
    STATE = "state", _("状态变更")
    NOTE = "note", _("备注")
    CALL = "call", _("通话")
    ESCALATED = "escalated", _("升级")
    RESPONDER = "responder", _("派员")
    RESPONDER_CONFIRMED = "confirmed", _("响应人确认")
    RESPONDER_REPLACED = "replaced", _("响应人更换")
    PRIORITY = "priority", _("优先级")


class TimelineEntry(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    region_code = models.CharField(max_length=12, db_index=True)
    at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=TimelineKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=100, blank=True)
    text = models.CharField(max_length=500)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("已接通")
    NO_ANSWER = "no_answer", _("无人接听")
    BUSY = "busy", _("占线")
    WRONG_NUMBER = "wrong", _("号码错误")


class CallTarget(models.TextChoices):
    PERSON = "person", _("本人")
    FAMILY = "family", _("家属")
    COMMUNITY = "community", _("社区工作人员")
    EMERGENCY = "120", _("120急救")
    POLICE = "110", _("110/119")


class ResponderState(models.TextChoices):
    ASKED = "asked", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REPLACED = "replaced", _("未确认已更换")
    ARRIVED = "arrived", _("已到场")


class Responder(models.Model):
    """Someone sent to the person: a family contact, a community worker, a volunteer, 120."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="responders")
    region_code = models.CharField(max_length=12, db_index=True)
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("身份"), max_length=30)
    phone_masked = models.CharField(max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        "registry.FamilyContact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=12, choices=ResponderState.choices, default=ResponderState.ASKED)
    asked_at = models.DateTimeField()
    confirm_by = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]


class Policy(models.Model):
    """The call centre's rules for a region (longest matching prefix wins; "" is the default):
    grouping window, escalation seconds, priorities by alarm type and by the person's situation."""

    region_prefix = models.CharField(_("适用区划前缀"), max_length=12, unique=True, blank=True)
    group_window_seconds = models.PositiveIntegerField(_("合并窗口（秒）"), default=600)
    supervisor_after_seconds = models.PositiveIntegerField(_("未接警升级至值班长（秒）"), default=60)
    street_after_seconds = models.PositiveIntegerField(_("未接警升级至街道值班（秒）"), default=180)
    responder_confirm_seconds = models.PositiveIntegerField(_("响应人确认时限（秒）"), default=300)
    offline_grace_factor = models.FloatField(_("离线判定（心跳间隔倍数）"), default=2.0)
    inactivity_hours = models.FloatField(_("无活动报警（小时）"), default=12.0)
    day_starts_hour = models.PositiveSmallIntegerField(_("白天开始（时）"), default=7)
    day_ends_hour = models.PositiveSmallIntegerField(_("白天结束（时）"), default=21)
    kind_priority = models.JSONField(_("类型优先级"), default=dict, blank=True)
    person_bonus = models.JSONField(_("人员加分"), default=dict, blank=True)
    high_priority = models.PositiveSmallIntegerField(_("高优先级阈值"), default=80)
    # Answer-time service levels (issue 18): the share of calls a person answers within a limit.
    # Defaults: the strictest published alarm-receiving-centre levels, 98.5 % within 60 s, 99 % in 180 s.
    answer_target_seconds = models.PositiveIntegerField(_("接警时限一（秒）"), default=60)
    answer_target_percent = models.FloatField(_("时限一内接警率目标（%）"), default=98.5)
    answer_target2_seconds = models.PositiveIntegerField(_("接警时限二（秒）"), default=180)
    answer_target2_percent = models.FloatField(_("时限二内接警率目标（%）"), default=99.0)
    on_shift_minutes = models.PositiveIntegerField(_("在岗判定（最近操作分钟数）"), default=30)

    class Meta:
        verbose_name = _("呼叫规则")
        verbose_name_plural = _("呼叫规则")
