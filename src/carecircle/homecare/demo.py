"""The synthetic city's home services: providers serving each district with their prices, caregivers
with certificates (workforce), a meal cost-sharing rule, recurring meal plans, yesterday's orders
served, verified (a few flagged), rated and settled, and today's orders dispatched, accepted and —
for what already began — checked in."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from carecircle.core.demo import City, Progress
from carecircle.core.models import RoleGrant, User
from carecircle.core.organisations import OrganisationKind
from carecircle.homecare import evv, services, services_dispatch, settlement
from carecircle.homecare.careplans import careplan_create
from carecircle.homecare.models import (
    CostShareLine,
    CostShareRule,
    FundingRule,
    GuidePrice,
    OrderStatus,
    Provider,
    ProviderArea,
    ProviderPrice,
    ServiceCategory,
    ServiceItem,
    ServicePolicy,
    VisitException,
)
from carecircle.registry.models import Person
from carecircle.workforce import demo as workforce_demo
from carecircle.workforce.selectors import caregiver_for_user

ORDER = 50

BASE_PRICES = {
    "meal.delivery": 15,
    "meal.feeding": 30,
    "bath.home": 80,
    "bath.station": 50,
    "clean.home": 40,
    "clean.laundry": 25,
    "medical.escort": 90,
    "medical.drugs": 30,
    "walk.escort": 40,
    "urgent.visit": 50,
    "shop.errand": 30,
    "rehab.nursing": 120,
    "comfort.chat": 35,
    "training.family": 100,
    "aids.rent": 60,
}
# What older people order on a day, roughly (meals dominate).
ITEM_WEIGHTS = {
    "meal.delivery": 40,
    "clean.home": 14,
    "bath.home": 8,
    "comfort.chat": 8,
    "medical.drugs": 6,
    "medical.escort": 5,
    "shop.errand": 6,
    "walk.escort": 4,
    "rehab.nursing": 5,
    "clean.laundry": 4,
}
PROVIDER_WORDS = ["安康", "颐和", "福寿", "康乐", "乐龄", "仁爱", "晚晴", "夕阳红", "长青", "和美"]


def generate(city: City) -> None:
    with transaction.atomic():  # one commit: the per-order transactions become savepoints
        _generate(city)


def _generate(city: City) -> None:
    rng = city.rng_for("homecare")
    today = city.today
    admin = User.objects.filter(username="admin").first()
    providers = _providers(city, rng)
    caregivers = workforce_demo.teams(city, rng, providers)
    _rules(city)
    orders_per_day = min(300, max(30, city.elders // 120))
    people = _sample_elders(rng, today, 2 * orders_per_day)
    elders = sorted(people)
    people_ids = elders
    if not elders or admin is None:
        return
    progress = Progress(city, "居家服务订单", 2 * orders_per_day)
    items = {i.code: i for i in ServiceItem.objects.select_related("category")}
    codes, weights = list(ITEM_WEIGHTS), list(ITEM_WEIGHTS.values())
    now = timezone.now()
    yesterday = today - datetime.timedelta(days=1)
    made = {}
    for day in (yesterday, today):
        day_start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0)))
        created = []
        for n in range(orders_per_day):
            progress.add(1)
            person = people[rng.choice(people_ids)]
            item = items[rng.choices(codes, weights)[0]]
            offers = [p for p in providers if p.region_code[:6] == person.region_code[:6]]
            if not offers:
                continue
            minute = (
                8 * 60 + rng.randrange(0, 10 * 60, 15)
                if item.code != "meal.delivery"
                else rng.choice([11 * 60, 11 * 60 + 15, 11 * 60 + 30, 17 * 60])
            )
            start = day_start + datetime.timedelta(minutes=minute)
            try:
                created.append(
                    services.order_create(
                        actor=admin,
                        person=person,
                        item=item,
                        provider=rng.choice(offers),
                        window_start=start,
                        idempotency_key=f"demo:{day.isoformat()}:{n}",
                        now=day_start - datetime.timedelta(hours=1),
                    )
                )
            except Exception:  # noqa: BLE001 - a provider without that price: the person orders nothing
                continue
        made[day] = created
        for provider in providers:
            services_dispatch.dispatch_day(actor=None, day=day, provider=provider)
    _serve(rng, made[yesterday], until=now, rate=True)
    _serve(rng, made[today], until=now, rate=False)
    _family_order(city, providers, items)
    _plans(city, rng, providers, items, elders, admin)
    for provider in providers:
        settlement.statement_generate(actor=None, provider=provider, month=yesterday)
    flagged = VisitException.objects.filter(status=VisitException.Status.OPEN).count()
    city.say(
        f"  居家服务：{len(providers)} 家机构，{len(caregivers)} 名护理员，"
        f"昨日 {len(made[yesterday])} 单、今日 {len(made[today])} 单，待审核异常 {flagged} 条"
    )


def _sample_elders(rng, today, n: int) -> dict[int, Person]:
    """About n older people with a home position, drawn by random id (no full-table list at scale)."""
    qs = Person.objects.filter(birth_date__lte=today.replace(year=today.year - 60), latitude__isnull=False)
    bounds = Person.objects.aggregate(lo=Min("id"), hi=Max("id"))
    found: dict[int, Person] = {}
    for _round in range(20):
        if len(found) >= n or bounds["lo"] is None:
            break
        ids = {rng.randint(bounds["lo"], bounds["hi"]) for _ in range(3 * n)}
        found.update(qs.in_bulk(list(ids)))
    return dict(list(sorted(found.items()))[:n])


def _providers(city, rng) -> list[Provider]:
    providers = []
    per_district = 2 if city.elders < 100_000 else 4
    start = datetime.date(2020, 1, 1)
    items = list(ServiceItem.objects.all())
    n = 0
    for d in city.districts:
        for k in range(per_district):
            n += 1
            name = f"{d.name}{PROVIDER_WORDS[(n + k) % len(PROVIDER_WORDS)]}居家养老服务中心"
            p = Provider.objects.create(
                name=name,
                licence_no=f"52{d.code[:6]}MJ{n:06d}",
                region_code=d.code,
                credit_grade=rng.choice(["A", "A", "B", "AA"]),
                latitude=d.latitude,
                longitude=d.longitude,
            )
            ProviderArea.objects.create(provider=p, region_code=d.code)
            providers.append(p)
            ProviderPrice.objects.bulk_create(
                [
                    ProviderPrice(
                        provider=p,
                        item=i,
                        valid_from=start,
                        price=Decimal(BASE_PRICES[i.code]) * Decimal(str(round(rng.uniform(0.9, 1.15), 2))),
                    )
                    for i in items
                    if i.code in BASE_PRICES and rng.random() < 0.95 or i.code == "meal.delivery"
                ]
            )
    first = providers[0]
    RoleGrant.objects.filter(user__username__in=["provider", "caregiver"]).update(
        organisation_kind=OrganisationKind.HOMECARE_PROVIDER, organisation_id=first.pk
    )
    return providers


def _rules(city) -> None:
    start = datetime.date(2020, 1, 1)
    meal = ServiceCategory.objects.get(code="meal")
    rule = CostShareRule.objects.create(
        region_code=city.city.code, category=meal, name="老年助餐多方分担", valid_from=start
    )
    CostShareLine.objects.bulk_create(
        [
            CostShareLine(rule=rule, source="enterprise", amount=Decimal("2.00")),
            CostShareLine(rule=rule, source="government", percent=Decimal("30")),
            CostShareLine(rule=rule, source="collective", amount=Decimal("1.00")),
            CostShareLine(rule=rule, source="social", amount=Decimal("0.50")),
        ]
    )
    GuidePrice.objects.bulk_create(
        [
            GuidePrice(
                region_code=city.city.code, item=i, price=Decimal(BASE_PRICES[i.code]), valid_from=start
            )
            for i in ServiceItem.objects.all()
            if i.code in BASE_PRICES
        ]
    )
    ServicePolicy.objects.create(region_code=city.city.code, evv_max_distance_m=300)
    # the benefits demo's 养老服务补贴 (a monthly voucher) pays basic-list services
    FundingRule.objects.create(programme_code="CARE_SUBSIDY", source="voucher")


def _serve(rng, orders, *, until, rate: bool) -> None:
    """Accept the offered orders; visits that began before `until` are checked in (and out when
    over), mostly cleanly, a few far or short; yesterday's are rated."""
    for order in orders:
        order.refresh_from_db()
        if order.status != OrderStatus.OFFERED:
            continue
        caregiver = order.caregiver
        user = caregiver.user or workforce_demo.caregiver_account(caregiver)
        services_dispatch.order_accept(actor=user, order=order)
        if order.window_start > until:
            continue
        roll = rng.random()
        lat = order.latitude + (0.012 if roll < 0.03 else rng.gauss(0, 0.0003))
        at_in = order.window_start + datetime.timedelta(minutes=rng.randrange(-5, 8))
        evv.visit_check_in(
            actor=user,
            order=order,
            latitude=lat,
            longitude=order.longitude,
            accuracy_m=20,
            at=at_in,
            now=at_in,
            idempotency_key=f"demo-in-{order.pk}",
        )
        minutes = order.item.duration_minutes * (0.4 if 0.03 <= roll < 0.06 else rng.uniform(0.95, 1.2))
        at_out = at_in + datetime.timedelta(minutes=minutes)
        if at_out > until:
            continue
        evv.visit_check_out(
            actor=user,
            order=order,
            latitude=order.latitude,
            longitude=order.longitude,
            accuracy_m=20,
            at=at_out,
            now=at_out,
            idempotency_key=f"demo-out-{order.pk}",
        )
        if rate and rng.random() < 0.8:
            _rate(order, rng)


