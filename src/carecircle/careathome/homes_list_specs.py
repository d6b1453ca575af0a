"""Staff lists of home adaptation and rental on the list component (core/lists.py): count, filters,
Excel export, names never codes."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from carecircle.careathome import homes_selectors, rentals_selectors
from carecircle.careathome.models.homes import CaseSource, CaseStatus, UnitCondition
from carecircle.core import lists


def _returned(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    today = timezone.localdate()
    if value == "out":
        return qs.filter(returned_on__isnull=True)
    if value == "overdue":
        return qs.filter(returned_on__isnull=True, due_back__lt=today)
    return qs.filter(returned_on__isnull=False)


CASES = lists.ListSpec(
    name="careathome.adaptation_cases",
    title=gettext_lazy("适老化改造个案"),
    perm="careathome.homes_view",
    rows=lambda user: homes_selectors.cases(user=user),
    file_name="adaptation-cases",
    default_sort="-applied",
    columns=(
        lists.Column(
            "person",
            gettext_lazy("姓名"),
            lambda c: c.person.name,
            sort=("person__name",),
            link=lambda c: reverse("careathome:adaptation_detail", args=[c.pk]),
        ),
        lists.Column("region", gettext_lazy("社区"), lambda c: c.region_name),
        lists.Column("source", gettext_lazy("来源"), lambda c: c.get_source_display()),
        lists.Column("status", gettext_lazy("状态"), lambda c: c.get_status_display(), sort=("status",)),
        lists.Column("tier", gettext_lazy("补贴档位"), lambda c: c.tier),
        lists.Column("total", gettext_lazy("方案合计"), lambda c: c.total, money=True, sort=("total",)),
        lists.Column("subsidy", gettext_lazy("政府补贴"), lambda c: c.subsidy, money=True),
        lists.Column("own", gettext_lazy("个人自付"), lambda c: c.own_share, money=True),
        lists.Column(
            "contractor", gettext_lazy("施工单位"), lambda c: c.contractor.name if c.contractor else ""
        ),
        lists.Column("applied", gettext_lazy("申请日期"), lambda c: c.applied_on, sort=("applied_on", "id")),
    ),
    filters=(
        lists.text_filter("q", gettext_lazy("姓名或身份证号"), lists.person_text("person")),
        lists.choice_filter("status", gettext_lazy("状态"), CaseStatus.choices),
        lists.choice_filter("source", gettext_lazy("来源"), CaseSource.choices),
        lists.region_filter(),
        lists.date_filter("applied", gettext_lazy("申请日期"), "applied_on"),
    ),
)

RENTALS = lists.ListSpec(
    name="careathome.rentals",
    title=gettext_lazy("辅具租赁合同"),
    perm="careathome.rental",
    rows=lambda user: rentals_selectors.contracts(user=user),
    file_name="device-rentals",
    default_sort="-delivered",
    columns=(
        lists.Column(
            "person",
            gettext_lazy("姓名"),
            lambda r: r.person.name,
            sort=("person__name",),
            link=lambda r: reverse("careathome:rental_detail", args=[r.pk]),
        ),
        lists.Column("region", gettext_lazy("社区"), lambda r: r.region_name),
        lists.Column("device", gettext_lazy("辅具"), lambda r: r.unit.device_type.name),
        lists.Column("serial", gettext_lazy("序列号"), lambda r: r.unit.serial, sort=("unit__serial",)),
        lists.Column("point", gettext_lazy("租赁点"), lambda r: r.unit.point.name),
        lists.Column("rent", gettext_lazy("月租金"), lambda r: r.monthly_rent, money=True),
        lists.Column("rate", gettext_lazy("补贴比例"), lambda r: f"{r.subsidy_rate:.0%}"),
        lists.Column(
            "delivered", gettext_lazy("交付日期"), lambda r: r.delivered_on, sort=("delivered_on", "id")
        ),
        lists.Column("due", gettext_lazy("约定归还"), lambda r: r.due_back, sort=("due_back",)),
        lists.Column("returned", gettext_lazy("归还日期"), lambda r: r.returned_on or ""),
    ),
    filters=(
        lists.text_filter("q", gettext_lazy("姓名或身份证号"), lists.person_text("person")),
        lists.choice_filter(
            "state",
            gettext_lazy("状态"),
            [
                ("out", gettext_lazy("在租")),
                ("overdue", gettext_lazy("逾期未还")),
                ("back", gettext_lazy("已归还")),
            ],
            apply=_returned,
        ),
        lists.region_filter(),
        lists.date_filter("delivered", gettext_lazy("交付日期"), "delivered_on"),
    ),
)

UNITS = lists.ListSpec(
    name="careathome.device_units",
    title=gettext_lazy("辅具库存"),
    perm="careathome.rental",
    rows=lambda user: rentals_selectors.units(user=user),
    file_name="device-units",
    default_sort="serial",
    columns=(
        lists.Column(
            "serial",
            gettext_lazy("序列号"),
            lambda u: u.serial,
            sort=("serial",),
            link=lambda u: reverse("careathome:unit_detail", args=[u.pk]),
        ),
        lists.Column("device", gettext_lazy("品类"), lambda u: u.device_type.name),
        lists.Column("point", gettext_lazy("租赁点"), lambda u: u.point.name, sort=("point__name",)),
        lists.Column("region", gettext_lazy("社区"), lambda u: u.region_name),
        lists.Column(
            "condition", gettext_lazy("状态"), lambda u: u.get_condition_display(), sort=("condition",)
        ),
    ),
    filters=(
        lists.text_filter("q", gettext_lazy("序列号"), lambda qs, t: qs.filter(serial__contains=t.upper())),
        lists.choice_filter("condition", gettext_lazy("状态"), UnitCondition.choices),
        lists.region_filter(),
    ),
)
