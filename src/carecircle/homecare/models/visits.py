"""Visits with electronic visit verification (EVV): check-in/out and their exceptions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecircle.homecare.models.orders import Order

# ------------------------------------------------------------------ visits (EVV)


class Visit(models.Model):
    """The verified visit of an order. Its six facts: service (item), recipient (person), date,
    place (check-in position against the address), caregiver, start and end."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="visit")
    region_code = models.CharField(max_length=12, db_index=True)
    caregiver = models.ForeignKey("workforce.Caregiver", on_delete=models.PROTECT, related_name="+")
    check_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    check_in_lat = models.FloatField(null=True, blank=True)
    check_in_lng = models.FloatField(null=True, blank=True)
    check_in_distance_m = models.FloatField(_("签到距离（米）"), null=True, blank=True)
    check_in_reason = models.CharField(_("时段外签到原因"), max_length=200, blank=True)
    check_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    check_out_lat = models.FloatField(null=True, blank=True)
    check_out_lng = models.FloatField(null=True, blank=True)
    check_out_distance_m = models.FloatField(_("签退距离（米）"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["caregiver", "check_in_at"], name="visit_caregiver_in")]

    @property
    def minutes(self) -> float | None:
        if self.check_in_at and self.check_out_at:
            return (self.check_out_at - self.check_in_at).total_seconds() / 60
        return None


class VisitCheck(models.Model):
    """One check-in or check-out as sent by the phone; the idempotency key makes a repeated
    submission return the first one instead of counting twice."""

    class Kind(models.TextChoices):
        IN = "in", _("签到")
        OUT = "out", _("签退")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="checks")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    accuracy_m = models.FloatField(default=0)
    distance_m = models.FloatField()
    idempotency_key = models.CharField(max_length=80, unique=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "kind"], name="visit_check_once")]


class ExceptionKind(models.TextChoices):
    FAR = "far", _("签到/签退位置距服务地址过远")
    SHORT = "short", _("服务时长不足")
    OVERLAP = "overlap", _("与同一护理员其他服务时间重叠")
    NO_CHECK_IN = "no_check_in", _("未签到即签退")  # refused since issue 13; kept for older rows
    OFF_WINDOW = "off_window", _("签到时间不在预约时段内")


class VisitException(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待审核")
        ACCEPTED = "accepted", _("审核通过")
        REJECTED = "rejected", _("审核不通过")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="exceptions")
    region_code = models.CharField(max_length=12, db_index=True)
    kind = models.CharField(max_length=12, choices=ExceptionKind.choices)
    detail = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("审核意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "kind"], name="visit_exception_unique")]

    def summary(self) -> str:
        """The facts behind the flag, for the supervisor."""
        from django.utils.translation import gettext as _  # noqa: PLC0415 — eager gettext here; `_` is gettext_lazy above

        d = self.detail or {}
        if self.kind == ExceptionKind.FAR:
            parts = []
            for which, label in (("check_in", _("签到")), ("check_out", _("签退"))):
                if f"{which}_distance_m" in d:
                    parts.append(
                        _("%(w)s距地址%(m)s米（定位精度%(a)s米）")
                        % {"w": label, "m": d[f"{which}_distance_m"], "a": d.get(f"{which}_accuracy_m", 0)}
                    )
            return "；".join(parts) + _("，上限%(l)s米") % {"l": d.get("limit_m", "")}
        if self.kind == ExceptionKind.SHORT:
            return _("实际服务%(m)s分钟，应不少于%(n)s分钟") % {"m": d.get("minutes"), "n": d.get("needed")}
        if self.kind == ExceptionKind.OVERLAP:
            return _("与订单%(o)s的服务时间重叠") % {"o": d.get("other_order")}
        if self.kind == ExceptionKind.OFF_WINDOW:
            when = (
                _("提前%(m)s分钟") % {"m": d["early_minutes"]}
                if "early_minutes" in d
                else _("超出时段%(m)s分钟") % {"m": d.get("late_minutes")}
            )
            return _("签到%(w)s，原因：%(r)s") % {"w": when, "r": d.get("reason", "")}
        return _("签退时间%(t)s，无签到记录") % {"t": str(d.get("check_out_at", ""))[11:16]}
