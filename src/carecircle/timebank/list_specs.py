"""The time bank's staff lists (core/lists.py): volunteers, requests, and the districts' report
(hours by region, redemption time, cover ratio) — each with count, filters and Excel export."""

import datetime
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecircle.core import lists, scope
from carecircle.core.models import Region
from carecircle.core.regions import DISTRICT, prefix_of
from carecircle.core.types import Actor
from carecircle.timebank import selectors
from carecircle.timebank.models import (
    AccountKind,
    EntryKind,
    HelpRequest,
    Line,
    RequestStatus,
    Skill,
    Volunteer,
)

SKILLS = dict(Skill.choices)


def _volunteers(user: Actor) -> QuerySet[Volunteer]:
    return selectors.volunteers_in_scope(user)


def _prepare_volunteers(rows: list[Any]) -> None:
    held = dict(
        Line.objects.filter(account__volunteer__in=rows)
        .values("account__volunteer_id")
        .annotate(s=Sum("hours"))
        .values_list("account__volunteer_id", "s")
    )
    today = timezone.localdate()
    for v in rows:
        v.balance = held.get(v.pk) or Decimal("0")
        v.skills_shown = "、".join(str(SKILLS.get(s, s)) for s in v.skill_list)
        v.age = (
            today.year
            - v.birth_date.year
            - ((today.month, today.day) < (v.birth_date.month, v.birth_date.day))
        )


VOLUNTEERS = lists.ListSpec(
    name="timebank.volunteers",
    title=_("志愿者"),
    perm="timebank.view",
    rows=_volunteers,
    file_name="volunteers",
    prepare=_prepare_volunteers,
    columns=(
        lists.Column("name", _("姓名"), lambda v: v.name, sort=("name",)),
        lists.Column("age", _("年龄"), lambda v: v.age),
        lists.Column("skills", _("服务技能"), lambda v: v.skills_shown),
        lists.Column("availability", _("可服务时间"), lambda v: v.availability),
        lists.Column("phone", _("联系电话"), lambda v: v.phone_masked, clear=lambda v: v.phone),
        lists.Column("balance", _("时间余额（小时）"), lambda v: v.balance),
        lists.Column(
            "region", _("所在社区"), lambda v: v.region_code, sort=("region_code", "name"), region=True
        ),
        lists.Column(
            "created", _("登记时间"), lambda v: lists.local_time(v.created_at), sort=("created_at",)
        ),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter(
            "skill", _("服务技能"), Skill.choices, apply=lambda qs, v: qs.filter(skills__contains=v)
        ),
        lists.text_filter("q", _("姓名"), lambda qs, v: qs.filter(name__contains=v)),
    ),
    default_sort="name",
)


def _requests(user: Actor) -> QuerySet[HelpRequest]:
    return selectors.request_in_scope(user)


