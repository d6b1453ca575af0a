"""A month's care-visit plans for the synthetic city, set-based (one indexed query per group, one
INSERT … ON CONFLICT DO NOTHING per 5,000 plans), then the same month again (must create nothing),
against the naive way measured in the same run: for a random sample of people, look up their
statuses, age and level one by one and create their plans with get_or_create, extrapolated to the
whole population of the visited groups. Both decide 高龄 and 失能 by the groups of registry/groups.py
(失能: 60+ and the newest valid assessment at level 1 or worse).

    python bench/carevisits_plans.py [--scale 0.01] [--database-url postgres://…] [--sample 500]

--scale 1 is the full city (2.6 million older people). People come from the registry step of
`carecircle generate`, assessments from the assessment step. Prints one line of JSON."""

import argparse
import io
import json
import random
import time

from _setup import django_ready


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--sample", type=int, default=500, help="persons in the naive per-person baseline")
    args = parser.parse_args()
    django_ready(args.database_url)

    from django.db import connection, transaction

    from carecircle.assessment.selectors import current_level
    from carecircle.carevisits import plans
    from carecircle.carevisits.demo import RULES
    from carecircle.carevisits.models import FREQUENCY_RANK, VisitPlan, VisitRule
    from carecircle.core import demo
    from carecircle.core.management.commands.generate import CITY_CODE, Command
    from carecircle.registry.models import Person, PersonStatus
    from carecircle.registry.selectors import person_age, population_group, statuses_on

    steps = demo.steps
    keep = {"carecircle.registry.demo", "carecircle.assessment.demo"}
    demo.steps = lambda: [m for m in steps() if m.__name__ in keep]
    command = Command(stdout=io.StringIO())
    started = time.perf_counter()
    command.handle(scale=args.scale, seed=2026, fresh=False, today=None)
    generate_seconds = time.perf_counter() - started
    today = command.city.today
    VisitRule.objects.bulk_create(
        [VisitRule(region_code=CITY_CODE, group=g, frequency=f) for g, f, _ in RULES]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")

    started = time.perf_counter()
    first = plans.generate("", today.year, today.month)
    run_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = plans.generate("", today.year, today.month)
    rerun_seconds = time.perf_counter() - started
    assert again.created == 0, again
    assert VisitPlan.objects.count() == first.created

    # Naive baseline: person by person, on a sample of the city's people, into a scratch month.
    ids = list(Person.objects.values_list("id", flat=True))
    sample = random.Random(1).sample(ids, min(args.sample, len(ids)))
    rules = {r.group: r.frequency for r in VisitRule.objects.all()}
    senior80, disabled = population_group("senior80"), population_group("disabled")
    year, month = (today.year + 1, today.month)  # a month no plan exists in yet
    started = time.perf_counter()
    naive_people = 0
    with transaction.atomic():
        for pid in sample:
            person = Person.objects.get(pk=pid)
            groups = [s.kind for s in statuses_on(person, today) if s.kind in rules]
            age = person_age(person, today)
            if age >= (senior80.min_age or 0) and "senior80" in rules:
                groups.append("senior80")
            level = current_level(person, today)
            if level is not None and level >= (disabled.min_level() or 1) and age >= (disabled.min_age or 0):
                groups.append("disabled")
            if not groups:
                continue
            naive_people += 1
            freq = max((rules[g] for g in groups), key=lambda f: FREQUENCY_RANK[f])
            for start, end in plans.slots(freq, year, month):
                VisitPlan.objects.get_or_create(
                    person=person,
                    period_start=start,
                    defaults={
                        "region_code": person.region_code,
                        "period_end": end,
                        "frequency": freq,
                        "reasons": ",".join(groups),
                    },
                )
    naive_seconds = time.perf_counter() - started
    naive_full = naive_seconds * len(ids) / max(1, len(sample))
    print(
        json.dumps(
            {
                "benchmark": "carevisits_plans",
                "database": connection.vendor,
                "scale": args.scale,
                "people": len(ids),
                "statuses": PersonStatus.objects.count(),
                "generate_city_seconds": round(generate_seconds, 1),
                "visited_people": first.people,
                "plans_created": first.created,
                "plans_seconds": round(run_seconds, 2),
                "plans_per_second": round(first.created / run_seconds) if run_seconds else None,
                "regenerate_seconds": round(rerun_seconds, 2),
                "regenerate_created": again.created,
                "naive_sample": len(sample),
                "naive_seconds_extrapolated": round(naive_full, 1),
                "speedup_vs_naive": round(naive_full / run_seconds, 1) if run_seconds else None,
            }
        )
    )


if __name__ == "__main__":
    main()
