"""Staff lists of LTC care plans, the month's settlements and the plans' visits on the list
component (core/lists.py): count, filters, Excel export; names, never codes."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecircle.careathome import ltc_pages_selectors as sel
from carecircle.careathome.ltc_list_specs import LEVELS
from carecircle.careathome.ltc_reference import LEVEL_NAMES
from carecircle.core import lists


def _level(plan: Any) -> str:
    level = plan.assessment.level
    return "" if level is None else LEVEL_NAMES[level]


def _provider(path: str = "provider") -> lists.Filter:
    """The provider's name, or part of it, through `path` from the row."""
    return lists.text_filter(
        "provider", _("服务机构"), lambda qs, v: qs.filter(**{f"{path}__name__contains": v})
    )


def _current(qs: Any, value: str) -> Any:
    today = timezone.localdate()
    inside = {"valid_from__lte": today, "valid_to__gte": today}
    return qs.filter(**inside) if value == "yes" else qs.exclude(**inside)


LTC_PLANS = lists.ListSpec(
    name="careathome.ltc_plans",
    title=_("长期护理照护计划"),
    perm="ltc.view",
    export_perm="registry.export",
    rows=lambda user: sel.ltc_plan_list(user=user),
    file_name="ltc-plans",
    default_sort="-valid_from",
    columns=(
        lists.Column(
            "name",
            _("老人"),
            lambda p: p.person.name,
            sort=("person__name",),
            link=lambda p: reverse("careathome:ltc_plan_detail", args=[p.pk]),
        ),
        lists.Column("region", _("所属社区"), lambda p: p.region_code, sort=("region_code",), region=True),
        lists.Column("level", _("失能等级"), _level, sort=("assessment__level",)),
        lists.Column("provider", _("服务机构"), lambda p: p.provider.name, sort=("provider__name",)),
        lists.Column("item", _("服务项目"), lambda p: p.item.name),
        lists.Column("weekdays", _("服务日"), lambda p: sel.weekday_names(p.weekdays)),
        lists.Column("start_time", _("开始时间"), lambda p: p.start_time.strftime("%H:%M")),
        lists.Column("valid_from", _("起始日期"), lambda p: p.valid_from, sort=("valid_from", "id")),
        lists.Column("valid_to", _("终止日期"), lambda p: p.valid_to, sort=("valid_to",)),
    ),
    filters=(
        lists.text_filter("q", _("老人姓名或身份证号"), lists.person_text("person")),
        lists.region_filter(),
        lists.choice_filter("level", _("失能等级"), LEVELS, lookup="assessment__level"),
        _provider(),
        lists.choice_filter(
            "current", _("执行中"), (("yes", _("执行中")), ("no", _("未开始或已结束"))), apply=_current
        ),
    ),
)


def _posted(s: Any) -> str:
    if s.posted_at:
        return str(_("已入账（%(ref)s）") % {"ref": lists.local_time(s.posted_at)})
    return str(_("无基金支付，未入账") if not s.fund_amount else _("未入账"))


def _posted_filter(qs: Any, value: str) -> Any:
    return qs.filter(posted_at__isnull=value != "yes")


LTC_SETTLEMENTS = lists.ListSpec(
    name="careathome.ltc_settlements",
    title=_("长期护理月度结算"),
    perm="ltc.view",
    export_perm="registry.export",
    rows=lambda user: sel.ltc_settlement_list(user=user),
    file_name="ltc-settlements",
    default_sort="-month",
    columns=(
        lists.Column(
            "month",
            _("结算月份"),
            lambda s: s.month.strftime("%Y-%m"),
            sort=("month", "id"),
            link=lambda s: reverse("careathome:ltc_settlement_detail", args=[s.pk]),
        ),
        lists.Column("provider", _("服务机构"), lambda s: s.provider.name, sort=("provider__name",)),
        lists.Column("region", _("所属地区"), lambda s: s.region_code, region=True),
        lists.Column("visits", _("核验通过次数"), lambda s: s.visits, sort=("visits",)),
        lists.Column("hours", _("服务时长（小时）"), lambda s: round(s.minutes / 60, 1)),
        lists.Column("total", _("服务费用合计"), lambda s: s.total, money=True, sort=("total",)),
        lists.Column("fund", _("基金支付"), lambda s: s.fund_amount, money=True, sort=("fund_amount",)),
        lists.Column("own", _("个人自付"), lambda s: s.own_amount, money=True),
        lists.Column("held", _("争议暂缓次数"), lambda s: s.held_count, sort=("held_count",)),
        lists.Column("held_amount", _("暂缓金额"), lambda s: s.held_amount, money=True),
        lists.Column("posted", _("基金入账"), _posted),
    ),
    filters=(
        lists.region_filter(),
        lists.date_filter("month", _("结算月份"), "month"),
        _provider(),
        lists.choice_filter(
            "posted", _("基金入账"), (("yes", _("已入账")), ("no", _("未入账"))), apply=_posted_filter
        ),
    ),
)

LTC_VISITS = lists.ListSpec(
    name="careathome.ltc_visits",
    title=_("长期护理服务明细"),
    perm="ltc.view",
    export_perm="registry.export",
    rows=lambda user: sel.ltc_visit_list(user=user),
    file_name="ltc-visits",
    default_sort="-day",
    prepare=sel.mark_disputes,
    region_of=lambda v: v.plan.region_code,
    columns=(
        lists.Column(
            "day",
            _("服务日期"),
            lambda v: timezone.localtime(v.order.window_start).date(),
            sort=("order__window_start", "id"),
        ),
        lists.Column(
            "name",
            _("老人"),
            lambda v: v.person.name,
            sort=("person__name",),
            link=lambda v: reverse("careathome:ltc_plan_detail", args=[v.plan_id]),
        ),
        lists.Column("level", _("失能等级"), lambda v: LEVEL_NAMES[v.level]),
        lists.Column("provider", _("服务机构"), lambda v: v.plan.provider.name),
        lists.Column("item", _("服务项目"), lambda v: v.order.item.name),
        lists.Column("minutes", _("时长（分钟）"), lambda v: v.order.item.duration_minutes),
        lists.Column("price", _("服务费用"), lambda v: v.order.price, money=True),
        lists.Column("state", _("结算状态"), lambda v: v.state),
    ),
    filters=(
        lists.text_filter("q", _("老人姓名或身份证号"), lists.person_text("person")),
        lists.region_filter(lookup="plan__region_code"),
        lists.date_filter("day", _("服务日期"), "order__window_start__date"),
        _provider("plan__provider"),
    ),
)