_DEMO_RESIDENTS: dict[int, User] = {}


def _rate(order, rng) -> None:
    person = order.person
    if person.user_id is None:
        user = User.objects.create(username=f"elder{person.pk}", display_name=person.name, is_active=False)
        RoleGrant.objects.create(user=user, role="resident", region_id=person.region_code)
        person.user = user
        person.save(update_fields=["user"])
    score = rng.choices([5, 4, 3, 2, 1], [55, 30, 9, 4, 2])[0]
    comment = {5: "服务很周到", 4: "挺好的", 3: "一般", 2: "来晚了", 1: "不满意"}[score]
    settlement.order_rate(actor=person.user, order=order, score=score, comment=comment)
    if score <= 2 and rng.random() < 0.5:
        settlement.complaint_create(actor=person.user, order=order, text=f"{comment}，希望改进")


def _family_order(city, providers, items) -> None:
    """The demo 子女 account has booked 助浴 for their mother tomorrow."""
    family = User.objects.filter(username="family").first()
    elder_id = city.facts.get("family_elder_id")
    if family is None or elder_id is None:
        return
    person = Person.objects.get(pk=elder_id)
    offers = [p for p in providers if p.region_code[:6] == person.region_code[:6]]
    start = timezone.make_aware(
        datetime.datetime.combine(city.today + datetime.timedelta(days=1), datetime.time(9, 30))
    )
    try:
        order = services.order_create(
            actor=family,
            person=person,
            item=items["bath.home"],
            provider=offers[0],
            window_start=start,
            idempotency_key="demo:family:bath",
            now=start - datetime.timedelta(days=1),
            notes="老人怕冷，请提前开暖风",
        )
    except Exception:  # noqa: BLE001 - the first provider may not price 助浴
        return
    # offered to the demo caregiver account, who finds it on the phone page to accept
    admin = User.objects.filter(username="provider").first()
    carer = caregiver_for_user(User.objects.filter(username="caregiver").first())
    if carer is not None and carer.organisation_id != order.provider_id:
        carer = None
    if admin is not None and carer is not None:
        services_dispatch.order_reassign(
            actor=admin, order=order, caregiver=carer, reason="指定熟悉老人的护理员"
        )


def _plans(city, rng, providers, items, elders, admin) -> None:
    for pid in rng.sample(elders, min(20, len(elders))):
        person = Person.objects.get(pk=pid)
        offers = [p for p in providers if p.region_code[:6] == person.region_code[:6]]
        if offers:
            careplan_create(
                actor=admin,
                person=person,
                item=items["meal.delivery"],
                provider=offers[0],
                weekdays="12345",
                start_time=datetime.time(11, 0),
                valid_from=city.today,
                notes="工作日午餐",
            )
