"""Home services' staff lists, declared for the list component (core/lists.py): the orders (staff
by region, a provider's admin their own organisation's, a family member their parents', exactly as
selectors.order_search reads them), the verified visits (服务记录), the visit exceptions awaiting
or past review, and the providers."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.core import lists, scope
from carecircle.core.organisations import OrganisationKind, organisations_of
from carecircle.core.types import Actor, signed_in
from carecircle.homecare import selectors
from carecircle.homecare.models import (
    ExceptionKind,
    Order,
    OrderStatus,
    Provider,
    Visit,
    VisitException,
)
from carecircle.workforce.selectors import caregivers_employed


def _slot(o: Order) -> str:
    return f"{lists.local_time(o.window_start)}–{lists.local_time(o.window_end, '%H:%M')}"


def _provider_admin_of(user: Actor) -> set[int]:
    return organisations_of(user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")


def staff_or_provider(user: Actor, perm: str = "homecare.view") -> bool:
    """Staff holding `perm`, and a home-care provider's admins (their own organisation's rows)."""
    return scope.has_perm(user, perm) or bool(_provider_admin_of(user))


def _providers() -> list[tuple[str, str]]:
    """The provider filter's choices (the rows stay scoped: another district's provider finds none)."""
    return [(str(pk), name) for pk, name in Provider.objects.order_by("name", "pk").values_list("pk", "name")]


def _provider_filter(lookup: str) -> lists.Filter:
    return lists.choice_filter("provider", gettext_lazy("服务机构"), _providers, lookup=lookup)


# ------------------------------------------------------------------ orders


def _order_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(
        Q(person__name__contains=text) | Q(item__name__contains=text) | Q(caregiver__name__contains=text)
    )


def _status_shown(o: Order) -> str:
    shown = str(o.get_status_display())
    if o.escalation_level:
        shown += _("（已升级%(n)s次）") % {"n": o.escalation_level}
    return shown


ORDERS = lists.ListSpec(
    name="homecare.orders",
    title=gettext_lazy("居家服务订单"),
    perm="homecare.view",
    # Staff by region, a provider's admin their organisation's orders, a caregiver their visits, a
    # resident their own and their parents' orders: the rows are selectors.order_search's.
    access=signed_in,
    rows=lambda user: selectors.order_search(user=user),
    file_name="homecare-orders",
    columns=(
        lists.Column(
            "start",
            gettext_lazy("服务时间"),
            _slot,
            sort=("window_start",),
            link=lambda o: reverse("homecare:order_detail", args=[o.pk]),
        ),
        lists.Column("item", gettext_lazy("服务项目"), lambda o: o.item.name, sort=("item__name",)),
        lists.Column("person", gettext_lazy("服务对象"), lambda o: o.person.name, sort=("person__name",)),
        lists.Column(
            "address", gettext_lazy("服务地址"), lambda o: o.address_masked, clear=lambda o: o.address
        ),
        lists.Column(
            "region", gettext_lazy("所属社区"), lambda o: o.region_code, sort=("region_code",), region=True
        ),
        lists.Column(
            "provider", gettext_lazy("服务机构"), lambda o: o.provider.name, sort=("provider__name",)
        ),
        lists.Column(
            "caregiver",
            gettext_lazy("护理员"),
            lambda o: o.caregiver.name if o.caregiver else "",
            sort=("caregiver__name",),
        ),
        lists.Column("price", gettext_lazy("价格（元）"), lambda o: o.price, sort=("price",)),
        lists.Column("status", gettext_lazy("状态"), _status_shown, sort=("status",)),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("status", gettext_lazy("订单状态"), OrderStatus.choices),
        lists.date_filter("day", gettext_lazy("服务日期"), "window_start__date"),
        _provider_filter("provider_id"),
        lists.text_filter(
            "q", gettext_lazy("搜索"), _order_text, placeholder=gettext_lazy("服务对象、项目或护理员")
        ),
    ),
    default_sort="-start",
)


def may_export_orders(user: Actor) -> bool:
    """Who exports the order list: staff of the region and a provider's admins (not a family member
    or a caregiver, who see their own orders on the page)."""
    return staff_or_provider(user)


# ------------------------------------------------------------------ visits (服务记录)


def _orders_of(user: Actor, perm: str) -> QuerySet[Order]:
    """The orders of the user's regions (`perm`) and of the providers the user runs."""
    if not signed_in(user):
        return Order.objects.none()
    staff = scope.in_scope(Order.objects.all(), user, perm)
    return Order.objects.filter(Q(pk__in=staff.values("pk")) | Q(provider_id__in=_provider_admin_of(user)))


def _visits(user: Actor) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(order__in=_orders_of(user, "homecare.view"))
        .select_related("order__item", "order__person", "order__provider", "caregiver")
        .defer("order__address", "order__person__id_number", "order__person__phone", "order__person__address")
        .annotate(open_flags=Count("exceptions", filter=Q(exceptions__status=VisitException.Status.OPEN)))
        .annotate(all_flags=Count("exceptions"))
    )


