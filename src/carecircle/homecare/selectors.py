"""Reads of home services, always scoped: staff by region (homecare.view), provider admins by
their organisation, caregivers by their own visits, residents by themselves and the parents they
are linked to as family (registry FamilyContact.user)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from carecircle.core import credit_standing, regions, scope, suspension
from carecircle.core.access import access_by_id
from carecircle.core.errors import InvalidInput, NotFound
from carecircle.core.models import Region
from carecircle.core.organisations import OrganisationKind, organisations_of, require_admin_or_staff
from carecircle.core.regions import is_valid_code, prefix_of
from carecircle.core.types import Actor, signed_in

# what other modules read of home care's facts (oversight, portal), kept in homecare/_facts.py
from carecircle.homecare._facts import accept_notices as accept_notices
from carecircle.homecare._facts import credit_facts as credit_facts
from carecircle.homecare._facts import local_day as local_day
from carecircle.homecare._facts import supervised_providers as supervised_providers
from carecircle.homecare._facts import warning_signals as warning_signals
from carecircle.homecare.dispatch import travel_minutes
from carecircle.homecare.models import (
    BUSY_STATUSES,
    Complaint,
    CostShareRule,
    GuidePrice,
    Order,
    OrderStatus,
    Provider,
    ProviderArea,
    ProviderPrice,
    Rating,
    ServiceCategory,
    ServiceItem,
    ServicePolicy,
    Statement,
    VisitException,
)
from carecircle.homecare.models import OrderStatus as S
from carecircle.homecare.types import (
    FamilyVisit,
    RouteStop,
    SatisfactionRow,
)
from carecircle.registry.selectors import family_persons
from carecircle.workforce.selectors import caregiver_for_user

if TYPE_CHECKING:
    from carecircle.registry.models import Person
    from carecircle.workforce.models import Caregiver


def _valid_on(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def region_chain(region_code: str) -> list[str]:
    """The code and all its ancestors' codes, most specific first (core.regions.chain)."""
    return regions.chain(region_code)


# ------------------------------------------------------------------ catalogue, prices, policy


def catalogue() -> list[ServiceCategory]:
    """The categories, each with its active items by code as `active_items` (two queries)."""
    active = ServiceItem.objects.filter(active=True).order_by("code")
    return list(
        ServiceCategory.objects.prefetch_related(Prefetch("items", queryset=active, to_attr="active_items"))
    )


def provider_price(provider: Provider, item: ServiceItem, day: datetime.date) -> Decimal | None:
    row = (
        ProviderPrice.objects.filter(_valid_on(day), provider=provider, item=item)
        .order_by("-valid_from")
        .first()
    )
    return row.price if row else None


def guide_price(region_code: str, item: ServiceItem, day: datetime.date) -> Decimal | None:
    rows = GuidePrice.objects.filter(_valid_on(day), item=item, region_code__in=region_chain(region_code))
    best = sorted(rows, key=lambda r: (-len(r.region_code.rstrip("0")), -r.valid_from.toordinal()))
    return best[0].price if best else None


def serves(provider: Provider, region_code: str) -> bool:
    return any(
        region_code.startswith(prefix_of(a)) for a in provider.areas.values_list("region_code", flat=True)
    )


def providers_for(region_code: str, item: ServiceItem, day: datetime.date) -> list[tuple[Provider, Decimal]]:
    """Active providers serving `region_code` that price `item` on `day`, better credit grades first
    (D last; Jiaxing 三(三) 监管结果…挂钩, oversight's CreditEffect order through
    core/credit_standing.py), cheapest first within a grade; none that oversight has suspended
    (core/suspension.py). `provider_grades` gives the grade to show beside each."""
    area_codes = region_chain(region_code)
    ids = ProviderArea.objects.filter(region_code__in=area_codes).values("provider_id")
    providers = list(Provider.objects.filter(pk__in=ids, active=True))
    stopped = suspension.suspended("homecare", [p.pk for p in providers])  # oversight: a major hazard
    out = []
    for provider in providers:
        if provider.pk in stopped:
            continue
        price = provider_price(provider, item, day)
        if price is not None:
            out.append((provider, price))
    ranks = credit_standing.order_ranks("homecare", [p.pk for p, _price in out])
    return sorted(out, key=lambda pair: (ranks[pair[0].pk][0], pair[1], pair[0].name))


def provider_grades(providers: list[tuple[Provider, Decimal]]) -> list[tuple[Provider, Decimal, str]]:
    """The choice of providers_for with each provider's credit grade to show (未评级 when none)."""
    ranks = credit_standing.order_ranks("homecare", [p.pk for p, _price in providers])
    return [(p, price, ranks[p.pk][1]) for p, price in providers]


