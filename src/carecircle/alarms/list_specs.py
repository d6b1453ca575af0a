"""The alarm centre's staff lists, declared for the list component (core/lists.py): the devices
(every one, paged: the page once stopped at 200 without a word) and the incidents handled. The
device-care and call-audit lists are in list_specs_care.py (imported at the end, so that a
background export finds them by name)."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.alarms import device_care, selectors
from carecircle.alarms.models import DeviceKind, Incident, IncidentState, Outcome, Source
from carecircle.core import lists
from carecircle.core.types import Actor

DEVICE_STATES = (
    ("online", gettext_lazy("在线")),
    ("offline", gettext_lazy("离线")),
    ("never", gettext_lazy("从未上报")),
    ("low_battery", gettext_lazy("电量低")),
    ("untested", gettext_lazy("未按月测试")),
    ("inactive", gettext_lazy("停用")),
)


def _open_offline() -> Exists:
    """The device has an open device-offline incident: alarms.watch opened it when the device stayed
    silent past its interval × its district's grace (the same test the console's alarm used)."""
    return Exists(
        Incident.objects.filter(device=OuterRef("pk"), source=Source.OFFLINE).exclude(
            state=IncidentState.RESOLVED
        )
    )


def _device_state(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    if value == "inactive":
        return qs.filter(active=False)
    qs = qs.filter(active=True)
    if value == "never":
        return qs.filter(last_heartbeat_at__isnull=True)
    if value == "low_battery":  # below CARECIRCLE_DEVICE_LOW_BATTERY (the alarm itself fires lower)
        return qs.filter(battery__lt=device_care.low_battery())
    if value == "untested":  # no test signal within CARECIRCLE_DEVICE_TEST_DAYS (device_care.py)
        return qs.filter(device_care.problem_q("untested"))
    silent = _open_offline()
    if value == "offline":
        return qs.filter(silent, last_heartbeat_at__isnull=False)
    return qs.filter(~silent, last_heartbeat_at__isnull=False)


def _device_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(Q(serial__icontains=text) | Q(person__name__contains=text))


def _prepare_devices(rows: list[Any]) -> None:
    """Each device's state in words, as the state filter reads it (one query for the page)."""
    silent = set(
        Incident.objects.filter(device__in=rows, source=Source.OFFLINE)
        .exclude(state=IncidentState.RESOLVED)
        .values_list("device_id", flat=True)
    )
    now = timezone.now()
    for d in rows:
        if not d.active:
            d.state_shown = _("停用")
        elif d.last_heartbeat_at is None:
            d.state_shown = _("从未上报")
        elif d.pk in silent or not selectors.device_online(d, now):
            d.state_shown = _("离线")
        else:
            d.state_shown = _("在线")
        if d.active and d.battery is not None and d.battery < device_care.low_battery():
            d.state_shown += _("，电量低")


DEVICES = lists.ListSpec(
    name="alarms.devices",
    title=gettext_lazy("报警设备"),
    perm="alarms.devices",
    rows=lambda user: device_care.with_last_test(selectors.devices(user=user)),
    file_name="devices",
    prepare=_prepare_devices,
    columns=(
        lists.Column("kind", gettext_lazy("设备"), lambda d: d.get_kind_display(), sort=("kind",)),
        lists.Column(
            "serial",
            gettext_lazy("设备编号"),
            lambda d: d.serial,
            sort=("serial",),
            link=lambda d: reverse("alarms:device_detail", args=[d.pk]),
        ),
        lists.Column("person", gettext_lazy("使用人"), lambda d: d.person.name, sort=("person__name",)),
        lists.Column("location", gettext_lazy("安装位置"), lambda d: d.location),
        lists.Column(
            "region", gettext_lazy("所属社区"), lambda d: d.region_code, sort=("region_code",), region=True
        ),
        lists.Column(
            "heartbeat",
            gettext_lazy("最近心跳"),
            lambda d: lists.local_time(d.last_heartbeat_at),
            sort=("last_heartbeat_at",),
        ),
        lists.Column(
            "battery",
            gettext_lazy("电量"),
            lambda d: "" if d.battery is None else f"{d.battery}%",
            sort=("battery",),
        ),
        lists.Column(
            "last_test",
            gettext_lazy("最近测试"),
            lambda d: lists.local_time(d.last_test_at),
            sort=("last_test_at",),
        ),
        lists.Column("state", gettext_lazy("状态"), lambda d: d.state_shown),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("kind", gettext_lazy("设备类型"), DeviceKind.choices),
        lists.choice_filter("state", gettext_lazy("状态"), DEVICE_STATES, apply=_device_state),
        lists.text_filter(
            "q", gettext_lazy("搜索"), _device_text, placeholder=gettext_lazy("设备编号或使用人姓名")
        ),
    ),
    default_sort="-heartbeat",
)


def _answer(i: Incident) -> str:
    if i.acknowledged_at is None:
        return ""
    return _("%(s)s 秒") % {"s": round((i.acknowledged_at - i.opened_at).total_seconds())}


def _incidents(user: Actor) -> QuerySet[Incident]:
    return selectors.incidents(user=user, perm="alarms.supervise").select_related("person", "operator")


def _incident_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(Q(person__name__contains=text) | Q(title__icontains=text))


def _operator(i: Incident) -> str:
    return (i.operator.display_name or i.operator.username) if i.operator else ""


INCIDENTS = lists.ListSpec(
    name="alarms.incidents",
    title=gettext_lazy("警情记录"),
    perm="alarms.supervise",
    rows=_incidents,
    file_name="incidents",
    columns=(
        lists.Column(
            "opened", gettext_lazy("发生时间"), lambda i: lists.local_time(i.opened_at), sort=("opened_at",)
        ),
        lists.Column(
            "person",
            gettext_lazy("老人"),
            lambda i: i.person.name,
            sort=("person__name",),
            link=lambda i: reverse("alarms:incident_detail", args=[i.pk]),
        ),
        lists.Column("source", gettext_lazy("来源"), lambda i: i.get_source_display(), sort=("source",)),
        lists.Column("title", gettext_lazy("摘要"), lambda i: i.title),
        lists.Column(
            "region", gettext_lazy("所属社区"), lambda i: i.region_code, sort=("region_code",), region=True
        ),
        lists.Column("state", gettext_lazy("状态"), lambda i: i.get_state_display(), sort=("state",)),
        lists.Column("answer", gettext_lazy("接警用时"), _answer),
        lists.Column("outcome", gettext_lazy("结果"), lambda i: i.get_outcome_display()),
        lists.Column("operator", gettext_lazy("接警员"), _operator),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("state", gettext_lazy("状态"), IncidentState.choices),
        lists.choice_filter("source", gettext_lazy("来源"), Source.choices),
        lists.choice_filter("outcome", gettext_lazy("结果"), Outcome.choices),
        lists.date_filter("opened", gettext_lazy("发生日期"), "opened_at__date"),
        lists.text_filter(
            "q", gettext_lazy("搜索"), _incident_text, placeholder=gettext_lazy("老人姓名或摘要")
        ),
    ),
    default_sort="-opened",
)


# The device-care and call-audit lists (issue 18): registered with the list component by importing them.
from carecircle.alarms import list_specs_care, list_specs_outreach  # noqa: E402, F401
