"""The device-care and call-audit lists on the list component (issue 18, items 4 and 6).

Device care: the active devices with a problem (no test signal within the test interval, a low
battery, offline or never heard from), each with its owner (name and masked phone only) and
community; filters by problem, kind, region and text. Call audits: the sampled incidents and their
reviews; a supervisor sees those of their regions, an operator only their own."""

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy

from carecircle.alarms import call_audit, device_care
from carecircle.alarms.models import CallAudit, CallAuditDraw, CallAuditState, DeviceKind
from carecircle.core import lists
from carecircle.core.types import Actor


def _problem(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    return qs.filter(device_care.problem_q("" if value == "any" else value))


def _device_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(Q(serial__icontains=text) | Q(person__name__contains=text))


def _device_link(d: Any) -> str:
    return reverse("alarms:device_detail", args=[d.pk])


DEVICE_CARE = lists.ListSpec(
    name="alarms.device_care",
    title=gettext_lazy("设备维护"),
    perm="alarms.devices",
    rows=lambda user: device_care.care_devices(user=user),
    file_name="device-care",
    prepare=lambda rows: device_care.problems_of(rows),
    columns=(
        lists.Column("problems", gettext_lazy("问题"), lambda d: d.problems),
        lists.Column("kind", gettext_lazy("设备"), lambda d: d.get_kind_display(), sort=("kind",)),
        lists.Column(
            "serial", gettext_lazy("设备编号"), lambda d: d.serial, sort=("serial",), link=_device_link
        ),
        lists.Column("person", gettext_lazy("使用人"), lambda d: d.person.name, sort=("person__name",)),
        lists.Column("phone", gettext_lazy("联系电话"), lambda d: d.person.phone_masked),
        lists.Column(
            "region", gettext_lazy("所属社区"), lambda d: d.region_code, sort=("region_code",), region=True
        ),
        lists.Column(
            "last_test",
            gettext_lazy("最近测试"),
            lambda d: lists.local_time(d.last_test_at),
            sort=("last_test_at",),
        ),
        lists.Column(
            "test_due", gettext_lazy("测试到期"), lambda d: lists.local_time(d.test_due, "%Y-%m-%d")
        ),
        lists.Column(
            "battery",
            gettext_lazy("电量"),
            lambda d: "" if d.battery is None else f"{d.battery}%",
            sort=("battery",),
        ),
        lists.Column(
            "heartbeat",
            gettext_lazy("最近心跳"),
            lambda d: lists.local_time(d.last_heartbeat_at),
            sort=("last_heartbeat_at",),
        ),
    ),
    filters=(
        lists.choice_filter(
            "problem",
            gettext_lazy("问题"),
            (("any", gettext_lazy("任一问题")), *device_care.PROBLEMS),
            apply=_problem,
        ),
        lists.region_filter(),
        lists.choice_filter("kind", gettext_lazy("设备类型"), DeviceKind.choices),
        lists.text_filter(
            "q", gettext_lazy("搜索"), _device_text, placeholder=gettext_lazy("设备编号或使用人姓名")
        ),
    ),
    defaults={"problem": "any"},
    default_sort="last_test",
)


def _audits(user: Actor) -> QuerySet[CallAudit]:
    return call_audit.call_audits(user=user).select_related("draw", "incident", "operator", "reviewer")


def _months() -> list[tuple[str, str]]:
    return [
        (d.month.strftime("%Y-%m"), f"{d.month.year}年{d.month.month}月")
        for d in CallAuditDraw.objects.order_by("-month")[:24]
    ]


def _month(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    return qs.filter(draw__month__year=int(value[:4]), draw__month__month=int(value[5:7]))


def _name(user: Any) -> str:
    return (user.display_name or user.username) if user else ""


def _audit_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(
        Q(operator__display_name__contains=text)
        | Q(operator__username__icontains=text)
        | Q(incident__title__icontains=text)
    )


def _verdict(a: CallAudit) -> str:
    if a.passed is None:
        return ""
    return str(gettext_lazy("合格") if a.passed else gettext_lazy("不合格"))


def _audit_link(a: CallAudit) -> str:
    return reverse("alarms:call_audit_detail", args=[a.pk])


CALL_AUDITS = lists.ListSpec(
    name="alarms.call_audits",
    title=gettext_lazy("通话质检"),
    perm="alarms.supervise",
    rows=_audits,
    access=call_audit.may_see_audits,
    file_name="call-audits",
    columns=(
        lists.Column(
            "month",
            gettext_lazy("月份"),
            lambda a: f"{a.draw.month.year}年{a.draw.month.month}月",
            sort=("draw__month",),
        ),
        lists.Column(
            "operator", gettext_lazy("坐席"), lambda a: _name(a.operator), sort=("operator__username",)
        ),
        lists.Column("incident", gettext_lazy("警情"), lambda a: a.incident.title, link=_audit_link),
        lists.Column(
            "resolved",
            gettext_lazy("办结时间"),
            lambda a: lists.local_time(a.incident.resolved_at),
            sort=("incident__resolved_at",),
        ),
        lists.Column(
            "region", gettext_lazy("所属社区"), lambda a: a.region_code, sort=("region_code",), region=True
        ),
        lists.Column("state", gettext_lazy("状态"), lambda a: a.get_state_display(), sort=("state",)),
        lists.Column(
            "score", gettext_lazy("得分"), lambda a: "" if a.score is None else a.score, sort=("score",)
        ),
        lists.Column("verdict", gettext_lazy("结论"), _verdict),
        lists.Column("reviewer", gettext_lazy("评审人"), lambda a: _name(a.reviewer)),
        lists.Column("comment", gettext_lazy("评语"), lambda a: a.comment),
    ),
    filters=(
        lists.choice_filter("month", gettext_lazy("月份"), _months, apply=_month),
        lists.region_filter(),
        lists.choice_filter("state", gettext_lazy("状态"), CallAuditState.choices),
        lists.choice_filter(
            "verdict",
            gettext_lazy("结论"),
            (("pass", gettext_lazy("合格")), ("fail", gettext_lazy("不合格"))),
            apply=lambda qs, v: qs.filter(passed=(v == "pass")),
        ),
        lists.text_filter("q", gettext_lazy("搜索"), _audit_text, placeholder=gettext_lazy("坐席或警情摘要")),
    ),
    default_sort="-month",
)
