"""The month's LTC settlement for the whole city (issue 22, Speed: "the month's LTC settlement for
the full city's LTC recipients (2–3 % of older people) under 30 s on PostgreSQL, against settling
provider by provider in Python").

    python bench/careathome_ltc_settlement.py [--scale S] [--database-url postgres://…]
                                              [--baseline-providers N]

The synthetic city's people at `--scale` (registry demo step); 2.5 % of the older people get a
delivered LTC level (1–5) and a plan with a provider of their district; each has last month's visits
(two to four a week, served; one in 50 with an open complaint, held back). Built with bulk inserts in
a throw-away database (SQLite by default; a PostgreSQL URL is flushed first).

Timed: careathome.ltc_care's set-based part of ltc_settle_month — one query of the month's visits
with their disputes, split per provider against each person's entitlement (`_split`) — against the
baseline in the same run: provider by provider, every visit's order, exception and complaint read
one by one in Python. Both must give the same figures. --baseline-providers N settles only N
providers drawn at random by the baseline (each person's plan has one provider, so a provider's
figures stand alone) and extrapolates its time by their share of the month's visits: the full city's
baseline alone would take over 20 minutes. Prints one JSON line at the end.
"""

import argparse
import datetime
import json
import random
import sys
import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_ready  # noqa: E402

BATCH = 5000
SHARE = 0.025


def build(scale: float, rng: random.Random) -> tuple[datetime.date, int, int]:
    from django.utils import timezone

    from carecircle.careathome.models.ltc import (
        LtcAssessment,
        LtcCarePlan,
        LtcEntitlement,
        LtcPlanOrder,
        LtcStatus,
    )
    from carecircle.core import demo
    from carecircle.core.management.commands.generate import CITY_CODE, Command
    from carecircle.core.models import Region
    from carecircle.homecare.catalogue import catalogue_sync
    from carecircle.homecare.models import (
        Complaint,
        Order,
        Provider,
        ProviderArea,
        ServiceCategory,
        ServiceItem,
    )
    from carecircle.registry.selectors import population

    steps = demo.steps
    demo.steps = lambda: [m for m in steps() if m.__name__ == "carecircle.registry.demo"]
    command = Command(stdout=sys.stderr)  # its progress on stderr; the JSON line alone on stdout
    command.handle(scale=scale, seed=2026, fresh=False, today=None)
    today = command.city.today
    catalogue_sync(ServiceCategory, ServiceItem)
    item = ServiceItem.objects.get(code="bath.home")
    districts = list(Region.objects.filter(level=3).values_list("code", flat=True))
    providers = {}
    for n, d in enumerate(districts):
        for k in range(2):
            p = Provider.objects.create(name=f"居家服务{n}-{k}", licence_no=f"LIC{n:03d}{k}", region_code=d)
            ProviderArea.objects.create(provider=p, region_code=d)
            providers.setdefault(d, []).append(p)
    LtcEntitlement.objects.bulk_create(
        [
            LtcEntitlement(
                city_code=CITY_CODE,
                level=lv,
                hours_per_month=10 + 6 * lv,
                fund_percent=70,
                ledger_programme="LTC_CARE",
                source="bench",
            )
            for lv in range(1, 6)
        ]
    )
    print("LTC 待遇、评估与照护计划…", file=sys.stderr, flush=True)
    elders = list(population(code="elder", day=today).values_list("id", "region_code"))
    chosen = [e for e in elders if rng.random() < SHARE]
    delivered = today - datetime.timedelta(days=60)
    assessments = LtcAssessment.objects.bulk_create(
        [
            LtcAssessment(
                person_id=pid,
                region_code=rc,
                status=LtcStatus.DELIVERED,
                applicant_kind="worker",
                applicant_name="bench",
                applied_on=delivered,
                level=rng.randint(1, 5),
                delivered_on=delivered,
                valid_until=today + datetime.timedelta(days=600),
            )
            for pid, rc in chosen
        ],
        batch_size=BATCH,
    )
    plans = LtcCarePlan.objects.bulk_create(
        [
            LtcCarePlan(
                assessment=a,
                person_id=a.person_id,
                region_code=a.region_code,
                provider=rng.choice(providers[a.region_code[:6] + "000000"]),
                item=item,
                weekdays="".join(sorted(rng.sample("1234567", rng.randint(2, 4)))),
                start_time=datetime.time(9),
                valid_from=delivered,
                valid_to=today + datetime.timedelta(days=300),
            )
            for a in assessments
        ],
        batch_size=BATCH,
    )
    print("上月上门服务订单…", file=sys.stderr, flush=True)
    first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    days = [
        first + datetime.timedelta(days=i)
        for i in range(31)
        if (first + datetime.timedelta(days=i)).month == first.month
    ]
    tz = timezone.get_current_timezone()
    orders, links = [], []
    for plan in plans:
        for day in days:
            if str(day.isoweekday()) not in plan.weekdays:
                continue
            start = timezone.make_aware(datetime.datetime.combine(day, plan.start_time), tz)
            orders.append(
                Order(
                    region_code=plan.region_code,
                    person_id=plan.person_id,
                    item=item,
                    provider=plan.provider,
                    window_start=start,
                    window_end=start + datetime.timedelta(minutes=item.duration_minutes),
                    channel="community",
                    price=Decimal(rng.choice(["60", "80", "100"])),
                    status=rng.choice(["served", "completed"]),
                    idempotency_key=f"ltc:{plan.pk}:{day}",
                )
            )
            links.append((plan, day))
    made = Order.objects.bulk_create(orders, batch_size=BATCH)
    LtcPlanOrder.objects.bulk_create(
        [
            LtcPlanOrder(plan=plan, order=o, day=day, person_id=plan.person_id, level=plan.assessment.level)
            for (plan, day), o in zip(links, made, strict=True)
        ],
        batch_size=BATCH,
    )
    Complaint.objects.bulk_create(
        [
            Complaint(
                order=o,
                region_code=o.region_code,
                provider=o.provider,
                street_code=o.region_code[:9] + "000",
                text="bench",
                deadline=o.window_end + datetime.timedelta(days=3),
            )
            for o in made
            if rng.random() < 0.02
        ],
        batch_size=BATCH,
    )
    return first, len(assessments), len(made)