VISIT_STATES = (
    ("waiting", gettext_lazy("未签到")),
    ("in_service", gettext_lazy("服务中")),
    ("done", gettext_lazy("已签退")),
    ("flagged", gettext_lazy("有待审核异常")),
    ("clean", gettext_lazy("无异常")),
)


def _visit_state(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    if value == "waiting":
        return qs.filter(check_in_at__isnull=True)
    if value == "in_service":
        return qs.filter(check_in_at__isnull=False, check_out_at__isnull=True)
    if value == "done":
        return qs.filter(check_out_at__isnull=False)
    if value == "flagged":
        return qs.filter(open_flags__gt=0)
    return qs.filter(all_flags=0)


def _visit_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(
        Q(order__person__name__contains=text)
        | Q(caregiver__name__contains=text)
        | Q(order__item__name__contains=text)
    )


def _minutes(v: Visit) -> object:
    return "" if v.minutes is None else round(v.minutes)


def _flags(v: Any) -> str:
    if v.open_flags:
        return _("%(n)s项待审核") % {"n": v.open_flags}
    if v.all_flags:
        return _("%(n)s项已审核") % {"n": v.all_flags}
    return _("无")


VISITS = lists.ListSpec(
    name="homecare.visits",
    title=gettext_lazy("服务记录"),
    perm="homecare.view",
    access=staff_or_provider,
    rows=_visits,
    file_name="homecare-visits",
    columns=(
        lists.Column(
            "start",
            gettext_lazy("预约时段"),
            lambda v: _slot(v.order),
            sort=("order__window_start",),
            link=lambda v: reverse("homecare:order_detail", args=[v.order_id]),
        ),
        lists.Column(
            "item", gettext_lazy("服务项目"), lambda v: v.order.item.name, sort=("order__item__name",)
        ),
        lists.Column(
            "person", gettext_lazy("服务对象"), lambda v: v.order.person.name, sort=("order__person__name",)
        ),
        lists.Column(
            "region", gettext_lazy("所属社区"), lambda v: v.region_code, sort=("region_code",), region=True
        ),
        lists.Column(
            "provider",
            gettext_lazy("服务机构"),
            lambda v: v.order.provider.name,
            sort=("order__provider__name",),
        ),
        lists.Column(
            "caregiver", gettext_lazy("护理员"), lambda v: v.caregiver.name, sort=("caregiver__name",)
        ),
        lists.Column(
            "check_in",
            gettext_lazy("签到时间"),
            lambda v: lists.local_time(v.check_in_at),
            sort=("check_in_at",),
        ),
        lists.Column(
            "check_out",
            gettext_lazy("签退时间"),
            lambda v: lists.local_time(v.check_out_at),
            sort=("check_out_at",),
        ),
        lists.Column("minutes", gettext_lazy("服务时长（分钟）"), _minutes),
        lists.Column("flags", gettext_lazy("核验异常"), _flags, sort=("open_flags", "all_flags")),
    ),
    filters=(
        lists.region_filter(),
        lists.date_filter("day", gettext_lazy("服务日期"), "order__window_start__date"),
        lists.choice_filter("state", gettext_lazy("核验情况"), VISIT_STATES, apply=_visit_state),
        _provider_filter("order__provider_id"),
        lists.text_filter(
            "q", gettext_lazy("搜索"), _visit_text, placeholder=gettext_lazy("服务对象、护理员或项目")
        ),
    ),
    default_sort="-start",
)


# ------------------------------------------------------------------ visit exceptions (核验异常)


def _exceptions(user: Actor) -> QuerySet[VisitException]:
    return (
        selectors.exceptions_for(user=user, status="")
        .select_related("visit__order__provider", "reviewed_by")
        .defer(
            "visit__order__address",
            "visit__order__person__id_number",
            "visit__order__person__phone",
            "visit__order__person__address",
        )
    )


def _exception_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(Q(visit__order__person__name__contains=text) | Q(visit__caregiver__name__contains=text))


def _reviewer(e: VisitException) -> str:
    return (e.reviewed_by.display_name or e.reviewed_by.username) if e.reviewed_by else ""


def _review(e: VisitException) -> tuple[str, str]:
    if e.status != VisitException.Status.OPEN:
        return "", ""
    return str(_("审核")), reverse("homecare:exception_review", args=[e.pk])


EXCEPTIONS = lists.ListSpec(
    name="homecare.exceptions",
    title=gettext_lazy("服务核验异常"),
    perm="homecare.review",
    access=lambda user: staff_or_provider(user, "homecare.review"),
    rows=_exceptions,
    file_name="homecare-exceptions",
    columns=(
        lists.Column(
            "start",
            gettext_lazy("预约时段"),
            lambda e: _slot(e.visit.order),
            sort=("visit__order__window_start",),
            link=lambda e: reverse("homecare:order_detail", args=[e.visit.order_id]),
        ),
        lists.Column("item", gettext_lazy("服务项目"), lambda e: e.visit.order.item.name),
        lists.Column(
            "person",
            gettext_lazy("服务对象"),
            lambda e: e.visit.order.person.name,
            sort=("visit__order__person__name",),
        ),
        lists.Column(
            "region", gettext_lazy("所属社区"), lambda e: e.region_code, sort=("region_code",), region=True
        ),
        lists.Column(
            "provider",
            gettext_lazy("服务机构"),
            lambda e: e.visit.order.provider.name,
            sort=("visit__order__provider__name",),
        ),
        lists.Column(
            "caregiver",
            gettext_lazy("护理员"),
            lambda e: e.visit.caregiver.name,
            sort=("visit__caregiver__name",),
        ),
        lists.Column("kind", gettext_lazy("异常"), lambda e: e.get_kind_display(), sort=("kind",)),
        lists.Column("detail", gettext_lazy("详情"), lambda e: e.summary()),
        lists.Column("status", gettext_lazy("审核状态"), lambda e: e.get_status_display(), sort=("status",)),
        lists.Column("reason", gettext_lazy("审核意见"), lambda e: e.reason),
        lists.Column("reviewer", gettext_lazy("审核人"), _reviewer),
        lists.Column(
            "flagged",
            gettext_lazy("发现时间"),
            lambda e: lists.local_time(e.created_at),
            sort=("created_at",),
        ),
        lists.Column(
            "review",
            gettext_lazy("操作"),
            lambda e: _review(e)[0],
            link=lambda e: _review(e)[1],
            page_only=True,
        ),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("status", gettext_lazy("审核状态"), VisitException.Status.choices),
        lists.choice_filter("kind", gettext_lazy("异常类型"), ExceptionKind.choices),
        lists.date_filter("day", gettext_lazy("服务日期"), "visit__order__window_start__date"),
        _provider_filter("visit__order__provider_id"),
        lists.text_filter(
            "q", gettext_lazy("搜索"), _exception_text, placeholder=gettext_lazy("服务对象或护理员")
        ),
    ),
    defaults={"status": VisitException.Status.OPEN},
    default_sort="-flagged",
)


# ------------------------------------------------------------------ providers (服务机构)


def _prepare_providers(rows: list[Any]) -> None:
    """Each provider's service areas by name and caregivers employed today (two queries a page)."""
    employed: dict[int, int] = {}
    for c in caregivers_employed(organisation_ids=[p.pk for p in rows], day=timezone.localdate()):
        employed[c.organisation_id] = employed.get(c.organisation_id, 0) + 1
    areas = {p.pk: sorted(a.region_code for a in p.areas.all()) for p in rows}
    names = lists.region_names(code for codes in areas.values() for code in codes)
    for p in rows:
        p.areas_shown = "、".join(names[c] for c in areas[p.pk])
        p.caregivers_shown = employed.get(p.pk, 0)


PROVIDERS = lists.ListSpec(
    name="homecare.providers",
    title=gettext_lazy("居家服务机构"),
    perm="homecare.view",
    access=staff_or_provider,
    rows=lambda user: selectors.providers_visible(user=user).prefetch_related("areas"),
    file_name="homecare-providers",
    prepare=_prepare_providers,
    columns=(
        lists.Column(
            "name",
            gettext_lazy("机构名称"),
            lambda p: p.name,
            sort=("name",),
            link=lambda p: reverse("homecare:provider_detail", args=[p.pk]),
        ),
        lists.Column("licence", gettext_lazy("统一社会信用代码/许可证号"), lambda p: p.licence_no),
        lists.Column(
            "region", gettext_lazy("注册地"), lambda p: p.region_code, sort=("region_code",), region=True
        ),
        lists.Column("areas", gettext_lazy("服务区域"), lambda p: p.areas_shown),
        lists.Column("caregivers", gettext_lazy("在职护理员"), lambda p: p.caregivers_shown),
        lists.Column(
            "credit", gettext_lazy("信用等级"), lambda p: p.credit_grade or "—", sort=("credit_grade",)
        ),
        lists.Column("active", gettext_lazy("状态"), lambda p: _("正常经营") if p.active else _("停业")),
    ),
    filters=(
        lists.region_filter(label=gettext_lazy("注册地")),
        lists.choice_filter(
            "active",
            gettext_lazy("状态"),
            (("yes", gettext_lazy("正常经营")), ("no", gettext_lazy("停业"))),
            apply=lambda qs, v: qs.filter(active=v == "yes"),
        ),
        lists.text_filter("q", gettext_lazy("机构名称"), lambda qs, v: qs.filter(name__contains=v)),
    ),
    default_sort="name",
)