def _waiting(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    days = int(value)
    return qs.filter(status=RequestStatus.OPEN, posted_at__lte=timezone.now() - datetime.timedelta(days=days))


REQUESTS = lists.ListSpec(
    name="timebank.requests",
    title=_("互助需求"),
    perm="timebank.view",
    rows=_requests,
    file_name="help-requests",
    columns=(
        lists.Column(
            "person",
            _("老人"),
            lambda r: r.person.name,
            sort=("person__name",),
            link=lambda r: reverse("timebank:request_detail", args=[r.pk]),
        ),
        lists.Column("kind", _("服务内容"), lambda r: r.get_kind_display(), sort=("kind",)),
        lists.Column("wanted_on", _("期望日期"), lambda r: r.wanted_on, sort=("wanted_on",)),
        lists.Column("hours", _("时长（小时）"), lambda r: r.earned if r.earned is not None else r.hours),
        lists.Column("status", _("状态"), lambda r: r.get_status_display(), sort=("status",)),
        lists.Column("paid", _("兑换"), lambda r: _("是") if r.paid_by_id else _("否")),
        lists.Column("volunteer", _("志愿者"), lambda r: r.volunteer.name if r.volunteer else ""),
        lists.Column("posted", _("发布时间"), lambda r: lists.local_time(r.posted_at), sort=("posted_at",)),
        lists.Column(
            "escalated", _("督办时间"), lambda r: lists.local_time(r.escalated_at), sort=("escalated_at",)
        ),
        lists.Column("region", _("所在社区"), lambda r: r.region_code, sort=("region_code",), region=True),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("status", _("状态"), RequestStatus.choices),
        lists.choice_filter("kind", _("服务内容"), Skill.choices),
        lists.choice_filter("waiting", _("未接单超过"), (("3", _("3天")), ("7", _("7天"))), apply=_waiting),
        lists.date_filter("wanted", _("期望日期"), "wanted_on"),
        lists.text_filter("q", _("老人姓名"), lists.person_text("person")),
    ),
    default_sort="-posted",
)


def _districts(user: Actor) -> QuerySet[Region]:
    return scope.in_scope(Region.objects.filter(level=DISTRICT), user, "timebank.view", field="code")


def _by_district(qs: QuerySet[Any], field: str, **agg: Any) -> dict[str, dict[str, Any]]:
    rows = qs.annotate(d=Substr(field, 1, 6)).values("d").annotate(**agg).order_by()
    return {r["d"]: r for r in rows}


def _prepare_districts(rows: list[Any]) -> None:
    """The report's figures for the districts on the page, a few grouped queries for all of them."""
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    codes = [r.code for r in rows]
    issued = Line.objects.filter(account__kind=AccountKind.ISSUED, region_code__in=codes, day__gte=start)
    earned = dict(
        issued.filter(entry__kind=EntryKind.EARN)
        .values("region_code")
        .annotate(s=Sum("hours"))
        .values_list("region_code", "s")
    )
    spent = dict(
        issued.filter(entry__kind=EntryKind.SPEND)
        .values("region_code")
        .annotate(s=Sum("hours"))
        .values_list("region_code", "s")
    )
    prefixes = [prefix_of(c) for c in codes]
    served = HelpRequest.objects.filter(
        reduce(or_, (Q(region_code__startswith=p) for p in prefixes), Q(pk__in=[])),
        status=RequestStatus.CONFIRMED,
        paid_by__isnull=False,
        confirmed_at__date__gte=start,
    )
    wait = _by_district(
        served,
        "region_code",
        n=Count("id"),
        avg=Avg(ExpressionWrapper(F("confirmed_at") - F("posted_at"), output_field=DurationField())),
    )
    volunteers = _by_district(Volunteer.objects.filter(active=True), "region_code", n=Count("id"))
    unserved = _by_district(
        HelpRequest.objects.filter(status=RequestStatus.OPEN).filter(Q(escalated_at__isnull=False)),
        "region_code",
        n=Count("id"),
    )
    covers = selectors.covers(codes)
    for r in rows:
        p = prefix_of(r.code)
        r.volunteers = volunteers.get(p, {}).get("n", 0)
        r.earned = -(earned.get(r.code) or Decimal("0"))
        r.spent = spent.get(r.code) or Decimal("0")
        avg = wait.get(p, {}).get("avg")
        r.redeemed = wait.get(p, {}).get("n", 0)
        r.redeem_days = round(avg.total_seconds() / 86400, 1) if avg is not None else ""
        r.unserved = unserved.get(p, {}).get("n", 0)
        cover = covers[r.code]
        r.outstanding, r.guaranteed = cover.outstanding, cover.guaranteed.quantize(Decimal("0.01"))
        r.ratio = f"{cover.ratio:.0%}" if cover.ratio is not None else "—"
        r.covered = _("是") if cover.covered else _("否")


REPORT = lists.ListSpec(
    name="timebank.report",
    title=_("时间银行报表"),
    perm="timebank.view",
    rows=_districts,
    file_name="timebank-report",
    prepare=_prepare_districts,
    region_of=lambda r: r.code,
    columns=(
        lists.Column("name", _("区县"), lambda r: r.name, sort=("name",)),
        lists.Column("volunteers", _("在册志愿者"), lambda r: r.volunteers),
        lists.Column("earned", _("本年获得时数"), lambda r: r.earned),
        lists.Column("spent", _("本年兑换时数"), lambda r: r.spent),
        lists.Column("redeemed", _("本年兑换单数"), lambda r: r.redeemed),
        lists.Column("redeem_days", _("兑换平均用时（天）"), lambda r: r.redeem_days),
        lists.Column("unserved", _("超期未接单（已督办）"), lambda r: r.unserved),
        lists.Column("outstanding", _("未兑付时数（负债）"), lambda r: r.outstanding),
        lists.Column("guaranteed", _("保障时数（含资金折算）"), lambda r: r.guaranteed),
        lists.Column("ratio", _("覆盖率"), lambda r: r.ratio),
        lists.Column("covered", _("足额覆盖"), lambda r: r.covered),
    ),
    default_sort="name",
)
