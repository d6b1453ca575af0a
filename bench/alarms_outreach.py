"""A week of proactive wellbeing calls (主动关怀, issue 18) for the synthetic city: each day's
generation (the default rules: 独居 weekly, after an incident daily ×3) with the balanced assignment
to the operators, then every day again (must create and reassign nothing), and the on-time rate
selector over the month.

    python bench/alarms_outreach.py [--scale 0.01] [--database-url postgres://…] [--operators 20]

--scale 1 is the full city (2.6 million older people). People come from the registry step of
`carecircle generate`. Prints one line of JSON."""

import argparse
import datetime
import io
import json
import time

from _setup import django_ready


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--operators", type=int, default=20, help="operators across the city's districts")
    args = parser.parse_args()
    django_ready(args.database_url)

    from django.db import connection
    from django.db.models import Count

    from carecircle.alarms import outreach, selectors
    from carecircle.alarms.models import OutreachCall
    from carecircle.core import demo
    from carecircle.core.management.commands.generate import CITY_CODE, Command
    from carecircle.core.models import Region, RoleGrant, User
    from carecircle.core.roles import Role
    from carecircle.registry.models import Person

    steps = demo.steps
    keep = {"carecircle.registry.demo"}
    demo.steps = lambda: [m for m in steps() if m.__name__ in keep]
    command = Command(stdout=io.StringIO())
    command.handle(scale=args.scale, seed=2026, fresh=False, today=None)
    today = command.city.today
    districts = list(
        Region.objects.filter(code__startswith=CITY_CODE[:4], level=3).values_list("code", flat=True)
    )
    for i in range(args.operators):
        user = User.objects.create_user(username=f"bench-op-{i}", password=None)
        RoleGrant.objects.create(user=user, role=Role.OPERATOR, region_id=districts[i % len(districts)])
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")

    monday = outreach.slot_start(today, 7)
    days = [monday + datetime.timedelta(days=d) for d in range(7)]
    started = time.perf_counter()
    made = [outreach.generate(day) for day in days]
    week_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = [outreach.generate(day) for day in days]
    rerun_seconds = time.perf_counter() - started
    assert sum(g.created for g in again) == 0 and sum(g.assigned for g in again) == 0, again
    created = sum(g.created for g in made)
    assert OutreachCall.objects.count() == created
    loads = sorted(
        OutreachCall.objects.filter(scheduled_for=days[-1], assignee__isnull=False)
        .values("assignee")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    admin = User.objects.create_user(username="bench-admin", password=None)
    RoleGrant.objects.create(user=admin, role=Role.CITY_ADMIN, region_id=CITY_CODE)
    started = time.perf_counter()
    rates = selectors.outreach_on_time(user=admin, month=today)
    rate_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "benchmark": "alarms_outreach",
                "database": connection.vendor,
                "scale": args.scale,
                "people": Person.objects.count(),
                "operators": args.operators,
                "calls_week": created,
                "calls_per_day_max": max(g.created for g in made),
                "week_seconds": round(week_seconds, 2),
                "calls_per_second": round(created / week_seconds) if week_seconds else None,
                "regenerate_week_seconds": round(rerun_seconds, 2),
                "regenerate_created": 0,
                "last_day_load_min_max": [loads[0], loads[-1]] if loads else None,
                "on_time_rate_seconds": round(rate_seconds, 3),
                "on_time_rows": len(rates),
            }
        )
    )


if __name__ == "__main__":
    main()