def baseline(month: datetime.date, provider_ids: list[int] | None = None) -> dict[int, dict]:
    """Provider by provider in Python: every visit, its exceptions and complaints read one at a time
    (only `provider_ids` when given)."""
    from carecircle.careathome.ltc_care import VERIFIED
    from carecircle.careathome.models.ltc import LtcEntitlement, LtcPlanOrder
    from carecircle.careathome.selectors import city_of
    from carecircle.core.months import month_bounds
    from carecircle.homecare.models import Complaint, Provider, VisitException

    start, end = month_bounds(month)
    ents = {(e.city_code, e.level): e for e in LtcEntitlement.objects.all()}
    used: dict[int, int] = defaultdict(int)
    out: dict[int, dict] = {}
    links = []
    providers = Provider.objects.order_by("pk")
    if provider_ids is not None:
        providers = providers.filter(pk__in=provider_ids)
    for provider in providers:
        for link in LtcPlanOrder.objects.filter(order__provider=provider).select_related(
            "order", "order__item"
        ):
            o = link.order
            if o.status in VERIFIED and start <= o.window_start < end:
                links.append((o.window_start, link.pk, provider, link, o))
    for _t, _pk, provider, link, o in sorted(links, key=lambda x: (x[0], x[1])):
        fig = out.setdefault(
            provider.pk, {"visits": 0, "total": Decimal("0"), "fund": Decimal("0"), "held": 0}
        )
        exc = list(VisitException.objects.filter(visit__order=o).values_list("status", flat=True))
        if "rejected" in exc:
            continue
        if "open" in exc or Complaint.objects.filter(order=o, status="open").exists():
            fig["held"] += 1
            continue
        ent = ents.get((city_of(provider.region_code), link.level))
        fig["visits"] += 1
        fig["total"] += o.price
        minutes = o.item.duration_minutes
        if ent is not None and used[link.person_id] + minutes <= ent.hours_per_month * 60:
            used[link.person_id] += minutes
            fig["fund"] += (o.price * ent.fund_percent / 100).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
    return out


def _visits(fig: dict) -> int:
    return fig["visits"] + fig["held"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--baseline-providers", type=int, default=0, help="0: every provider")
    args = parser.parse_args()
    django_ready(args.database_url)
    from django.db import connection

    from carecircle.careathome.ltc_care import _entitlements, _split, ltc_visit_rows

    started = time.perf_counter()
    month, recipients, visits = build(args.scale, random.Random(22))
    build_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("VACUUM (ANALYZE)")
    started = time.perf_counter()
    fast = _split(ltc_visit_rows(month=month), _entitlements())
    fast_seconds = time.perf_counter() - started
    sample = None
    if args.baseline_providers and args.baseline_providers < len(fast):
        sample = sorted(random.Random(7).sample(sorted(fast), args.baseline_providers))
    started = time.perf_counter()
    slow = baseline(month, sample)
    slow_seconds = time.perf_counter() - started
    in_sample = sorted(fast) if sample is None else sample
    share = sum(_visits(fast[p]) for p in in_sample) / max(1, sum(_visits(f) for f in fast.values()))
    same = all(
        (fast[p]["visits"], fast[p]["total"], fast[p]["fund"], fast[p]["held"])
        == (slow[p]["visits"], slow[p]["total"], slow[p]["fund"], slow[p]["held"])
        for p in slow
    ) and set(in_sample) == set(slow)
    slow_seconds /= share  # the whole city's baseline, extrapolated from the sample's visits
    print(
        json.dumps(
            {
                "bench": "careathome_ltc_settlement",
                "database": connection.vendor,
                "scale": args.scale,
                "recipients": recipients,
                "visits": visits,
                "providers": len(fast),
                "build_s": round(build_seconds, 1),
                "set_based_s": round(fast_seconds, 3),
                "baseline_s": round(slow_seconds, 3),
                "baseline_providers": len(in_sample),
                "baseline_extrapolated": sample is not None,
                "ratio": round(slow_seconds / fast_seconds, 1) if fast_seconds else None,
                "same_figures": same,
            }
        )
    )


if __name__ == "__main__":
    main()
