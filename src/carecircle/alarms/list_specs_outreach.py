"""The proactive wellbeing calls' lists (core/lists.py): an operator's worklist (the calls assigned
to them, today's and overdue by default) and the supervisor's view of every call of their regions.
Registered by alarms/list_specs.py importing this module (a background export finds them there)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.alarms import outreach, selectors
from carecircle.alarms.models import OUTREACH_OPEN, OutreachCall, OutreachRule, OutreachState
from carecircle.core import lists
from carecircle.core.types import Actor, signed_in

WHEN = (
    ("due", gettext_lazy("今日及逾期")),
    ("today", gettext_lazy("今日")),
)
STATES = (("open", gettext_lazy("未完成")), *OutreachState.choices)


def _when(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    today = timezone.localdate()
    return qs.filter(scheduled_for=today) if value == "today" else qs.filter(scheduled_for__lte=today)


def _state(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    return qs.filter(state__in=OUTREACH_OPEN) if value == "open" else qs.filter(state=value)


def _rules() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in OutreachRule.objects.order_by("code").values_list("pk", "name")]


def _assignee_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(Q(assignee__display_name__contains=text) | Q(assignee__username=text))


def _mine(user: Actor) -> QuerySet[OutreachCall]:
    qs = selectors.outreach_calls(user=user, perm="alarms.operate")
    return qs.filter(assignee=user) if signed_in(user) else qs.none()


def _attempts(c: OutreachCall) -> str:
    if not c.attempts:
        return ""
    text = _("%(n)s/%(m)s 次") % {"n": c.attempts, "m": c.rule.max_attempts}
    if c.next_attempt_at and c.is_open:
        text += _("，%(t)s 重拨") % {"t": lists.local_time(c.next_attempt_at, "%H:%M")}
    return text


def _assignee(c: OutreachCall) -> str:
    return (c.assignee.display_name or c.assignee.username) if c.assignee else _("未分配")


def _columns(*, with_assignee: bool) -> tuple[lists.Column, ...]:
    cols = [
        lists.Column(
            "day",
            gettext_lazy("计划日期"),
            lambda c: c.scheduled_for.isoformat(),
            sort=("scheduled_for", "due_at"),
        ),
        lists.Column("due", gettext_lazy("完成时限"), lambda c: lists.local_time(c.due_at, "%H:%M")),
        lists.Column(
            "person",
            gettext_lazy("老人"),
            lambda c: c.person.name,
            sort=("person__name",),
            link=lambda c: reverse("alarms:outreach_call", args=[c.pk]),
        ),
        lists.Column("phone", gettext_lazy("联系电话"), lambda c: c.person.phone_masked),
        lists.Column(
            "region", gettext_lazy("所属社区"), lambda c: c.region_code, sort=("region_code",), region=True
        ),
        lists.Column("rule", gettext_lazy("关怀原因"), lambda c: c.rule.name, sort=("rule__code",)),
        lists.Column("state", gettext_lazy("状态"), lambda c: c.get_state_display(), sort=("state",)),
        lists.Column("attempts", gettext_lazy("拨打"), _attempts),
        lists.Column("script", gettext_lazy("话术"), outreach.script_for),
    ]
    if with_assignee:
        cols.append(
            lists.Column("assignee", gettext_lazy("坐席"), _assignee, sort=("assignee__display_name",))
        )
    return tuple(cols)


WORKLIST = lists.ListSpec(
    name="alarms.outreach_worklist",
    title=gettext_lazy("我的主动关怀电话"),
    perm="alarms.operate",
    rows=_mine,
    file_name="outreach-worklist",
    columns=_columns(with_assignee=False),
    filters=(
        lists.choice_filter("when", gettext_lazy("日期"), WHEN, apply=_when),
        lists.choice_filter("state", gettext_lazy("状态"), STATES, apply=_state),
        lists.choice_filter("rule", gettext_lazy("关怀原因"), _rules, lookup="rule_id"),
        lists.region_filter(),
        lists.text_filter("q", gettext_lazy("老人"), lists.person_text("person")),
    ),
    defaults={"when": "due", "state": "open"},
    default_sort="day",
    row_template="alarms/_outreach_row.html",
)

ALL_CALLS = lists.ListSpec(
    name="alarms.outreach_calls",
    title=gettext_lazy("主动关怀电话"),
    perm="alarms.supervise",
    rows=lambda user: selectors.outreach_calls(user=user, perm="alarms.supervise"),
    file_name="outreach-calls",
    columns=_columns(with_assignee=True),
    filters=(
        lists.date_filter("day", gettext_lazy("计划日期"), "scheduled_for"),
        lists.choice_filter("state", gettext_lazy("状态"), STATES, apply=_state),
        lists.choice_filter("rule", gettext_lazy("关怀原因"), _rules, lookup="rule_id"),
        lists.region_filter(),
        lists.text_filter("assignee", gettext_lazy("坐席"), _assignee_text),
        lists.text_filter("q", gettext_lazy("老人"), lists.person_text("person")),
    ),
    default_sort="-day",
)