def cost_share_rule(region_code: str, category: ServiceCategory, day: datetime.date) -> CostShareRule | None:
    rows = CostShareRule.objects.filter(
        _valid_on(day), category=category, region_code__in=region_chain(region_code)
    )
    best = sorted(rows, key=lambda r: (-len(r.region_code.rstrip("0")), -r.valid_from.toordinal()))
    return best[0] if best else None


def policy_for(region_code: str) -> ServicePolicy:
    rows = {p.region_code: p for p in ServicePolicy.objects.filter(region_code__in=region_chain(region_code))}
    for code in region_chain(region_code):
        if code in rows:
            return rows[code]
    return ServicePolicy(region_code="")  # the model's defaults


# ------------------------------------------------------------------ orders


def visible_orders(user: Actor, perm: str = "homecare.view") -> QuerySet[Order]:
    """Orders the user may see: region scope, own organisation, own visits, own family."""
    if not signed_in(user):
        return Order.objects.none()
    q = Q(pk__in=scope.in_scope(Order.objects.all(), user, perm).values("pk"))
    orgs = organisations_of(user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")
    if orgs:
        q |= Q(provider_id__in=orgs)
    caregiver = caregiver_for_user(user)
    if caregiver is not None:
        q |= Q(caregiver=caregiver)
    q |= Q(person__in=family_persons(user))
    return Order.objects.filter(q)


def family_visits(*, persons: Mapping[int, str], day: datetime.date) -> list[FamilyVisit]:
    """The visits on `day` of the persons a resident account acts for, in time order (one query).
    `persons` maps their ids to their names: those of `registry.selectors.family_persons(user)`,
    which the resident pages read first (the home page once for all its tiles). The ids, not a
    subquery: the database then looks up each person's orders by index instead of planning a
    semi-join over the day's orders of the whole city. Rows of the columns shown, not Order objects
    with their related ones: the resident home page, the busiest page of all, reads it."""
    if not persons:
        return []
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    rows = (
        Order.objects.filter(person_id__in=list(persons))
        .filter(window_start__gte=start, window_start__lt=start + datetime.timedelta(days=1))
        .order_by("window_start", "id")
        .values_list(
            "id", "person_id", "window_start", "status", "item__name", "provider__name", "caregiver__name"
        )
    )
    labels = dict(OrderStatus.choices)
    return [
        FamilyVisit(
            order_id=pk,
            person_id=person_id,
            person_name=persons[person_id],
            window_start=start_at,
            status=status,
            status_label=str(labels.get(status, status)),
            item_name=item,
            provider_name=provider,
            caregiver_name=caregiver or "",
            done=status in (S.SERVED, S.COMPLETED),
        )
        for pk, person_id, start_at, status, item, provider, caregiver in rows
    ]


def order_search(
    *,
    user: Actor,
    status: str = "",
    day: datetime.date | None = None,
    provider_id: int | None = None,
    region_code: str = "",
) -> QuerySet[Order]:
    qs = (
        visible_orders(user)
        .select_related("item", "provider", "person", "caregiver")
        .defer("address", "person__id_number", "person__phone", "person__address")
    )
    if status:
        qs = qs.filter(status=status)
    if day:
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        qs = qs.filter(window_start__gte=start, window_start__lt=start + datetime.timedelta(days=1))
    if provider_id:
        qs = qs.filter(provider_id=provider_id)
    if region_code:
        if not is_valid_code(region_code):
            raise InvalidInput(field="region")
        qs = qs.filter(region_code__startswith=prefix_of(region_code))
    return qs.order_by("window_start", "id")


def order_get(*, user: Actor, order_id: int) -> Order:
    order = (
        visible_orders(user)
        .select_related("item", "provider", "person", "caregiver")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def is_family_of(user: Actor, person: Person) -> bool:
    return family_persons(user).filter(pk=person.pk).exists()


def caregiver_route(*, caregiver: Caregiver, day: datetime.date) -> list[RouteStop]:
    """The caregiver's visits of the day in visit order, with the estimated travel from the last place."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    orders = (
        Order.objects.filter(
            caregiver=caregiver,
            window_start__gte=start,
            window_start__lt=start + datetime.timedelta(days=1),
            status__in=[*BUSY_STATUSES, OrderStatus.SERVED, OrderStatus.COMPLETED],
        )
        .select_related("item", "person")
        .defer("address")
        .order_by("window_start")
    )
    speed = float(policy_for(caregiver.region_code).travel_speed_kmh)
    lat, lng = caregiver.latitude, caregiver.longitude
    out = []
    for order in orders:
        travel = None
        if lat is not None and lng is not None and order.latitude is not None and order.longitude is not None:
            travel = round(float(travel_minutes(lat, lng, order.latitude, order.longitude, speed)), 1)
        out.append(RouteStop(order=order, travel_minutes=travel))
        lat, lng = order.latitude, order.longitude
    return out


# ------------------------------------------------------------------ exceptions, complaints, satisfaction


def exceptions_for(*, user: Actor, status: str = VisitException.Status.OPEN) -> QuerySet[VisitException]:
    orders = visible_orders(user, "homecare.review")
    orgs = organisations_of(user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")
    staff = scope.in_scope(Order.objects.all(), user, "homecare.review")
    reviewable = orders.filter(Q(provider_id__in=orgs) | Q(pk__in=staff.values("pk")))
    qs = VisitException.objects.filter(visit__order__in=reviewable).select_related(
        "visit__order__item", "visit__order__person", "visit__caregiver"
    )
    return qs.filter(status=status) if status else qs


def complaints_for(*, user: Actor) -> QuerySet[Complaint]:
    orders = visible_orders(user)
    return Complaint.objects.filter(order__in=orders).select_related("provider", "order__item")


def satisfaction(*, user: Actor, by: str = "provider") -> list[SatisfactionRow]:
    """Ratings grouped by provider or by street: count, mean score, share of 4–5 (满意率)."""
    ratings = Rating.objects.filter(order__in=visible_orders(user))
    if by == "provider":
        rows = ratings.values("provider_id", "provider__name").annotate(
            n=Count("id"), mean=Avg("score"), satisfied=Count("id", filter=Q(score__gte=4))
        )
        return [
            SatisfactionRow(
                key=r["provider_id"],
                name=r["provider__name"],
                n=r["n"],
                mean=round(r["mean"], 2),
                rate=round(100 * r["satisfied"] / r["n"], 1),
            )
            for r in rows.order_by("provider__name")
        ]

    streets = (
        ratings.annotate(street=Substr("region_code", 1, 9))
        .values("street")
        .annotate(n=Count("id"), mean=Avg("score"), satisfied=Count("id", filter=Q(score__gte=4)))
        .order_by("street")
    )
    names = dict(
        Region.objects.filter(code__in=[r["street"] + "000" for r in streets]).values_list("code", "name")
    )
    return [
        SatisfactionRow(
            key=r["street"] + "000",
            name=names.get(r["street"] + "000", r["street"]),
            n=r["n"],
            mean=round(r["mean"], 2),
            rate=round(100 * r["satisfied"] / r["n"], 1),
        )
        for r in streets
    ]


def rating_counts(*, region_prefix: str, since: datetime.date, until: datetime.date) -> tuple[int, int]:
    """(ratings of 4–5, all ratings) given from `since` to `until` by people under `region_prefix`:
    planning's 满意率, read the way `satisfaction` reads it."""
    return rating_counts_under(region_prefixes=[region_prefix], since=since, until=until)[region_prefix]


def rating_counts_under(
    *, region_prefixes: list[str], since: datetime.date, until: datetime.date
) -> dict[str, tuple[int, int]]:
    """`rating_counts` of each prefix, in one grouped query per prefix length (not one per prefix)."""
    out = dict.fromkeys(region_prefixes, (0, 0))
    ratings = Rating.objects.filter(at__date__gte=since, at__date__lte=until)
    for grouped in regions.grouped_under(ratings, region_prefixes):
        rows = grouped.values("under").annotate(n=Count("id"), satisfied=Count("id", filter=Q(score__gte=4)))
        out.update({r["under"]: (r["satisfied"], r["n"]) for r in rows})
    return out


def statements_for(*, user: Actor) -> QuerySet[Statement]:
    orgs = organisations_of(user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")
    staff = scope.in_scope(Statement.objects.all(), user, "homecare.manage")
    return Statement.objects.filter(Q(provider_id__in=orgs) | Q(pk__in=staff.values("pk"))).select_related(
        "provider"
    )


def statement_get(*, user: Actor, statement_id: int) -> Statement:
    st = statements_for(user=user).filter(pk=statement_id).first()
    if st is None:
        raise NotFound()
    return st


def provider_get(*, user: Actor, provider_id: int) -> Provider:
    return access_by_id(
        Provider.objects.all(),
        provider_id,
        user=user,
        perm="homecare.view",
        check=lambda u, p, row: require_admin_or_staff(
            u,
            kind=OrganisationKind.HOMECARE_PROVIDER,
            organisation_id=row.pk,
            perm=p,
            region_code=row.region_code,
        ),
    )


def providers_visible(*, user: Actor) -> QuerySet[Provider]:
    orgs = organisations_of(user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")
    staff = scope.in_scope(Provider.objects.all(), user, "homecare.view")
    return Provider.objects.filter(Q(pk__in=orgs) | Q(pk__in=staff.values("pk")))


# ------------------------------------------------------------------ what a user may do with an order


class OrderAction(StrEnum):
    """The actions on one order; each has its own page URL (`homecare:order_<value>`)."""

    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    ACCEPT = "accept"
    DECLINE = "decline"
    REASSIGN = "reassign"
    RATE = "rate"
    COMPLAIN = "complain"
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    ADDRESS = "address"


def _statuses() -> dict[OrderAction, frozenset[str]]:
    before_service = frozenset({S.CONFIRMED, S.OFFERED, S.ACCEPTED})
    on_visit = frozenset({S.ACCEPTED, S.IN_SERVICE})  # the address: before and during the visit
    after_service = frozenset({S.SERVED, S.COMPLETED})
    return {
        OrderAction.CANCEL: before_service,
        OrderAction.RESCHEDULE: before_service,
        OrderAction.REASSIGN: before_service,
        OrderAction.ACCEPT: frozenset({S.OFFERED}),
        OrderAction.DECLINE: frozenset({S.OFFERED, S.ACCEPTED}),
        OrderAction.RATE: after_service,
        OrderAction.COMPLAIN: after_service,
        OrderAction.CHECK_IN: frozenset({S.ACCEPTED}),
        OrderAction.CHECK_OUT: frozenset({S.IN_SERVICE}),  # 签退 only after 签到 (check-in makes IN_SERVICE)
        OrderAction.ADDRESS: on_visit,
    }


def action_open(order: Order, action: OrderAction) -> bool:
    """THE state rule: whether the order's state allows the action at all (whoever asks). The
    services refuse with a Conflict when it does not; order_actions() adds who may act."""
    if action == OrderAction.ACCEPT and order.caregiver_id is None:
        return False
    return order.status in _statuses()[action]


def is_recipient_side(user: Actor, order: Order) -> bool:
    """The person themself or a family member linked to them."""
    return signed_in(user) and (order.person.user_id == user.pk or is_family_of(user, order.person))


def is_order_provider(user: Actor, order: Order) -> bool:
    return order.provider_id in organisations_of(user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")


def is_order_caregiver(user: Actor, order: Order) -> bool:
    caregiver = caregiver_for_user(user)
    return caregiver is not None and order.caregiver_id == caregiver.pk


def is_order_party(user: Actor, order: Order) -> bool:
    """Who may cancel or move the order: the person, their family, its provider, or staff ordering
    in the order's region."""
    return (
        is_recipient_side(user, order)
        or is_order_provider(user, order)
        or scope.has_perm(user, "homecare.order", order.region_code)
    )


ADDRESS_BEFORE = datetime.timedelta(hours=2)  # the address opens this long before the window
ADDRESS_AFTER = datetime.timedelta(hours=1)  # and closes this long after it


def address_window(order: Order) -> tuple[datetime.datetime, datetime.datetime]:
    return order.window_start - ADDRESS_BEFORE, order.window_end + ADDRESS_AFTER


def order_actions(
    user: Actor, order: Order, *, now: datetime.datetime | None = None
) -> frozenset[OrderAction]:
    """What `user` may do with `order` now: the order page's buttons, the caregiver's visit page and
    the services (through action_open and the is_* checks above) all follow this one rule."""
    provider, caregiver = is_order_provider(user, order), is_order_caregiver(user, order)
    recipient = is_recipient_side(user, order)
    who = {
        OrderAction.CANCEL: recipient
        or provider
        or scope.has_perm(user, "homecare.order", order.region_code),
        OrderAction.ACCEPT: provider or caregiver,
        OrderAction.DECLINE: provider or caregiver,
        OrderAction.REASSIGN: provider,
        OrderAction.RATE: recipient and not Rating.objects.filter(order=order).exists(),
        OrderAction.COMPLAIN: recipient,
        OrderAction.CHECK_IN: caregiver,
        OrderAction.CHECK_OUT: caregiver,
    }
    who[OrderAction.RESCHEDULE] = who[OrderAction.CANCEL]
    if caregiver:
        opens, closes = address_window(order)
        who[OrderAction.ADDRESS] = opens <= (now or timezone.now()) <= closes
    return frozenset(a for a in OrderAction if who.get(a) and action_open(order, a))
